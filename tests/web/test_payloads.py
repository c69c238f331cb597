"""Stored XSS: with a payload in every user-visible text field, no page shows it as
markup, for the public or for staff (whose pages show the most)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import World, sign_in_as
from tests.payloads import PAYLOAD, UNESCAPED, poison_all_text
from tests.web.test_access_matrix import ROUTES, url_for_route

GET_ROUTES = sorted(route.split()[0] for route in ROUTES if route.endswith(" GET"))


@pytest.fixture
def poisoned_world(world: World, app_context: None) -> World:
    from engage import demo
    from engage.extensions import db

    demo.seed(db.session)  # every domain's demo data, so every kind of record exists
    db.session.commit()
    assert poison_all_text() > 10
    return world


@pytest.mark.parametrize("who", ["anonymous", "administrator", "officer"])
def test_no_page_shows_stored_text_as_markup(
    app: Flask, client: FlaskClient, poisoned_world: World, who: str
) -> None:
    sign_in_as(client, poisoned_world.people[who])
    shown = 0
    for endpoint in GET_ROUTES:
        url = url_for_route(app, poisoned_world, endpoint)
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not any(mark in html for mark in UNESCAPED), f"{endpoint} ({url}) as {who}"
        shown += "&lt;script&gt;alert" in html
    assert shown >= 3, "the payload should be visible, escaped, on several pages"
    assert PAYLOAD
