from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import User
from engage.extensions import db
from engage.wards.models import Ward
from tests.conftest import PASSWORD, post_form, sign_in_as


def _register(client: FlaskClient, home: Ward, **overrides: str):
    data = {
        "display_name": "Jamie Patel",
        "email": "Jamie@Example.org",
        "password": "a long river walk",
        "confirm": "a long river walk",
        "postcode": "rv11aa",
        "ward": str(home.id),
    }
    data.update(overrides)
    return post_form(client, "/account/register", data)


def test_registration_creates_a_resident_and_emails_a_confirmation_link(
    client: FlaskClient, make_ward: Callable[..., Ward], outbox
) -> None:
    ward = make_ward()
    response = _register(client, ward)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User))
    assert user is not None
    assert (user.email, user.postcode, user.ward_id) == ("jamie@example.org", "RV1 1AA", ward.id)
    assert not user.email_confirmed and not user.ward_verified
    assert user.password_hash != "a long river walk"

    link = re.search(r"http://localhost(/account/confirm/\S+)", outbox()[-1])
    assert link
    assert client.get(link.group(1)).status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed


def test_registration_errors_are_listed_and_nothing_is_saved(
    client: FlaskClient, make_ward: Callable[..., Ward]
) -> None:
    ward = make_ward()
    response = _register(
        client,
        ward,
        email="not-an-email",
        password="short",
        confirm="other",
        postcode="XYZ",
        ward="0",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Create an account" in html
    for message in (
        "Enter an email address in the correct format",
        "Password must be 10 characters or more",
        "Passwords must match",
        "Enter a real postcode",
        "Select your ward",
    ):
        assert message in html
    assert 'value="Jamie Patel"' in html  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_common_passwords_are_refused(client: FlaskClient, make_ward: Callable[..., Ward]) -> None:
    response = _register(client, make_ward(), password="1234567890", confirm="1234567890")
    assert "This password is too common" in response.get_data(as_text=True)


def test_registering_an_existing_email_reveals_nothing_and_warns_the_owner(
    client: FlaskClient, make_user: Callable[..., User], make_ward: Callable[..., Ward], outbox
) -> None:
    ward = make_ward()
    make_user(ward=ward, email="jamie@example.org")
    response = _register(client, ward)
    assert response.status_code == 302 and response.location.endswith("/account/check-your-email")
    assert "Someone tried to register with your email address" in outbox()[-1]
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_sign_in_gives_the_same_error_for_unknown_email_and_wrong_password(
    client: FlaskClient, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    user = make_user(ward=make_ward())
    wrong_password = post_form(
        client, "/account/sign-in", {"email": user.email, "password": "wrong password!"}
    )
    unknown = post_form(
        client, "/account/sign-in", {"email": "nobody@example.org", "password": "wrong password!"}
    )
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    ok = post_form(client, "/account/sign-in", {"email": user.email.upper(), "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get("/account/").status_code == 200


def test_changing_password_signs_out_other_sessions(
    app: Flask, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    user = make_user(ward=make_ward())
    laptop = sign_in_as(app.test_client(), user)
    phone = sign_in_as(app.test_client(), user)
    response = post_form(
        laptop,
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302  # sent to sign in


def test_wrong_current_password_changes_nothing(
    client: FlaskClient, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    user = make_user(ward=make_ward())
    before = user.password_hash
    sign_in_as(client, user)
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert "Your current password is not correct" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before


def test_password_reset_link_works_once(
    client: FlaskClient, make_user: Callable[..., User], make_ward: Callable[..., Ward], outbox
) -> None:
    user = make_user(ward=make_ward(), confirmed=False)
    response = post_form(client, "/account/password/reset", {"email": user.email})
    assert response.location.endswith("/account/check-your-email")
    path = re.search(r"http://localhost(/account/password/reset/\S+)", outbox()[-1]).group(1)

    reset = post_form(
        client, path, {"password": "a fresh start here", "confirm": "a fresh start here"}
    )
    assert reset.status_code == 302
    db.session.refresh(user)
    assert user.check_password("a fresh start here") and user.email_confirmed
    assert client.get(path).status_code == 400  # already used


def test_password_reset_for_unknown_email_looks_the_same(client: FlaskClient, outbox) -> None:
    response = post_form(client, "/account/password/reset", {"email": "nobody@example.org"})
    assert response.location.endswith("/account/check-your-email")
    assert outbox() == []


def test_moving_ward_clears_verification(
    client: FlaskClient, make_user: Callable[..., User], make_ward: Callable[..., Ward]
) -> None:
    home, elsewhere = make_ward(), make_ward()
    user = make_user(ward=home)
    assert user.ward_verified
    sign_in_as(client, user)
    post_form(client, "/account/home", {"postcode": "RV2 3BB", "ward": str(home.id)})
    db.session.refresh(user)
    assert user.ward_verified and user.postcode == "RV2 3BB"
    post_form(client, "/account/home", {"postcode": "RV2 3BB", "ward": str(elsewhere.id)})
    db.session.refresh(user)
    assert user.ward_id == elsewhere.id and not user.ward_verified


def test_sign_in_is_rate_limited_per_account(make_ward: Callable[..., Ward], tmp_path) -> None:
    from engage import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rate.db'}",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        db.create_all()
        client = app.test_client()
        statuses = [
            post_form(
                client,
                "/account/sign-in",
                {"email": "a@example.org", "password": "x"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
            ).status_code
            for i in range(6)
        ]
        assert statuses[:5] == [200] * 5
        assert statuses[5] == 429
        page = post_form(
            client,
            "/account/sign-in",
            {"email": "b@example.org", "password": "x"},
            environ_base={"REMOTE_ADDR": "10.0.1.1"},
        )
        assert page.status_code == 200  # another account is not locked out
        db.session.remove()
