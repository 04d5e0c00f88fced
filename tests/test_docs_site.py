"""The docs site (``./kit docs``): built once per session from the stored notebooks, with
warnings as errors; every notebook and page is on it, its links resolve, it loads nothing from
outside itself, and a widget shows its static snapshot, never a Python repr or the secret.

The site is built once per session by the ``docs_site`` fixture (tests/fixtures/docs_site.py);
tests/browser/test_docs_site_offline.py reads it in headless Chromium.
"""

from __future__ import annotations

import functools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

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
             ROOT / "hub" / "README.md"]
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
