"""Browser journeys: the app served on a free loopback port, driven by Debian's
Chromium through Playwright, with axe-core run on every page a journey visits."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _chromium_available() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("ENGAGE_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and browser tests are required")
        pytest.skip(f"Chromium not found at {CHROMIUM}")


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(_chromium_available: None) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, live_server: str, app_context: None) -> Iterator[object]:
    context = browser.new_context(base_url=live_server)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: object, live_server: str, app_context: None) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_accessible(page: object) -> None:
    """axe-core on the page as it stands: no serious or critical violations."""
    # After a click the new page may still be loading its stylesheets (the council's
    # colours), and axe would judge contrast on an unstyled page.
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # type: ignore[attr-defined]
        page.evaluate(AXE.read_text())  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe found on {page.url}: {serious}"  # type: ignore[attr-defined]


def sign_in(page: Any, user: Any, password: str = PASSWORD) -> None:
    """Sign in through the form, from a fresh session, and wait until it has landed: a
    navigation started before the sign-in response arrives would cancel it."""
    page.context.clear_cookies()
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
