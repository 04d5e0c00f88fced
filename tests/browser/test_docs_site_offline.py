"""The docs site read in headless Chromium with no network but the site itself.

The site (built once per session by ``docs_site``) is served from 127.0.0.1; every request
to anywhere else is aborted and recorded, and there must be none. Every page of both
editions is opened at 1280 px and at 390 px (one page object, reused): it loads without a
console error, is no wider than the window, cuts no line (a box wider than its content
either wraps or scrolls), and links to its twin in the other edition. Search finds the
codes and terms a reader asks for in both editions; the error-code page has every code of
the data under its own anchor with its remedy. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.servers import ARTIFACTS
from tests.fixtures.docs_site import worked_example_signature

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
#: Each page is loaded at a phone's width, then measured again at a desktop's (its layout
#: follows the width through CSS media queries; no script of the site reads the width).
WIDTHS = (390, 1280)
SCREENSHOTS = {"index.html": "docs-site-index",
               "notebooks/02-signature.html": "docs-site-02-signature",
               "notebooks/04-error-codes.html": "docs-site-04-error-codes",
               "notebooks/07-your-backend.html": "docs-site-07-your-backend",
               "reference/error-codes.html": "docs-site-error-codes",
               "zh/index.html": "docs-site-zh-index",
               "zh/reference/error-codes.html": "docs-site-zh-error-codes",
               "reference/sandbox-api.html": "docs-site-sandbox-api",
               "zh/reference/sandbox-api.html": "docs-site-zh-sandbox-api",
               "zh/notebooks/zh/04-error-codes.html": "docs-site-zh-04-error-codes"}
#: What a reader searches for, in both editions.
SEARCH_TERMS = ("5420", "5058", "签名", "频率", "rate limit", "codeType")
#: Twins a reader expects: (English page, Chinese page).
TWINS = (("index.html", "zh/index.html"),
         ("README.html", "zh/README.zh-CN.html"),
         ("notebooks/04-error-codes.html", "zh/notebooks/zh/04-error-codes.html"),
         ("reference/error-codes.html", "zh/reference/error-codes.html"),
         ("reference/sandbox-api.html", "zh/reference/sandbox-api.html"),
         ("docs/platform.html", "zh/docs/zh/platform.html"),
         ("docs/library.html", "zh/docs/zh/library.html"))

#: Measured in the page: how wide the document is; every element inside the article whose
#: content is wider than its box while the box clips it; and every element reaching past the
#: window's right edge that is not inside a box that scrolls (both are lines cut off).
MEASURE = """() => {
  const article = document.querySelector('article') || document.body;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScrollingBox = (el) => {
    for (let up = el.parentElement; up && up !== article; up = up.parentElement) {
      if (scrolls(up)) return true;
    }
    return false;
  };
  const cut = [];
  // a pre's highlighted spans and an svg's parts are measured as the pre or svg they are in
  for (const el of article.querySelectorAll('*:not(pre *):not(svg *)')) {
    const name = el.tagName + '.' + el.className;
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'hidden' || overflow === 'clip') && el.clientWidth > 0 &&
        el.scrollWidth > el.clientWidth + 1) {
      cut.push(name + ' clips ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > window.innerWidth + 1 && !inScrollingBox(el)) {
      cut.push(name + ' reaches ' + Math.round(box.right) + ' > ' + window.innerWidth);
    }
  }
  const twin = document.querySelector('a.smskit-twin');
  return {width: document.documentElement.scrollWidth, window: window.innerWidth, cut: cut,
          twin: twin ? twin.href : null};
}"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served_site(docs_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(docs_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def offline_page(page: Page, served_site: str) -> Iterator[tuple[Page, list[str], list[str]]]:
    """The page with every request off the site aborted (and recorded) and console errors
    recorded."""
    attempted: list[str] = []
    errors: list[str] = []

    def only_the_site(route: Route) -> None:
        if route.request.url.startswith(served_site):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.context.route("**", only_the_site)
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    yield page, attempted, errors


def _site_pages(docs_site: Path) -> list[str]:
    return sorted(path.relative_to(docs_site).as_posix() for path in docs_site.rglob("*.html"))


def test_every_page_fits_both_widths_and_links_to_its_twin(
        offline_page: tuple[Page, list[str], list[str]], docs_site: Path,
        served_site: str) -> None:
    page, attempted, errors = offline_page
    names = _site_pages(docs_site)
    assert set(SCREENSHOTS) <= set(names)
    ARTIFACTS.mkdir(exist_ok=True)
    too_wide, cut, no_twin, twins = [], [], [], {}
    for name in names:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if width == WIDTHS[0]:  # then measured again as the window widens: no reload
                response = page.goto(served_site + name, wait_until="load")
                assert response is not None and response.ok, name
            found = page.evaluate(MEASURE)
            if found["width"] > found["window"]:
                too_wide.append(f"{name} at {width}: {found['width']} px")
            cut += [f"{name} at {width}: {element}" for element in found["cut"]]
            if found["twin"] is None:
                no_twin.append(name)
            else:
                twins[name] = found["twin"].removeprefix(served_site)
            if name in SCREENSHOTS:
                page.screenshot(path=str(ARTIFACTS / f"{SCREENSHOTS[name]}-{width}.png"))
    assert not too_wide
    assert not cut
    assert not no_twin
    for english, chinese in TWINS:
        assert twins[english] == chinese
        assert twins[chinese] == english
    # every twin link leads to a page of the site
    assert not [f"{name} -> {target}" for name, target in twins.items()
                if target.split("#")[0] not in names]
    assert not attempted
    assert not errors


