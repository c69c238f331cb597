"""Every form in the app, fed malformed input by Hypothesis: long strings, control
characters, wrong types, missing fields, huge and negative numbers. Nothing answers
with a 5xx, and a rejected submission leaves the database exactly as it was.

Forms are found automatically: every POST route in the app, with its field names read
from the page that shows the form, so new forms are covered without new tests."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import make_url, select

from engage.extensions import db
from tests.conftest import World, csrf_token, sign_in_as
from tests.web.test_access_matrix import ROUTES, url_for_route

# CI runs 1,000 examples per form; a laptop run uses fewer unless asked.
EXAMPLES = int(os.environ.get("ENGAGE_FUZZ_EXAMPLES", "200"))
POST_ROUTES = [route.split()[0] for route in ROUTES if route.endswith(" POST")]
# Signing out or deleting the account would end the session the fuzzing runs in.
SESSION_ENDING = {"accounts.sign_out", "accounts.delete_account"}
NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')

nasty_text = st.one_of(
    st.text(max_size=50),
    st.integers(min_value=20_000, max_value=60_000).map(lambda n: "word " * (n // 5)),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "-999999999999999999999",
            "1e308",
            "NaN",
            "£5",
            "99999999999999999999999",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\ud7ff\ufffd",
            "2026-02-30",
            "null",
            "[]",
            "{}",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def snapshot() -> str:
    """A digest of every row in every table."""
    digest = hashlib.sha256()
    db.session.rollback()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def commit_counter(app: Flask) -> Callable[[], int]:
    """SQLite's data_version, read on a connection of our own that never writes: it
    changes whenever any other connection commits, so an unchanged number means the
    request wrote nothing and the (slow) full snapshot can be skipped."""
    watcher = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or "")
    return lambda: watcher.execute("PRAGMA data_version").fetchone()[0]


def form_fields(client: FlaskClient, url: str) -> list[str]:
    page = client.get(url)
    names = set(NAME.findall(page.get_data(as_text=True))) if page.status_code == 200 else set()
    return sorted(names - {"csrf_token", "q", "page", "submit"}) or ["reason", "code", "password"]


def rejected(response: Any) -> bool:
    return response.status_code >= 400 or (
        response.status_code == 200 and response.mimetype == "text/html"
    )


@pytest.mark.parametrize("endpoint", sorted(set(POST_ROUTES) - SESSION_ENDING))
def test_forms_survive_malformed_input(
    app: Flask, client: FlaskClient, world: World, endpoint: str
) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("fuzzing once, on SQLite, is enough to find handling bugs")
    url = url_for_route(app, world, endpoint)
    sign_in_as(client, world.people["administrator"])
    fields = form_fields(client, url)
    token = csrf_token(client)
    known = [snapshot()]  # the database as the last accepted submission left it
    commits = commit_counter(app)
    seen = [commits()]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=st.dictionaries(st.sampled_from(fields), nasty_text, max_size=len(fields)))
    def post_malformed(data: dict[str, str]) -> None:
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code < 500, f"{endpoint} answered {response.status_code}"
        if commits() == seen[0]:
            return  # nothing was committed, so nothing changed
        seen[0] = commits()
        after = snapshot()
        if rejected(response):
            assert after == known[0], f"{endpoint} changed data while rejecting {data!r}"
        known[0] = after

    post_malformed()
