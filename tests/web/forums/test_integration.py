"""The forums' part in shared features: the data download and account deletion,
ward priorities, demo data, the retention schedule and stored-XSS checks."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.db import utcnow
from engage.extensions import db
from engage.forums import services
from engage.forums.models import (
    Board,
    Notification,
    NotificationKind,
    Post,
    Report,
    Thread,
)
from engage.hooks import hooks
from engage.wards.models import Ward
from tests.conftest import PASSWORD, World, post_form, sign_in_as
from tests.payloads import UNESCAPED, poison_all_text


@pytest.fixture
def board(make_ward: Callable[..., Ward], make_board: Callable[..., Board]) -> Board:
    return make_board(make_ward("Riverside East").area, "Parks and green spaces")


def test_download_includes_posts_and_deletion_leaves_them_as_former_member(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    make_reply: Callable[..., Post],
) -> None:
    author = make_user(Role.COUNCILLOR, ward=None, name="Grace Okafor")
    other = make_user(ward=None)
    thread = make_thread(board, author, title="Park benches", body="New benches are coming")
    make_reply(thread, other, "Thank you!")  # notifies the author

    sign_in_as(client, author)
    archive = zipfile.ZipFile(io.BytesIO(post_form(client, "/account/your-data/download").data))
    data = json.loads(archive.read("your-data.json"))
    assert data["forum_posts"][0]["thread"] == "Park benches"
    assert data["forum_posts"][0]["body"] == "New benches are coming"
    assert data["forum_threads_followed"] == [{"thread": "Park benches"}]

    response = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    client.delete_cookie("session")
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "Former member" in page and "New benches are coming" in page
    assert "Grace Okafor" not in page and ">Councillor</strong>" not in page
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == author.id)
        )
        == 0
    )


def test_public_posts_count_toward_the_authors_ward_priorities(
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    make_reply: Callable[..., Post],
) -> None:
    ward = db.session.scalar(select(Ward).where(Ward.name == "Riverside East"))
    resident = make_user(ward=ward)
    thread = make_thread(board, resident, title="Overgrown hedges", body="On the park path")
    hidden = make_reply(thread, resident, "Something rude")
    services.hide_post(
        db.session,
        actor=make_user(Role.MODERATOR, ward=None),
        post=hidden,
        reason="Abusive",
        now=utcnow(),
    )
    db.session.commit()
    source = hooks().priority_sources["forum"]
    now = utcnow()
    mentions = list(source(db.session, [ward.id], now - timedelta(days=1), now + timedelta(1)))
    assert [m.text for m in mentions] == ["Overgrown hedges\nOn the park path"]
    assert mentions[0].ward_id == ward.id and mentions[0].source == "forum"
    assert mentions[0].theme_keys == ("parks-and-green-spaces",)
    assert mentions[0].reference == f"/forums/threads/{thread.id}#post-{thread.opening_post.id}"
    assert list(source(db.session, [ward.id + 1000], now - timedelta(days=1), now)) == []


def test_demo_forums_are_seeded_once_with_a_report_waiting(
    client: FlaskClient, app_context: None
) -> None:
    from engage import demo

    demo.seed(db.session)
    db.session.commit()
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Board, Thread, Post, Report)
    ]
    demo.seed(db.session)
    db.session.commit()
    again = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Board, Thread, Post, Report)
    ]
    assert counts == again and counts[1] >= 9 * 3 and counts[3] == 1
    officer = db.session.scalar(select(User).where(User.email == "officer@riverside.example"))
    sign_in_as(client, officer)
    assert "RV12 ABC" in client.get("/forums/moderation/").get_data(as_text=True)


def test_read_notifications_are_deleted_after_six_months(
    app: Flask, board: Board, make_user: Callable[..., User], make_thread: Callable[..., Thread]
) -> None:
    member = make_user(ward=None)
    post = make_thread(board, member).opening_post
    now = utcnow()
    db.session.add_all(
        [
            Notification(user_id=member.id, kind=NotificationKind.REPLY, post=post,
                         read_at=now - timedelta(days=200)),
            Notification(user_id=member.id, kind=NotificationKind.REPLY, post=post,
                         read_at=now - timedelta(days=10)),
            Notification(user_id=member.id, kind=NotificationKind.REPLY, post=post,
                         created_at=now - timedelta(days=400)),
        ]
    )  # fmt: skip
    db.session.commit()
    lines = [task(db.session, now) for task in hooks(app).retention_tasks]
    db.session.commit()
    assert any("deleted 1 read notifications" in line for line in lines)
    assert db.session.scalar(select(func.count(Notification.id))) == 2


@pytest.mark.parametrize("who", ["anonymous", "author", "moderator"])
def test_no_forum_page_shows_stored_text_as_markup(
    client: FlaskClient, world: World, app_context: None, who: str
) -> None:
    """The shared payload test reaches forum pages through fresh objects; this one
    poisons real forum data (demo threads, a hidden post, a report, a suspension,
    a pending post and the moderation log) and visits every page that shows it."""
    from engage import demo

    demo.seed(db.session)
    moderator = db.session.scalar(select(User).where(User.email == "officer@riverside.example"))
    author = db.session.scalar(select(User).where(User.email == "resident@riverside.example"))
    assert moderator is not None and author is not None
    thread = db.session.scalars(select(Thread).where(Thread.author_id == author.id)).first()
    assert thread is not None
    reply = thread.posts[1]
    services.hide_post(db.session, actor=moderator, post=reply, reason="Rude", now=utcnow())
    services.suspend_member(
        db.session, actor=moderator, member=author, reason="Cooling off", days=1, now=utcnow()
    )
    services.change_thread(
        db.session, actor=moderator, thread=thread, action=services.ModerationAction.PIN_THREAD
    )
    services.save_code_of_conduct(
        db.session, actor=moderator, area=thread.board.area, text="Be kind", now=utcnow()
    )
    db.session.commit()
    assert poison_all_text() > 10
    db.session.expire_all()
    area = thread.board.area
    area.slug = "poisoned-area"  # a slug is part of the address, not text on the page
    db.session.commit()
    pages = [
        "/forums/",
        f"/forums/{area.slug}/",
        f"/forums/{area.slug}/code-of-conduct",
        f"/forums/{area.slug}/boards/{thread.board_id}/",
        f"/forums/threads/{thread.id}",
        f"/forums/threads/{thread.id}/reply?quote={thread.posts[0].id}",
        f"/forums/posts/{thread.posts[0].id}/report",
        "/forums/notifications",
        "/forums/search?q=alert",
        "/forums/moderation/",
        "/forums/moderation/overdue",
        "/forums/moderation/pending",
        "/forums/moderation/log",
        f"/forums/moderation/members/{author.id}",
        f"/forums/moderation/posts/{reply.id}/restore",
        f"/forums/moderation/forums/{area.slug}/settings",
        f"/wards/{db.session.scalars(select(Ward)).first().slug}",  # type: ignore[union-attr]
    ]
    person = {"anonymous": None, "author": author, "moderator": moderator}[who]
    sign_in_as(client, person)
    shown = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code < 500, url
        html = response.get_data(as_text=True)
        assert not any(mark in html for mark in UNESCAPED), f"{url} as {who}"
        shown += "&lt;script&gt;alert" in html
    assert shown >= 4
