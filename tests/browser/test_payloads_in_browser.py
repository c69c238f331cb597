"""Stored XSS in a real browser: with a payload in every text field, visiting every
page as an administrator never runs it (no alert dialog appears)."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Error as PlaywrightError

from engage import demo
from engage.db import write_transaction
from engage.extensions import db
from tests.conftest import PASSWORD, World
from tests.payloads import poison_all_text
from tests.web.test_access_matrix import ROUTES, url_for_route

GET_ROUTES = sorted(route.split()[0] for route in ROUTES if route.endswith(" GET"))


def test_stored_payloads_never_run(app: Flask, page, world: World) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    admin = world.people["administrator"]
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    demo.seed(db.session)
    db.session.commit()
    poison_all_text()
    visited = 0
    for endpoint in GET_ROUTES:
        # The live server writes too (sign-in, read markers): take the write lock
        # before making this route's rows, as a request would.
        with write_transaction():
            url = url_for_route(app, world, endpoint)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            # Exports answer with an attachment, which the browser downloads instead.
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited += 1
    assert visited >= 10
    assert dialogs == [], f"a payload ran: {dialogs}"
