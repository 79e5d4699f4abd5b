"""Browser tests: Playwright (Python, sync API) driving Debian's chromium.

Never `playwright install`: the browser is the system's `chromium` (CI installs it with apt).
When it is missing the tests skip and say why. Every page a test visits is saved as a
screenshot under E2E_ARTIFACTS_DIR (default var/test-artifacts/e2e/<test name>/)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls from
# the test thread are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
ARTIFACTS = Path(
    os.environ.get(
        "E2E_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "e2e"
    )
)


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker) -> Iterator[object]:  # type: ignore[no-untyped-def]
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is a dev dependency
        pytest.skip("the playwright Python package is not installed")
    from django.db import connections

    # Starting Playwright's sync API switches greenlets, and Django's connection handler (a
    # context-local) then hands out fresh connection objects that lack the serialized
    # reference data `serialized_rollback` restores from. Carry it over.
    saved = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as pw:
        for alias, contents in saved.items():
            if contents is not None and not hasattr(
                connections[alias], "_test_serialized_contents"
            ):
                connections[alias]._test_serialized_contents = contents
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Shooter:
    """Saves a numbered full-page screenshot of each page a test looks at."""

    def __init__(self, page, folder: Path):  # type: ignore[no-untyped-def]
        self.page = page
        self.folder = folder
        self.n = 0
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser, live_server, request) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Accept-Language": "vi"},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Only loopback: any request elsewhere is refused.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    page.shoot = Shooter(page, ARTIFACTS / request.node.name)
    yield page
    context.close()
