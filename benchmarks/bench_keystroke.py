"""The request builder in a real browser: time from a keystroke in the phone field to the
updated curl command, through the Voilà app (``notebooks/app.ipynb``) in headless Chromium.

Each measured keystroke types a digit over the selected last digit of a valid phone number,
so every keystroke changes a valid number into another valid one and the curl command must
change. The browser records the time: from the ``keydown`` event on the phone input to the
moment the widget writes a curl command with the new number into its textarea (the
textarea's ``value`` setter). The round trip in between is the widget protocol: browser to
kernel over the websocket, validation and signing in the kernel, and back.

For comparison, the same keystrokes timed from outside (Python's clock around playwright's
key press and its wait for the new value): what a browser test sees, including
playwright's round trips to the browser and its polling once per animation frame.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from benchmarks.figures import Figure, at_most, median, percentile, skipped
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.servers import (
    ServerProcess,
    copy_notebooks,
    free_port,
    isolated_jupyter_env,
    voila_command,
)

NAME = "keystroke: phone field to updated curl command (Voilà, Chromium)"
#: A valid mainland mobile number; its last digit is the one retyped.
PHONE_STEM = "1361234567"
#: Keystrokes before measuring (the first ones warm up the kernel and the page).
WARM_UP = 5
AIM_MS = 50.0
#: Voilà runs the whole notebook before the widgets appear.
APP_TIMEOUT_MS = 90_000
KEY_TIMEOUT_MS = 10_000

PROBE = """([input, area]) => {
  const probe = {start: null, end: null, want: null};
  window.__keystroke = probe;
  input.addEventListener('keydown', () => { probe.start = performance.now(); }, true);
  const native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
  Object.defineProperty(area, 'value', {
    configurable: true,
    get() { return native.get.call(this); },
    set(text) {
      native.set.call(this, text);
      if (probe.want !== null && probe.end === null && text.includes(probe.want)) {
        probe.end = performance.now();
      }
    },
  });
}"""


def run(*, quick: bool = False) -> list[Figure]:
    if not CHROMIUM.is_file():
        return [skipped(NAME, f"{CHROMIUM} missing (./kit setup installs it)")]
    count = 20 if quick else 40
    with tempfile.TemporaryDirectory(prefix="smskit-bench-keystroke-") as tmp:
        served = copy_notebooks(Path(tmp) / "notebooks")
        port = free_port()
        server = ServerProcess("bench-voila", voila_command(port, served / "app.ipynb"),
                               env=isolated_jupyter_env(Path(tmp) / "home"), cwd=served,
                               port=port)
        try:
            server.wait_ready("/voila/static/voila.js")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_ARGS, headless=True)
                try:
                    inside, outside = _measure(browser.new_page(), server.url, count)
                finally:
                    browser.close()
        finally:
            server.stop()
    p50, p95 = median(inside), percentile(inside, 0.95)
    return [
        Figure(f"{NAME}, p50 ({len(inside)} keystrokes)", p50, "ms"),
        Figure(f"{NAME}, p95", p95, "ms", f"<= {AIM_MS:g} ms", at_most(p95, AIM_MS)),
        Figure("keystroke: the same, timed from playwright, p50 / p95", median(outside), "ms",
               "-", f"p95 {percentile(outside, 0.95):.1f} ms"),
    ]


def _measure(page: Page, url: str, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds per measured keystroke, by the browser's clock and by playwright's."""
    page.goto(url + "/", wait_until="domcontentloaded")
    builder = page.locator(".smskit-builder")
    expect(builder).to_be_visible(timeout=APP_TIMEOUT_MS)
    phone = builder.locator(".smskit-builder-phone input")
    curl = builder.locator(".smskit-builder-curl textarea")
    digits = "1234567890"
    phone.fill(PHONE_STEM + digits[-1])
    expect(curl).to_have_value(re.compile(rf"phone={PHONE_STEM}{digits[-1]}\b"),
                               timeout=KEY_TIMEOUT_MS)
    page.evaluate(PROBE, [phone.element_handle(), curl.element_handle()])
    phone.press("End")
    inside: list[float] = []
    outside: list[float] = []
    for index in range(WARM_UP + count):
        digit = digits[index % len(digits)]
        page.evaluate(f"() => {{ const p = window.__keystroke; p.start = null; p.end = null;"
                      f" p.want = 'phone={PHONE_STEM}{digit}'; }}")
        page.keyboard.press("Shift+ArrowLeft")  # select the last digit: no input event
        pressed = time.perf_counter()
        page.keyboard.press(digit)
        page.wait_for_function("() => window.__keystroke.end !== null",
                               timeout=KEY_TIMEOUT_MS)
        seen = time.perf_counter()
        start, end = page.evaluate("() => [window.__keystroke.start, window.__keystroke.end]")
        if index >= WARM_UP:
            inside.append(end - start)
            outside.append((seen - pressed) * 1000)
        page.wait_for_timeout(50)  # let the rest of the refresh (advice HTML) arrive
    final = PHONE_STEM + digits[(WARM_UP + count - 1) % len(digits)]
    if phone.input_value() != final or f"phone={final}" not in curl.input_value():
        raise RuntimeError(f"the builder did not follow the keystrokes: {phone.input_value()}")
    return inside, outside
