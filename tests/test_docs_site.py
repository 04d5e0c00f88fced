"""The docs site (``./kit docs``): built once per session from the stored notebooks, with
warnings as errors; every notebook and page is on it, its links resolve, it loads nothing from
outside itself, and a widget shows its static snapshot, never a Python repr or the secret.

The browser test serves the site on 127.0.0.1, opens every page in headless Chromium with
every request outside the site aborted (and counted: there must be none), and saves
screenshots to ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
#: Attributes that make a browser fetch something when the page loads.
FETCHED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
           ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}


@functools.cache
def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_site", ROOT / "scripts/docs_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _published_sources() -> list[str]:
    """What must be on the site, found on disk (not from the table of contents)."""
    notebooks = [p for p in (ROOT / "notebooks").rglob("*.ipynb")
                 if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)]
    pages = [*(ROOT / "docs").glob("*.md"), ROOT / "README.md", ROOT / "README.zh-CN.md"]
    return sorted(p.relative_to(ROOT).as_posix() for p in [*notebooks, *pages])


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    started = time.perf_counter()
    try:
        _tool().build(out, staging=tmp_path_factory.mktemp("docs-src"))
    except SystemExit as failure:
        pytest.fail(str(failure), pytrace=False)
    print(f"docs site built in {time.perf_counter() - started:.1f} s")
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _html(site: Path, source: str) -> str:
    return (site / f"{source.rsplit('.', 1)[0]}.html").read_text(encoding="utf-8")


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


def test_every_notebook_and_page_is_on_the_site(site: Path) -> None:
    missing = [source for source in _published_sources()
               if not (site / f"{source.rsplit('.', 1)[0]}.html").is_file()]
    assert not missing
    assert (site / "index.html").is_file()


def test_each_source_is_in_exactly_one_section_of_the_toc() -> None:
    listed = [page for edition in _tool().load_toc() for page in edition.pages]
    assert sorted(listed) == _published_sources()


def test_editions_and_sections_are_data(tmp_path: Path) -> None:
    """A second edition (the Chinese one, say) is an entry in the TOC, nothing else."""
    for name in ("README.md", "README.zh-CN.md", "notebooks/01-a.ipynb",
                 "notebooks/zh/01-a.ipynb", "notebooks/.ipynb_checkpoints/01-a.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    toc = tmp_path / "toc.json"
    toc.write_text(json.dumps({"editions": [
        {"language": "en", "folder": "", "title": "T", "intro": "i", "sections": [
            {"caption": "Start", "pages": [{"page": "README.md", "title": "Overview"}]},
            {"caption": "Notebooks", "pages": ["notebooks/*.ipynb"]},
            {"caption": "Empty", "pages": ["notebooks/exercises/*.ipynb"]}]},
        {"language": "zh_CN", "folder": "zh", "title": "T", "intro": "i", "sections": [
            {"caption": "开始", "pages": ["README.zh-CN.md"]},
            {"caption": "笔记本", "pages": ["notebooks/zh/*.ipynb"]}]}]}), encoding="utf-8")
    tool = _tool()
    english, chinese = tool.load_toc(toc, tmp_path)
    assert english.pages == ("README.md", "notebooks/01-a.ipynb")
    assert [s.caption for s in english.sections] == ["Start", "Notebooks"]
    assert "\nOverview <README>\n" in tool.index_page(english)
    assert chinese.pages == ("README.zh-CN.md", "notebooks/zh/01-a.ipynb")
    staged = tool.stage(chinese, tmp_path / "staging", tmp_path)
    assert staged == tmp_path / "staging" / "zh"
    assert (staged / "notebooks/zh/01-a.ipynb").is_file()
    index = (staged / "index.md").read_text(encoding="utf-8")
    assert ":caption: 笔记本" in index and "\nnotebooks/zh/01-a\n" in index


def test_the_build_never_replaces_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit, match="holds no earlier build"):
        _tool().build(tmp_path, staging=tmp_path / "staging")
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


# -- links and what the pages load ------------------------------------------------------


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    broken = []
    for page in _pages(site):
        for _tag, _attribute, url in _parsed(page).links:
            if _is_external(url) or url.startswith(("mailto:", "javascript:")):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {url}")
            elif parts.fragment and target.suffix == ".html" \
                    and unquote(parts.fragment) not in _parsed(target).ids:
                broken.append(f"{page.relative_to(site)}: {url} (no such anchor)")
    assert not broken


def test_nothing_is_loaded_from_outside_the_site(site: Path) -> None:
    outside = []
    for page in _pages(site):
        parsed = _parsed(page)
        for index, (tag, attribute, url) in enumerate(parsed.links):
            fetched = (tag, attribute) in FETCHED or (tag == "link" and "alternate" not in
                                                      parsed.rel.get(index, ""))
            if fetched and _is_external(url):
                outside.append(f"{page.relative_to(site)}: <{tag} {attribute}={url}>")
    for sheet in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if _is_external(url) and not url.startswith("data:"):
                outside.append(f"{sheet.relative_to(site)}: url({url})")
        outside += [f"{sheet.relative_to(site)}: {line.strip()}"
                    for line in sheet.read_text(encoding="utf-8").splitlines()
                    if "@import" in line and "//" in line]
    assert not outside


# -- what the notebooks show -----------------------------------------------------------


def _worked_example_signature() -> str:
    inputs = json.loads((ROOT / "data/worked_example.json").read_text(encoding="utf-8"))["inputs"]
    joined = (f"{inputs['phone']}{inputs['codeType']}{inputs['random']}{inputs['ts']}"
              f"{inputs['userDomainSecret']}")
    return hashlib.sha256(joined.encode()).hexdigest()


def test_widgets_show_their_snapshot_not_a_repr(site: Path) -> None:
    signature = _html(site, "notebooks/02-signature.ipynb")
    assert 'class="smskit-static smskit-static-explorer"' in signature
    assert f'<code class="smskit-signature">{_worked_example_signature()}</code>' in signature
    assert "SignatureExplorer(phone=" not in signature
    builder = _html(site, "notebooks/03-request-builder.ipynb")
    assert re.search(r'<pre class="smskit-static-curl"[^>]*>curl ', builder)
    assert "RequestBuilder(user_domain=" not in builder
    codes = _html(site, "notebooks/04-error-codes.ipynb")
    assert '<div class="smskit-code-detail" data-code="5058"' in codes
    assert "ErrorCodeBrowser(category=" not in codes


def _sandbox_secrets() -> list[str]:
    raw = json.loads((ROOT / "data/sandbox_domains.json").read_text(encoding="utf-8"))
    return [row["secret"] for row in raw["domains"]]


def test_no_sandbox_secret_is_on_the_site(site: Path) -> None:
    secrets = _sandbox_secrets()
    assert secrets
    for path in site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert not [secret for secret in secrets if secret in text], path


# -- in a browser, offline ---------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


SCREENSHOTS = {"index.html": "docs-site-index.png",
               "notebooks/02-signature.html": "docs-site-02-signature.png",
               "notebooks/03-request-builder.html": "docs-site-03-request-builder.png",
               "notebooks/04-error-codes.html": "docs-site-04-error-codes.png"}


@pytest.mark.browser
def test_every_page_renders_offline_without_errors(site: Path, served_site: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

    attempted: list[str] = []
    errors: list[str] = []
    pages = [page.relative_to(site).as_posix() for page in _pages(site)]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="en-US")

            def route(request_route: Any) -> None:
                if request_route.request.url.startswith(served_site):
                    request_route.continue_()
                else:
                    attempted.append(request_route.request.url)
                    request_route.abort()

            context.route("**", route)
            page = context.new_page()
            page.on("console", lambda message: errors.append(
                f"{page.url}: {message.text}") if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
            for name in pages:
                response = page.goto(served_site + name, wait_until="networkidle")
                assert response is not None and response.ok, name
                if name in SCREENSHOTS:
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / SCREENSHOTS[name]), full_page=True)
            page.goto(served_site + "notebooks/02-signature.html")
            explorer = page.locator(".smskit-static-explorer")
            expect(explorer).to_be_visible()
            expect(explorer.locator(".smskit-signature")).to_have_text(
                _worked_example_signature())
            explorer.screenshot(path=str(ARTIFACTS / "docs-site-02-explorer-snapshot.png"))
            expect(explorer.locator(
                '.smskit-static-fields tr[data-field="userDomainSecret"] code')).to_have_text(
                "•••••••• (set, hidden)")
            page.goto(served_site + "notebooks/03-request-builder.html")
            curl = page.locator(".smskit-static-builder .smskit-static-curl").first
            expect(curl).to_be_visible()
            expect(curl).to_contain_text("curl -X POST")
            page.locator(".smskit-static-builder").first.screenshot(
                path=str(ARTIFACTS / "docs-site-03-builder-snapshot.png"))
            page.goto(served_site + "notebooks/04-error-codes.html")
            expect(page.locator(".smskit-static-codes .smskit-code-detail")).to_be_visible()
        finally:
            browser.close()
    assert not attempted
    assert not errors
    assert len(pages) >= len(_published_sources())
