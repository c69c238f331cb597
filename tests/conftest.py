"""Shared fixtures: one app per database backend, a clean database for every test,
factories for people and wards, and helpers to sign in and post forms with CSRF."""

from __future__ import annotations

import email
import email.policy
import itertools
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from engage import create_app
from engage.accounts.models import Role, User, UserRole
from engage.db import utcnow
from engage.extensions import db
from engage.wards.models import Area, Ward

# Each domain keeps its factories and fixtures in tests/fixtures/<domain>.py.
pytest_plugins = [
    "tests.fixtures.forums",
    "tests.fixtures.funds",
    "tests.fixtures.pb",
    "tests.fixtures.conversations",
]

PASSWORD = "correct-horse-battery"
# Hashing once keeps factories fast; sign-in tests still check the real hash.
PASSWORD_HASH = generate_password_hash(PASSWORD)
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


class EngageTestClient(FlaskClient):
    """Each request gets its own app context (so its own session and ``g``), as in a
    real server; the test's own work is committed first so the request sees it."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    if request.param == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
        _reset_postgres(url)
    else:
        url = f"sqlite:///{instance / 'test.db'}"
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            # Tests look at a ward page straight after changing what it counts.
            "WARD_PRIORITIES_CACHE_SECONDS": 0,
            "PUBLIC_PAGE_CACHE_SECONDS": 0,
            "MAIL_OUTBOX": str(instance / "outbox"),
            "SERVER_NAME": None,
        }
    )
    app.test_client_class = EngageTestClient
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()


def _truncate_all(app: Flask) -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{name}"' for name in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    # Table names come from our own metadata, never from input.
                    connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        _truncate_all(request.getfixturevalue("app"))


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app: Flask, app_context: None) -> FlaskClient:
    return app.test_client()


# --- factories -------------------------------------------------------------------

_counter = itertools.count(1)


@pytest.fixture
def make_ward(app_context: None) -> Callable[..., Ward]:
    def make(name: str | None = None, area: Area | None = None) -> Ward:
        n = next(_counter)
        name = name or f"Ward {n}"
        if area is None:
            area = Area(name=f"Area {n}", slug=f"area-{n}")
        ward = Ward(name=name, slug=re.sub(r"[^a-z0-9]+", "-", name.lower()), area=area)
        db.session.add(ward)
        db.session.commit()
        return ward

    return make


@pytest.fixture
def make_user(app_context: None) -> Callable[..., User]:
    def make(
        *roles: Role,
        ward: Ward | None = None,
        name: str | None = None,
        email: str | None = None,
        verified: bool = True,
        confirmed: bool = True,
    ) -> User:
        n = next(_counter)
        user = User(
            email=email or f"person{n}@example.org",
            display_name=name or f"Person {n}",
            password_hash=PASSWORD_HASH,
            postcode="RV1 1AA",
            ward=ward,
            email_confirmed_at=utcnow() if confirmed else None,
            ward_verified_at=utcnow() if verified and ward else None,
        )
        user.roles = [UserRole(role=role) for role in roles]
        if Role.COUNCILLOR in roles and ward is not None:
            user.represented_wards = [ward]
        db.session.add(user)
        db.session.commit()
        return user

    return make


OFFICER = (Role.MODERATOR, Role.FUND_OFFICER, Role.ENGAGEMENT_OFFICER, Role.PB_ADMINISTRATOR)


@dataclass
class World:
    """Two wards in two areas, and one person in each role the access rules know."""

    ward: Ward
    other_ward: Ward
    people: dict[str, User | None]


@pytest.fixture
def world(make_ward: Callable[..., Ward], make_user: Callable[..., User]) -> World:
    ward = make_ward("Riverside East")
    other_ward = make_ward("Abbey Fields")
    people: dict[str, User | None] = {
        "anonymous": None,
        "resident": make_user(ward=ward, name="Jamie Resident"),
        "other_resident": make_user(ward=other_ward, name="Chris Elsewhere"),
        "councillor": make_user(Role.COUNCILLOR, ward=ward, name="Grace Councillor"),
        "officer": make_user(*OFFICER, ward=ward, name="Priya Officer"),
        "administrator": make_user(Role.ADMINISTRATOR, ward=other_ward, name="Alex Admin"),
    }
    return World(ward, other_ward, people)


# --- signing in and posting forms --------------------------------------------------

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str = "/account/sign-in") -> str:
    html = client.get(page).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """POST like a browser does: with the session's CSRF token."""
    payload = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def sign_in_as(client: FlaskClient, user: User | None) -> FlaskClient:
    """Put the person's session cookie on the client, as signing in would."""
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["authenticated_at"] = session["last_seen"] = time.time()
    return client


@pytest.fixture
def outbox(app: Flask) -> Callable[[], list[str]]:
    def read() -> list[str]:
        folder = Path(app.config["MAIL_OUTBOX"])
        messages = []
        for path in sorted(folder.glob("*.eml"), key=os.path.getmtime):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = message.get_body()
            assert body is not None
            messages.append(
                f"To: {message['To']}\nSubject: {message['Subject']}\n\n{body.get_content()}"
            )
        return messages

    folder = Path(app.config["MAIL_OUTBOX"])
    for old in folder.glob("*.eml"):
        old.unlink()
    return read
