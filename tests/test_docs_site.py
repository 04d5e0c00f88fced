"""The docs site (``./kit docs``): built once per session from the stored notebooks, with
warnings as errors; every notebook and page is on it, its links resolve, it loads nothing from
outside itself, and a widget shows its static snapshot, never a Python repr or the secret.

The site is built once per session by the ``docs_site`` fixture (tests/fixtures/docs_site.py);
tests/browser/test_docs_site_offline.py reads it in headless Chromium.
"""

from __future__ import annotations

import functools
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import smskit
from smskit._data import load_json
from tests.fixtures.docs_site import docs_tool, worked_example_signature

ROOT = Path(__file__).resolve().parents[1]
#: Attributes that make a browser fetch something when the page loads.
FETCHED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
           ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}


def _published_sources() -> list[str]:
    """What must be on the site, found on disk (not from the table of contents)."""
    notebooks = [p for p in (ROOT / "notebooks").rglob("*.ipynb")
                 if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)]
    pages = [*(ROOT / "docs").rglob("*.md"), ROOT / "README.md", ROOT / "README.zh-CN.md",
             ROOT / "hub" / "README.md", *ROOT.glob("CHANGELOG*.md")]
    return sorted(p.relative_to(ROOT).as_posix() for p in [*notebooks, *pages])


def _pages(docs_site: Path) -> list[Path]:
    return sorted(docs_site.rglob("*.html"))


def _html(docs_site: Path, source: str) -> str:
    return (docs_site / f"{source.rsplit('.', 1)[0]}.html").read_text(encoding="utf-8")


