from __future__ import annotations

import time
from collections.abc import Callable

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.extensions import db
from engage.wards.models import Ward
from tests.conftest import PASSWORD, World, post_form, sign_in_as


def _age_session(client: FlaskClient, key: str, seconds: float) -> None:
    with client.session_transaction() as session:
        session[key] = time.time() - seconds


def test_staff_are_signed_out_after_30_idle_minutes(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    _age_session(client, "last_seen", 31 * 60)
    response = client.get("/account/")
    assert response.status_code == 302 and "/account/sign-in" in response.location
    page = client.get("/account/sign-in").get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page
    assert client.get("/account/").status_code == 302


def test_residents_are_not_held_to_the_staff_idle_limit(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["resident"])
    _age_session(client, "last_seen", 31 * 60)
    assert client.get("/account/").status_code == 200


def test_activity_keeps_a_staff_session_alive(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["councillor"])
    _age_session(client, "last_seen", 29 * 60)
    assert client.get("/account/").status_code == 200
    assert client.get("/account/").status_code == 200  # last_seen was renewed


def test_role_changes_need_a_recent_sign_in(client: FlaskClient, world: World) -> None:
    admin, resident = world.people["administrator"], world.people["resident"]
    sign_in_as(client, admin)
    _age_session(client, "authenticated_at", 20 * 60)
    response = post_form(
        client,
        f"/admin/people/{resident.id}/roles",
        {"role": "councillor", "reason": "Elected"},
        headers={"Referer": f"/admin/people/{resident.id}"},
    )
    assert response.status_code == 302 and "/account/confirm-password" in response.location
    db.session.refresh(resident)
    assert not resident.roles

    wrong = post_form(client, response.location, {"password": "not it at all"})
    assert "Your password is not correct" in wrong.get_data(as_text=True)
    confirmed = post_form(client, response.location, {"password": PASSWORD})
    assert confirmed.location == f"/admin/people/{resident.id}"
    post_form(
        client, f"/admin/people/{resident.id}/roles", {"role": "councillor", "reason": "Elected"}
    )
    db.session.refresh(resident)
    assert resident.is_councillor


def test_confirm_password_never_redirects_off_site(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["resident"])
    response = post_form(
        client, "/account/confirm-password?next=//evil.example/", {"password": PASSWORD}
    )
    assert response.location == "/account/"


def test_authenticator_app_set_up_and_sign_in(client: FlaskClient, world: World) -> None:
    officer = world.people["officer"]
    sign_in_as(client, officer)
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    assert "data:image/svg+xml" in page
    with client.session_transaction() as session:
        secret = session["totp_setup"]
    bad = post_form(client, "/account/two-factor/set-up", {"code": "000000"})
    assert "not correct" in bad.get_data(as_text=True)
    post_form(client, "/account/two-factor/set-up", {"code": pyotp.TOTP(secret).now()})
    db.session.refresh(officer)
    assert officer.totp_secret == secret
    assert db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "account.two_factor.on")
    )

    post_form(client, "/account/sign-out")
    step = post_form(client, "/account/sign-in", {"email": officer.email, "password": PASSWORD})
    assert step.location.endswith("/account/sign-in/code")
    assert client.get("/account/").status_code == 302  # not signed in yet
    wrong = post_form(
        client,
        "/account/sign-in/code",
        {"code": "123456"},
    )
    assert "not correct" in wrong.get_data(as_text=True)
    done = post_form(client, "/account/sign-in/code", {"code": pyotp.TOTP(secret).now()})
    assert done.location.endswith("/account/")
    assert client.get("/account/").status_code == 200


def test_staff_can_be_required_to_use_an_authenticator_app(
    app: Flask, client: FlaskClient, world: World
) -> None:
    app.config["REQUIRE_TWO_FACTOR_FOR_STAFF"] = True
    try:
        sign_in_as(client, world.people["councillor"])
        response = client.get("/wards/")
        assert response.location.endswith("/account/two-factor")
        sign_in_as(client, world.people["resident"])
        assert client.get("/wards/").status_code == 200
    finally:
        app.config["REQUIRE_TWO_FACTOR_FOR_STAFF"] = False


def test_keep_me_signed_in_is_for_residents_only(
    client: FlaskClient, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    ward = make_ward()
    resident = make_user(ward=ward)
    officer = make_user(Role.MODERATOR, ward=ward)
    post_form(
        client, "/account/sign-in", {"email": resident.email, "password": PASSWORD, "remember": "y"}
    )
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("remember_token")
    post_form(client, "/account/sign-out")
    post_form(
        client, "/account/sign-in", {"email": officer.email, "password": PASSWORD, "remember": "y"}
    )
    assert client.get_cookie("remember_token") is None


def test_pages_for_signed_in_people_are_not_cached(client: FlaskClient, world: World) -> None:
    assert client.get("/wards/").headers.get("Cache-Control") != "no-store"
    sign_in_as(client, world.people["resident"])
    assert client.get("/wards/").headers["Cache-Control"] == "no-store"
