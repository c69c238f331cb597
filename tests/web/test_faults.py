"""The app under database faults: a dropped PostgreSQL connection gives a clear 503
page, never a 500, and the next request works without a restart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from engage import create_app
from engage.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


@pytest.fixture
def fault_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": os.environ["TEST_DATABASE_URL"],
            "PROPAGATE_EXCEPTIONS": False,
        }
    )

    def drop_my_connection() -> str:
        # The database ends this request's own connection mid-request.
        db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "unreachable"

    app.add_url_rule("/_test/drop-connection", view_func=drop_my_connection)
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_connection_dropped_mid_request_gives_a_503_page(fault_app) -> None:  # type: ignore[no-untyped-def]
    client = fault_app.test_client()
    response = client.get("/_test/drop-connection")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)
    # The pool recovers by itself: the next request is served normally.
    assert client.get("/wards/").status_code == 200


def test_connections_killed_between_requests_are_replaced(fault_app) -> None:  # type: ignore[no-untyped-def]
    client = fault_app.test_client()
    assert client.get("/wards/").status_code == 200  # leaves a pooled connection
    with fault_app.app_context(), db.engine.connect() as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    # pool_pre_ping notices the dead connection and opens a new one.
    assert client.get("/wards/").status_code == 200
