"""A real browser against the real servers: Debian's chromium driven by Playwright for Python.

Playwright never downloads a browser here (`playwright install` is not used): it drives the
system's /usr/bin/chromium, which `scripts/install-browser` installs from Debian with the Noto
fonts. Each test gets a fresh profile (its own user-data-dir), so storage never leaks between
tests. Without chromium or Playwright the tests are skipped, unless WEBCHAT_BROWSER_REQUIRED is
set (scripts/test sets it: in CI a missing browser is a failure, not a skip).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.servers import ROOT, running_servers

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 412, "height": 860}  # a common cheap Android phone, in CSS pixels


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: run scripts/install-browser"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return None


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    with running_servers(tmp_path_factory.mktemp("servers")) as running:
        yield running


@pytest.fixture(scope="session")
def playwright_driver():
    missing = _missing()
    if missing:
        if os.environ.get("WEBCHAT_BROWSER_REQUIRED"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture()
def open_browser(playwright_driver, tmp_path) -> Iterator:
    """`open_browser(locale="ar-EG")` → a fresh browser context (own profile) on a phone screen."""
    contexts = []

    def launch(locale: str = "en-US"):
        profile = tmp_path / f"profile-{len(contexts)}"
        shutil.rmtree(profile, ignore_errors=True)
        context = playwright_driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            locale=locale,
            viewport=VIEWPORT,
            device_scale_factor=1,
            is_mobile=False,
            has_touch=False,
            reduced_motion="reduce",
        )
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        context.close()
