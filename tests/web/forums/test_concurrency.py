"""A form sent twice at the same moment (a double click, a retried request) saves
once, on SQLite and PostgreSQL; and members can post ten times a minute."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.db import utcnow
from engage.extensions import db, limiter
from engage.forums.models import Board, Post, Report, Thread
from engage.wards.models import Area, Ward
from tests.conftest import EngageTestClient, csrf_token, post_form, sign_in_as


@pytest.fixture
def board(make_ward: Callable[..., Ward], make_board: Callable[..., Board]) -> Board:
    return make_board(make_ward("Riverside East").area, "General")


def _at_once(app: Flask, user: User, url: str, data: dict[str, str], copies: int = 2) -> list[int]:
    """POST the same form from ``copies`` browsers of the same person at the same moment."""
    clients = [sign_in_as(app.test_client(), user) for _ in range(copies)]
    tokens = [csrf_token(client) for client in clients]
    db.session.commit()
    start = threading.Barrier(copies)
    statuses: list[int] = []

    def send(client: Any, token: str) -> None:
        start.wait()
        statuses.append(client.post(url, data={"csrf_token": token, **data}).status_code)

    workers = [
        threading.Thread(target=send, args=(client, token))
        for client, token in zip(clients, tokens, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def test_a_reply_sent_twice_at_once_is_saved_once(
    app: Flask,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    resident = make_user(ward=None)
    thread = make_thread(board, resident)
    key = str(uuid.uuid4())
    statuses = _at_once(
        app,
        resident,
        f"/forums/threads/{thread.id}/reply",
        {"body": "Same here", "submission_key": key},
        copies=4,
    )
    assert statuses == [302] * 4
    db.session.rollback()
    assert db.session.scalar(select(func.count(Post.id)).where(Post.submission_key == key)) == 1


def test_a_report_sent_twice_at_once_counts_once(
    app: Flask,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    thread = make_thread(board, make_user(ward=None))
    reporter = make_user(ward=None)
    statuses = _at_once(
        app, reporter, f"/forums/posts/{thread.opening_post.id}/report", {"reason": "spam"}, 3
    )
    assert all(status == 302 for status in statuses)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_posting_is_limited_to_ten_a_minute_per_member(tmp_path: Path) -> None:
    from engage import create_app

    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rate.db'}",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    limited.test_client_class = EngageTestClient
    try:
        with limited.app_context():
            db.create_all()
            area = Area(name="Riverside", slug="riverside")
            board = Board(area=area, name="General")
            people = [
                User(
                    email=f"poster{n}@example.org",
                    display_name=f"Poster {n}",
                    password_hash="-",
                    email_confirmed_at=utcnow(),
                )
                for n in range(2)
            ]
            db.session.add_all([board, *people])
            db.session.commit()
            url = f"/forums/riverside/boards/{board.id}/new"
            client = sign_in_as(limited.test_client(), people[0])
            # A refused form does not use up the allowance.
            assert post_form(client, url, {"title": "", "body": ""}).status_code == 200
            statuses = [
                post_form(
                    client, url, {"title": f"Post {n}", "body": "Hello", "agree": "y"}
                ).status_code
                for n in range(11)
            ]
            assert statuses[:10] == [302] * 10 and statuses[10] == 429
            refused = post_form(client, url, {"title": "One more", "body": "Hi"})
            assert "you can post up to 10 times a minute" in refused.get_data(as_text=True)
            # Someone else (on the same network) can still post.
            other = sign_in_as(limited.test_client(), people[1])
            assert (
                post_form(other, url, {"title": "Mine", "body": "Hi", "agree": "y"}).status_code
                == 302
            )
            db.session.remove()
    finally:
        limiter.enabled = False  # the limiter is shared with the other tests' app