def test_printing_keeps_every_line(offline_page: tuple[Page, list[str], list[str]],
                                   served_site: str) -> None:
    """Printed (print media, an A4-wide page), nothing reaches past the paper and nothing
    scrolls: a scroll box on paper hides what is past its edge."""
    page, attempted, errors = offline_page
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    for name in ("notebooks/03-request-builder.html", "notebooks/04-error-codes.html",
                 "notebooks/07-your-backend.html", "reference/error-codes.html",
                 "zh/notebooks/zh/05-code-lifecycle.html"):
        page.goto(served_site + name, wait_until="load")
        found = page.evaluate(MEASURE)
        assert found["width"] <= found["window"], name
        assert not found["cut"], name
        scrolling = page.evaluate("""() => [...document.querySelectorAll('article *')]
            .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
                          && el.scrollWidth > el.clientWidth + 1)
            .map(el => el.tagName + '.' + el.className)""")
        assert not scrolling, name
        assert page.locator(".sidebar-drawer").is_hidden()
    assert not attempted
    assert not errors


def test_widget_snapshots_say_what_they_are(
        offline_page: tuple[Page, list[str], list[str]], served_site: str) -> None:
    page, attempted, errors = offline_page
    page.goto(served_site + "notebooks/02-signature.html")
    expect(page.locator(".smskit-notebook-banner")).to_contain_text("./kit lab")
    explorer = page.locator(".smskit-static-explorer")
    expect(explorer).to_be_visible()
    expect(explorer.locator(".smskit-signature")).to_have_text(worked_example_signature())
    expect(explorer.locator('.smskit-static-fields tr[data-field="userDomainSecret"] code')
           ).to_have_text("•••••••• (set, hidden)")
    expect(page.locator(".smskit-snapshot-note").first).to_contain_text(
        "Snapshot of the signature explorer")
    explorer.screenshot(path=str(ARTIFACTS / "docs-site-02-explorer-snapshot.png"))

    page.goto(served_site + "notebooks/03-request-builder.html")
    builder = page.locator(".smskit-static-builder").first
    expect(builder.locator(".smskit-static-curl")).to_contain_text("curl -X POST")
    builder.screenshot(path=str(ARTIFACTS / "docs-site-03-builder-snapshot.png"))

    page.goto(served_site + "notebooks/04-error-codes.html")
    expect(page.locator(".smskit-static-codes .smskit-code-detail")).to_be_visible()
    # the catalogue table: the code links to its anchor, a remedy column was added
    link = page.locator('#T_smskit-catalogue a.smskit-code-link[href$="#5058"]')
    expect(link).to_have_count(1)
    expect(page.locator("#T_smskit-catalogue .smskit-remedy-head").first).to_have_text("remedy")

    page.goto(served_site + "zh/notebooks/zh/02-signature.html")
    expect(page.locator(".smskit-notebook-banner")).to_contain_text("./kit lab --zh")
    expect(page.locator(".smskit-snapshot-note").first).to_contain_text("签名浏览器快照")
    assert not attempted
    assert not errors


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_search_finds_codes_and_terms(offline_page: tuple[Page, list[str], list[str]],
                                      served_site: str, edition: str) -> None:
    page, attempted, errors = offline_page
    missing = []
    for term in SEARCH_TERMS:
        page.goto(f"{served_site}{edition}search.html?q={quote(term)}")
        # Sphinx writes its summary when the search is done
        expect(page.locator("#search-results .search-summary, #search-results p")
               ).not_to_have_count(0)
        hits = page.locator("#smskit-lookup li a, #search-results li a")
        if hits.count() == 0:
            missing.append(term)
    assert not missing
    for code in ("5420", "5058"):
        page.goto(f"{served_site}{edition}search.html?q={code}")
        first = page.locator("#smskit-lookup li a").first
        expect(first).to_have_attribute("href", f"reference/error-codes.html#{code}")
        first.click()
        expect(page).to_have_url(
            urljoin(served_site, f"{edition}reference/error-codes.html#{code}"))
        expect(page.locator(f'[id="{code}"]')).to_be_attached()
    page.screenshot(path=str(ARTIFACTS / f"docs-site-{edition.strip('/') or 'en'}-search.png"))
    assert not attempted
    assert not errors


@pytest.mark.parametrize(("edition", "lang"), [("", "en"), ("zh/", "zh")])
def test_every_code_has_its_anchor_and_remedy(
        offline_page: tuple[Page, list[str], list[str]], served_site: str, edition: str,
        lang: str) -> None:
    page, attempted, errors = offline_page
    codes = json.loads((_data_dir() / "error_codes.json").read_text(encoding="utf-8"))["codes"]
    assert len(codes) >= 25
    page.goto(f"{served_site}{edition}reference/error-codes.html")
    for entry in codes:
        code = entry["code"]
        expect(page.locator(f'[id="{code}"]')).to_have_count(1)
        expect(page.locator(f'.smskit-remedy[data-code="{code}"]')).to_have_text(
            entry["remedy"][lang])
    assert not attempted
    assert not errors


def _data_dir() -> Path:
    moved = ROOT / "smskit" / "data"
    return moved if (moved / "error_codes.json").is_file() else ROOT / "data"
