"""The docs site read in headless Chromium with no network but the site itself.

The site (built once per session by ``docs_site``) is served from 127.0.0.1; every request
to anywhere else is aborted and recorded, and there must be none. Every page loads without a
console error, and the widgets' static snapshots are visible: the signature explorer with
the worked example's right signature, the request builder with its curl command, the code
browser with its detail. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.servers import ARTIFACTS
from tests.fixtures.docs_site import worked_example_signature

pytestmark = pytest.mark.browser

SCREENSHOTS = {"index.html": "docs-site-index.png",
               "notebooks/02-signature.html": "docs-site-02-signature.png",
               "notebooks/03-request-builder.html": "docs-site-03-request-builder.png",
               "notebooks/04-error-codes.html": "docs-site-04-error-codes.png"}


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


def test_every_page_renders_offline_without_errors(page: Page, docs_site: Path,
                                                   served_site: str) -> None:
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
    names = sorted(path.relative_to(docs_site).as_posix() for path in docs_site.rglob("*.html"))
    assert set(SCREENSHOTS) <= set(names)
    ARTIFACTS.mkdir(exist_ok=True)
    for name in names:
        response = page.goto(served_site + name, wait_until="networkidle")
        assert response is not None and response.ok, name
        if name in SCREENSHOTS:
            page.screenshot(path=str(ARTIFACTS / SCREENSHOTS[name]), full_page=True)

    page.goto(served_site + "notebooks/02-signature.html")
    explorer = page.locator(".smskit-static-explorer")
    expect(explorer).to_be_visible()
    expect(explorer.locator(".smskit-signature")).to_have_text(worked_example_signature())
    expect(explorer.locator('.smskit-static-fields tr[data-field="userDomainSecret"] code')
           ).to_have_text("•••••••• (set, hidden)")
    explorer.screenshot(path=str(ARTIFACTS / "docs-site-02-explorer-snapshot.png"))

    page.goto(served_site + "notebooks/03-request-builder.html")
    builder = page.locator(".smskit-static-builder").first
    expect(builder.locator(".smskit-static-curl")).to_contain_text("curl -X POST")
    builder.screenshot(path=str(ARTIFACTS / "docs-site-03-builder-snapshot.png"))

    page.goto(served_site + "notebooks/04-error-codes.html")
    expect(page.locator(".smskit-static-codes .smskit-code-detail")).to_be_visible()

    assert not attempted
    assert not errors
