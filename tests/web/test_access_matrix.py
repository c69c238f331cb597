"""Every route in the app, requested by every kind of person, answers as the
permission rules in tests/access_rules say. A route with no rule fails the test, so
new routes cannot slip in unchecked."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from engage import create_app
from tests import access_rules
from tests.access_rules import BAD_LINK, FORBIDDEN, LOGIN, NOT_FOUND, OK, ROLES
from tests.conftest import World, post_form, sign_in_as

RULE_MODULES = [
    importlib.import_module(f"tests.access_rules.{info.name}")
    for info in pkgutil.iter_modules(access_rules.__path__)
]
EXPECTED: dict[str, dict[str, str]] = {}
for module in RULE_MODULES:
    EXPECTED.update(module.EXPECTED)


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


def url_for_route(app: Flask, world: World, endpoint: str) -> str:
    values: dict[str, Any] = {}
    for module in RULE_MODULES:
        values.update(module.url_values(world, endpoint))
    with app.test_request_context():
        rule = next(iter(app.url_map.iter_rules(endpoint)))
        return url_for(endpoint, **{k: v for k, v in values.items() if k in rule.arguments})


def test_every_route_has_an_expectation() -> None:
    missing = [route for route in ROUTES if route not in EXPECTED]
    stale = [route for route in EXPECTED if route not in ROUTES]
    assert not missing, f"add these routes to tests/access_rules: {missing}"
    assert not stale, f"these routes no longer exist: {stale}"


def _outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303) and "/account/sign-in" in response.location:
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
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
    url = url_for_route(app, world, endpoint)
    sign_in_as(client, world.people[role])
    response = client.get(url) if method == "GET" else post_form(client, url, {})
    assert _outcome(response) == EXPECTED[route][role], (
        f"{role} {method} {url} answered {response.status_code}"
    )
