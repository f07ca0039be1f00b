"""Real headless Chromium (Debian's ``chromium``) driven by Playwright, against real ``aan serve`` nodes.

Nothing downloads a browser: Playwright launches the system Chromium. Where
none is installed the tests are skipped with a message, except in CI
(``CI=true``), where ``.ci/run`` installs it and its absence is an error.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # helpers of tests/ (conftest, webui_support)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def chromium_path() -> str | None:
    candidate = os.environ.get("AAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if candidate and os.path.exists(candidate) else None


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the browser tests: .ci/run installs chromium with apt)")
    pytest.skip(f"{reason}: install Debian's chromium package (apt-get install chromium) to run the browser tests")


@pytest.fixture(scope="module")  # each module imports it: one Playwright at a time, per module
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium found (looked for $AAN_CHROMIUM, chromium on PATH, /usr/bin/chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="UTC", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
