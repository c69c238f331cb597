from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import User
from tests.conftest import World, sign_in_as
from tests.web.test_access_matrix import ROUTES, url_for_route

POST_ROUTES = [route.split()[0] for route in ROUTES if route.endswith(" POST")]


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_every_form_refuses_a_post_without_its_csrf_token(
    app: Flask, client: FlaskClient, world: World, endpoint: str
) -> None:
    url = url_for_route(app, world, endpoint)
    sign_in_as(client, world.people["administrator"])
    response = client.post(url, data={"reason": "no token"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "security token was missing or out of date" in page
    assert "refresh the page and try again" in page


def test_not_found_page_is_in_the_house_style(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "govuk-header" not in html  # our header, not GOV.UK's
    assert "govuk-generic-header" in html


def test_method_not_allowed_page(client: FlaskClient) -> None:
    response = client.post("/")
    assert response.status_code == 405
    assert "This action is not available here" in response.get_data(as_text=True)


def test_too_large_request_page(app: Flask, client: FlaskClient) -> None:
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/account/sign-in", data={"email": big})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_server_error_shows_no_stack_trace(app: Flask, client: FlaskClient, monkeypatch) -> None:
    from engage.pages import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "areas_with_wards", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in response.headers


def test_pages_name_the_council_from_configuration(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    app.config["COUNCIL_NAME"] = "Northshire District Council"
    try:
        html = client.get("/contact").get_data(as_text=True)
    finally:
        app.config["COUNCIL_NAME"] = "Riverside Borough Council"
    assert "Contact Northshire District Council" in html
    assert "<title>Contact – Engage – Northshire District Council</title>" in html


def test_brand_colours_come_from_configuration(app: Flask, client: FlaskClient) -> None:
    css = client.get("/brand.css")
    assert css.mimetype == "text/css"
    assert app.config["COUNCIL_BRAND_COLOUR"] in css.get_data(as_text=True)


def test_health_check_answers_for_load_balancers(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"


def test_an_id_too_large_for_the_database_is_simply_not_found(
    client: FlaskClient, world: World
) -> None:
    sign_in_as(client, world.people["administrator"])
    for too_large in (2**31, 2**63 + 5):
        assert client.get(f"/admin/people/{too_large}").status_code == 404
    assert client.get(f"/admin/people/{2**31 - 1}").status_code == 404  # fits, not found


def test_page_numbers_out_of_range_show_a_page(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["administrator"])
    for page in ("-3", "0", str(10**30), "abc"):
        assert client.get(f"/admin/people?page={page}").status_code == 200