class _Links(HTMLParser):
    """Every link-like attribute of a page, and every id/name an anchor can point to."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.rel: dict[int, str] = {}
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for key in ("id", "name"):
            if key in values and tag != "meta":
                self.ids.add(values[key])
        for attribute in ("href", "src", "data"):
            if attribute in values:
                self.links.append((tag, attribute, values[attribute]))
                if tag == "link":
                    self.rel[len(self.links) - 1] = values.get("rel", "")


@functools.cache
def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


# -- the build and its table of contents -------------------------------------------------


def test_every_notebook_and_page_is_on_the_site(docs_site: Path) -> None:
    """At the site's root or in an edition's folder (``zh/`` say)."""
    missing = [source for source in _published_sources()
               if not [page for page in (docs_site / f"{source.rsplit('.', 1)[0]}.html",
                                         *docs_site.glob(f"*/{source.rsplit('.', 1)[0]}.html"))
                       if page.is_file()]]
    assert not missing
    assert (docs_site / "index.html").is_file()


def test_each_source_is_in_exactly_one_section_of_the_toc() -> None:
    listed = [page for edition in docs_tool().load_toc() for page in edition.pages]
    assert sorted(listed) == _published_sources()


def test_editions_and_sections_are_data(tmp_path: Path) -> None:
    """A second edition (the Chinese one, say) is an entry in the TOC, nothing else."""
    for name in ("notebooks/01-a.ipynb", "notebooks/zh/01-a.ipynb",
                 "notebooks/.ipynb_checkpoints/01-a.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "README.md").write_text("# A\n\n中文版: [README.zh-CN.md](README.zh-CN.md)\n",
                                        encoding="utf-8")
    (tmp_path / "README.zh-CN.md").write_text(
        "# B\n\nEnglish: [README.md](README.md), [笔记本](notebooks/zh/01-a.ipynb)\n",
        encoding="utf-8")
    toc = tmp_path / "toc.json"
    toc.write_text(json.dumps({"editions": [
        {"language": "en", "folder": "", "title": "T", "intro": "i", "sections": [
            {"caption": "Start", "pages": [{"page": "README.md", "title": "Overview"}]},
            {"caption": "Notebooks", "pages": ["notebooks/*.ipynb"]},
            {"caption": "Empty", "pages": ["notebooks/exercises/*.ipynb"]}]},
        {"language": "zh_CN", "folder": "zh", "title": "T", "intro": "i", "sections": [
            {"caption": "开始", "pages": ["README.zh-CN.md"]},
            {"caption": "笔记本", "pages": ["notebooks/zh/*.ipynb"]}]}]}), encoding="utf-8")
    tool = docs_tool()
    english, chinese = tool.load_toc(toc, tmp_path)
    assert english.pages == ("README.md", "notebooks/01-a.ipynb")
    assert [s.caption for s in english.sections] == ["Start", "Notebooks"]
    assert "\nOverview <README>\n" in tool.index_page(english)
    assert chinese.pages == ("README.zh-CN.md", "notebooks/zh/01-a.ipynb")
    homes = {page: edition.folder for edition in (english, chinese) for page in edition.pages}
    staged = tool.stage(chinese, tmp_path / "staging", tmp_path, homes)
    assert staged == tmp_path / "staging" / "zh"
    assert (staged / "notebooks/zh/01-a.ipynb").is_file()
    index = (staged / tool.INDEX_PAGE).read_text(encoding="utf-8")
    assert ":caption: 笔记本" in index and "\nnotebooks/zh/01-a\n" in index
    # links across editions point at the other edition's page; links within one stay
    assert (staged / "README.zh-CN.md").read_text(encoding="utf-8") == (
        '# B\n\nEnglish: <a href="../README.html">README.md</a>, '
        "[笔记本](notebooks/zh/01-a.ipynb)\n")
    staged = tool.stage(english, tmp_path / "staging", tmp_path, homes)
    assert "中文版: <a href=\"zh/README.zh-CN.html\">README.zh-CN.md</a>" in (
        staged / "README.md").read_text(encoding="utf-8")


def test_the_build_never_replaces_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit, match="holds no earlier build"):
        docs_tool().build(tmp_path, staging=tmp_path / "staging")
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


# -- links and what the pages load ------------------------------------------------------


def test_internal_links_and_anchors_resolve(docs_site: Path) -> None:
    broken = []
    for page in _pages(docs_site):
        for _tag, _attribute, url in _parsed(page).links:
            if _is_external(url) or url.startswith(("mailto:", "javascript:")):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(docs_site)}: {url}")
            elif parts.fragment and target.suffix == ".html" \
                    and unquote(parts.fragment) not in _parsed(target).ids:
                broken.append(f"{page.relative_to(docs_site)}: {url} (no such anchor)")
    assert not broken


def test_nothing_is_loaded_from_outside_the_site(docs_site: Path) -> None:
    outside = []
    for page in _pages(docs_site):
        parsed = _parsed(page)
        for index, (tag, attribute, url) in enumerate(parsed.links):
            fetched = (tag, attribute) in FETCHED or (tag == "link" and "alternate" not in
                                                      parsed.rel.get(index, ""))
            if fetched and _is_external(url):
                outside.append(f"{page.relative_to(docs_site)}: <{tag} {attribute}={url}>")
    for sheet in docs_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if _is_external(url) and not url.startswith("data:"):
                outside.append(f"{sheet.relative_to(docs_site)}: url({url})")
        outside += [f"{sheet.relative_to(docs_site)}: {line.strip()}"
                    for line in sheet.read_text(encoding="utf-8").splitlines()
                    if "@import" in line and "//" in line]
    assert not outside


# -- what the notebooks show -----------------------------------------------------------


def test_widgets_show_their_snapshot_not_a_repr(docs_site: Path) -> None:
    signature = _html(docs_site, "notebooks/02-signature.ipynb")
    assert 'class="smskit-static smskit-static-explorer"' in signature
    assert f'<code class="smskit-signature">{worked_example_signature()}</code>' in signature
    assert "SignatureExplorer(phone=" not in signature
    builder = _html(docs_site, "notebooks/03-request-builder.ipynb")
    assert re.search(r'<pre class="smskit-static-curl"[^>]*>curl ', builder)
    assert "RequestBuilder(user_domain=" not in builder
    codes = _html(docs_site, "notebooks/04-error-codes.ipynb")
    assert '<div class="smskit-code-detail" data-code="5058"' in codes
    assert "ErrorCodeBrowser(category=" not in codes
    for backend in (_html(docs_site, "notebooks/07-your-backend.ipynb"),
                    (docs_site / "zh/notebooks/zh/07-your-backend.html").read_text("utf-8")):
        assert "SignatureNote(" not in backend
        assert "'mistakeId': 'secret-whitespace'" in backend


def _sandbox_secrets() -> list[str]:
    raw = json.loads((ROOT / "smskit/data/sandbox_domains.json").read_text(encoding="utf-8"))
    return [row["secret"] for row in raw["domains"]]


def test_no_sandbox_secret_is_on_the_site(docs_site: Path) -> None:
    secrets = _sandbox_secrets()
    assert secrets
    for path in docs_site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert not [secret for secret in secrets if secret in text], path


# -- the reader's site (issue 22) ----------------------------------------------------------


def _edition_html(docs_site: Path, edition: str, page: str) -> str:
    return (docs_site / edition / page).read_text(encoding="utf-8")


def test_a_trainees_build_leaves_out_the_trainers_and_maintainers_pages() -> None:
    trainers_only = {"docs/trainer-guide.md", "docs/testing-notebooks.md",
                     "notebooks/trainer-dashboard.ipynb", "notebooks/zh/trainer-dashboard.ipynb"}
    trainers_only |= {p.relative_to(ROOT).as_posix()
                      for p in (ROOT / "notebooks/exercises/solutions").glob("*.ipynb")}
    everyone = {page for edition in docs_tool().load_toc() for page in edition.pages}
    trainees = {page for edition in docs_tool().load_toc(audience="trainees")
                for page in edition.pages}
    assert trainers_only <= everyone
    assert not trainers_only & trainees
    assert "notebooks/exercises/1-signing.ipynb" in trainees
    assert "docs/platform.md" in trainees and "README.zh-CN.md" in trainees


def test_links_to_pages_a_build_leaves_out_become_text() -> None:
    tool = docs_tool()
    text = "See [the guide](docs/trainer-guide.md#day) and [the library](docs/library.md)."
    assert tool.unlinked(text, "README.md", {"docs/trainer-guide.md"}) == (
        "See the guide and [the library](docs/library.md).")
    assert tool.unlinked("[up](../trainer-guide.md)", "docs/zh/library.md",
                         {"docs/trainer-guide.md"}) == "up"
    notebook = json.dumps({"cells": [
        {"cell_type": "markdown", "source": ["Answers: [E1](solutions/1-signing.ipynb)"]},
        {"cell_type": "code", "source": ["'[E1](solutions/1-signing.ipynb)'"]}]})
    cells = json.loads(tool.notebook_unlinked(notebook, "notebooks/exercises/1-signing.ipynb",
                                              {"notebooks/exercises/solutions/1-signing.ipynb"}))
    assert cells["cells"][0]["source"] == "Answers: E1"
    assert cells["cells"][1]["source"] == ["'[E1](solutions/1-signing.ipynb)'"]


def test_twins_share_a_path_but_for_the_edition_folder_or_suffix() -> None:
    tool = docs_tool()
    assert tool.twin_key("notebooks/zh/02-signature") == "notebooks/02-signature"
    assert tool.twin_key("README.zh-CN") == "README"
    assert tool.twin_key("docs/platform.zh-CN") == "docs/platform"
    assert tool.twin_key("docs/zh/trainer-guide") == "docs/trainer-guide"
    assert tool.twin_key("notebooks/02-signature") == "notebooks/02-signature"
    english, chinese = tool.load_toc()
    twins = tool.site_data(english, (english, chinese))["twins"]
    assert twins["notebooks/02-signature"] == "zh/notebooks/zh/02-signature.html"
    assert twins["reference/error-codes"] == "zh/reference/error-codes.html"
    # a page with no Chinese twin (yet) leads to the Chinese edition's first page
    assert twins["docs/testing-notebooks"] == "zh/index.html"
    back = tool.site_data(chinese, (english, chinese))["twins"]
    assert back["README.zh-CN"] == "../README.html"
    assert back["notebooks/zh/04-error-codes"] == "../notebooks/04-error-codes.html"


def test_the_chinese_platform_facts_list_the_same_codes_as_the_english() -> None:
    def code_rows(name: str) -> list[str]:
        text = (ROOT / name).read_text(encoding="utf-8")
        return re.findall(r"^\| (\d{3,4}) \| ([^|]+) \|", text, re.M)
    english = code_rows("docs/platform.md")
    assert len(english) >= 25
    assert code_rows("docs/zh/platform.md") == english


def test_code_tables_link_each_code_and_show_its_remedy(docs_site: Path) -> None:
    codes = load_json("error_codes.json")["codes"]
    remedy_5058 = next(entry["remedy"]["en"] for entry in codes if entry["code"] == 5058)
    catalogue = _html(docs_site, "notebooks/04-error-codes.ipynb")
    table = re.search(r'<table id="T_smskit-catalogue">.*?</table>', catalogue, re.S)
    assert table is not None
    assert ('<a class="smskit-code-link" href="../reference/error-codes.html#5058">5058</a>'
            in table[0])
    assert '<th class="smskit-remedy-head">remedy</th>' in table[0]
    assert html.escape(remedy_5058) in table[0]
    # pandas' index-name row is merged into the header: no header row of blanks
    assert '<th class="blank col0" >&nbsp;</th>' not in table[0]
    assert '<th class="index_name level0">code</th>' in table[0]
    zh_table = _edition_html(docs_site, "zh", "notebooks/zh/04-error-codes.html")
    assert '<th class="smskit-remedy-head">处理办法</th>' in zh_table


def test_file_names_in_code_font_are_links(docs_site: Path) -> None:
    readme = _html(docs_site, "README.md")
    assert re.search(r'<a class="smskit-file-link reference internal" href="docs/platform.html">'
                     r'<code[^>]*><span class="pre">docs/platform.md</span></code></a>', readme)
    zh = _edition_html(docs_site, "zh", "README.zh-CN.html")
    assert 'class="smskit-file-link reference internal" href="docs/zh/platform.html"' in zh


def test_the_sandbox_page_shows_the_real_cli_output(docs_site: Path) -> None:
    page = _edition_html(docs_site, "", "reference/sandbox-cli.html")
    assert "smskit sandbox: serving http://127.0.0.1:8765" in page
    assert "its secret   sandbox-only, not printed: it is in ~/smskit/" in page
    assert re.search(r"sandbox-demo +13800138000 +delivered +200 delivered|"
                     r"13800138000 +\S+ +200 delivered", page)
    assert re.search(r"5420 signature +secret-whitespace", page)
    assert "smskit sandbox: stopped" in page
    zh = _edition_html(docs_site, "zh", "reference/sandbox-cli.html")
    assert "smskit sandbox：服务地址 http://127.0.0.1:8765" in zh


def test_copy_buttons_tabs_version_and_lookup_ship_with_the_site(docs_site: Path) -> None:
    for edition in ("", "zh"):
        static = docs_site / edition / "_static"
        assert (static / "clipboard.min.js").is_file()
        lookup = (static / "smskit-lookup-data.js").read_text(encoding="utf-8")
        assert '"target": "reference/error-codes.html#5420"' in lookup
        assert '"target": "reference/glossary.html#term-signature"' in lookup
        page = _edition_html(docs_site, edition, "reference/signing-snippets.html")
        assert page.count('class="tab-label"') == 6
        assert f"smskit {smskit.__version__}</title>" in _edition_html(docs_site, edition,
                                                                       "index.html")
    zh_index = _edition_html(docs_site, "zh", "index.html")
    for word in ("下一页", "回到顶部", "由 Sphinx 和 Furo 构建"):
        assert word in zh_index
    assert "Back to top" not in zh_index and "Made with" not in zh_index


# -- the sandbox's OpenAPI document on the site (issue 19) ---------------------------------

#: The guides that link to the document, by edition folder, with the link's text.
OPENAPI_LINKS = {("", "docs/sandbox.html"): "a file",
                 ("", "docs/sandbox-for-your-backend.html"): "the OpenAPI document",
                 ("zh", "docs/zh/sandbox.html"): "一个文件",
                 ("zh", "docs/zh/sandbox-for-your-backend.html"): "OpenAPI 文档"}


def test_the_site_publishes_the_openapi_document_byte_for_byte_as_the_sandbox_serves_it(
        docs_site: Path) -> None:
    import requests

    from smskit.sandbox import Sandbox

    with Sandbox() as sandbox:
        served = requests.get(sandbox.base_url + "/_sandbox/openapi.json", timeout=10)
    assert served.status_code == 200 and served.content.startswith(b'{"openapi":"3.1.0"')
    for edition in ("", "zh"):
        assert (docs_site / edition / "reference/sandbox-openapi.json").read_bytes() \
            == served.content


@pytest.mark.parametrize(("edition", "page"), list(OPENAPI_LINKS))
def test_the_sandbox_guides_link_to_the_published_document(docs_site: Path, edition: str,
                                                           page: str) -> None:
    path = docs_site / edition / page
    hrefs = [url for tag, _attribute, url in _parsed(path).links
             if tag == "a" and url.endswith("sandbox-openapi.json")]
    assert hrefs and all(not _is_external(url) for url in hrefs)
    assert all((path.parent / url).resolve() == docs_site / edition /
               "reference/sandbox-openapi.json" for url in hrefs)
    assert f'sandbox-openapi.json">{OPENAPI_LINKS[edition, page]}</a>' \
        in path.read_text(encoding="utf-8")
    if "for-your-backend" not in page:
        return
    # the guide's file name in code font links to the page made from the document
    assert re.search(r'class="smskit-file-link reference internal" href="(\.\./)+reference/'
                     r'sandbox-api.html"><code[^>]*><span class="pre">smskit/data/'
                     r"sandbox_openapi.json</span>", path.read_text(encoding="utf-8"))


def test_the_api_page_shows_every_operation_of_the_document_in_each_language(
        docs_site: Path) -> None:
    document = json.loads((docs_site / "reference/sandbox-openapi.json").read_bytes())
    operations = [(method.upper(), path, operation)
                  for path, item in document["paths"].items()
                  for method, operation in item.items()]
    assert len(operations) == 23
    for edition, summary in (("", "summary"), ("zh", "x-summary-zh")):
        page = docs_site / edition / "reference/sandbox-api.html"
        text = html.unescape(page.read_text(encoding="utf-8"))
        ids = _parsed(page).ids
        for method, path, operation in operations:
            assert f"op-{operation['operationId'].lower()}" in ids, (edition, path)
            assert operation[summary] in text, (edition, path)
            assert f'href="#op-{operation["operationId"].lower()}"><code>{method} {path}</code>' \
                in text
        assert 'href="sandbox-openapi.json"' in text
    english = html.unescape(_edition_html(docs_site, "", "reference/sandbox-api.html"))
    chinese = html.unescape(_edition_html(docs_site, "zh", "reference/sandbox-api.html"))
    assert ("Set, move, freeze or resume the sandbox's time: expiry and rate windows without "
            "sleeping") in english
    assert "设置、移动、冻结或恢复沙箱的时间：测试过期和频率窗口无需等待" in chinese
    assert "请求体或查询格式错误，响应会指出字段和规则" in chinese
    assert "a malformed body or query, naming the field and the rule" not in chinese
