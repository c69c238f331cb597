"""Every route in the app, requested by every kind of person, answers as the
permission rules say. A route missing from EXPECTED fails the test, so new routes
cannot slip in unchecked."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from engage import create_app
from engage.extensions import db
from engage.wards.models import WardContact
from tests.conftest import World, post_form, sign_in_as

ROLES = ("anonymous", "resident", "other_resident", "councillor", "officer", "administrator")

OK, LOGIN, FORBIDDEN, BAD_LINK = "ok", "login", "forbidden", "bad link"


def policy(**overrides: str) -> dict[str, str]:
    return {role: overrides.get(role, OK) for role in ROLES}


PUBLIC = policy()
SIGNED_IN = policy(anonymous=LOGIN)
ADMINISTRATORS = policy(
    anonymous=LOGIN,
    resident=FORBIDDEN,
    other_resident=FORBIDDEN,
    councillor=FORBIDDEN,
    officer=FORBIDDEN,
)
STAFF = policy(anonymous=LOGIN, resident=FORBIDDEN, other_resident=FORBIDDEN, councillor=FORBIDDEN)
EVERYONE_BAD_LINK = {role: BAD_LINK for role in ROLES}

EXPECTED: dict[str, dict[str, str]] = {
    "pages.home GET": PUBLIC,
    "pages.accessibility GET": PUBLIC,
    "pages.privacy GET": PUBLIC,
    "pages.cookies GET": PUBLIC,
    "pages.contact GET": PUBLIC,
    "pages.brand_css GET": PUBLIC,
    "accounts.register GET": PUBLIC,
    "accounts.register POST": PUBLIC,
    "accounts.check_email GET": PUBLIC,
    "accounts.sign_in GET": PUBLIC,
    "accounts.sign_in POST": PUBLIC,
    "accounts.sign_out POST": PUBLIC,
    "accounts.account GET": SIGNED_IN,
    "accounts.confirm_email GET": EVERYONE_BAD_LINK,
    "accounts.resend_confirmation POST": SIGNED_IN,
    "accounts.change_password GET": SIGNED_IN,
    "accounts.change_password POST": SIGNED_IN,
    "accounts.reset_request GET": PUBLIC,
    "accounts.reset_request POST": PUBLIC,
    "accounts.reset_password GET": EVERYONE_BAD_LINK,
    "accounts.reset_password POST": EVERYONE_BAD_LINK,
    "accounts.home GET": SIGNED_IN,
    "accounts.home POST": SIGNED_IN,
    "wards.index GET": PUBLIC,
    "wards.show GET": PUBLIC,
    "wards.new_contact GET": STAFF,
    "wards.new_contact POST": STAFF,
    "wards.edit_contact GET": STAFF,
    "wards.edit_contact POST": STAFF,
    "wards.remove_contact POST": STAFF,
    "admin.people GET": STAFF,
    "admin.person GET": STAFF,
    "admin.grant_role POST": ADMINISTRATORS,
    "admin.revoke_role GET": ADMINISTRATORS,
    "admin.revoke_role POST": ADMINISTRATORS,
    "admin.verify_ward POST": STAFF,
    "admin.councillor_profile GET": ADMINISTRATORS,
    "admin.councillor_profile POST": ADMINISTRATORS,
    "admin.audit_log GET": ADMINISTRATORS,
}


def _routes() -> list[str]:
    app = create_app({"SECRET_KEY": "matrix", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append(f"{rule.endpoint} {method}")
    return sorted(found)


ROUTES = _routes()


def test_every_route_has_an_expectation() -> None:
    missing = [route for route in ROUTES if route not in EXPECTED]
    stale = [route for route in EXPECTED if route not in ROUTES]
    assert not missing, f"add these routes to the access matrix: {missing}"
    assert not stale, f"these routes no longer exist: {stale}"


def _url_values(world: World, endpoint: str) -> dict[str, Any]:
    contact = WardContact(
        ward=world.ward,
        name="Dana Whitfield",
        job_title="Neighbourhood Officer",
        service="Community Safety",
        email="dana@example.org",
    )
    db.session.add(contact)
    db.session.commit()
    person = world.people["councillor" if endpoint.startswith("admin.") else "resident"]
    assert person is not None
    return {
        "slug": world.ward.slug,
        "contact_id": contact.id,
        "user_id": person.id,
        "role": "councillor",
        "token": "not-a-real-token",
    }


def _outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303) and "/account/sign-in" in response.location:
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 400:
        return BAD_LINK
    assert response.status_code < 400, f"unexpected {response.status_code}"
    return OK


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES)
def test_route_answers_each_role_as_the_rules_say(
    app: Flask, client: FlaskClient, world: World, route: str, role: str
) -> None:
    endpoint, method = route.split()
    with app.test_request_context():
        rule = next(r for r in app.url_map.iter_rules(endpoint))
        values = {k: v for k, v in _url_values(world, endpoint).items() if k in rule.arguments}
        url = url_for(endpoint, **values)
    sign_in_as(client, world.people[role])
    response = client.get(url) if method == "GET" else post_form(client, url, {})
    assert _outcome(response) == EXPECTED[route][role], (
        f"{role} {method} {url} answered {response.status_code}"
    )
