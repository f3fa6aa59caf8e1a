"""Debian's Chromium under Playwright, for the browser tests (test_browser, test_book)."""
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def sync_playwright_or_skip():
    """Playwright's sync API; skips when it or Debian's Chromium is missing, except on CI."""
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("the Python package playwright (requirements.txt)")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Debian's Chromium at {CHROMIUM} (`make browser` installs it)")
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return sync_playwright
