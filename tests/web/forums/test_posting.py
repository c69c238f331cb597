"""Residents start threads, reply, quote, edit, delete, follow and search, and the
rules hold on the server: confirmed email, suspensions, locked threads, bad input."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.db import utcnow
from engage.extensions import db
from engage.forums import services
from engage.forums.models import Board, Notification, Post, PostRevision, Thread, ThreadReader
from engage.wards.models import Ward
from tests.conftest import post_form, sign_in_as


@pytest.fixture
def board(make_ward: Callable[..., Ward], make_board: Callable[..., Board]) -> Board:
    return make_board(make_ward("Riverside East").area, "Streets and litter")


def _posts() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Post.id))) or 0


def _new_thread_url(board: Board) -> str:
    return f"/forums/{board.area.slug}/boards/{board.id}/new"


def _form_key(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="submission_key" value="([^"]+)"', html
    )
    assert match, "no submission key on the form"
    return match.group(1)


def test_first_post_needs_agreement_to_the_code_and_keeps_what_was_typed(
    client: FlaskClient, board: Board, make_user: Callable[..., User]
) -> None:
    resident = make_user(ward=None, name="Jamie Patel")
    sign_in_as(client, resident)
    page = client.get(_new_thread_url(board)).get_data(as_text=True)
    assert "Before your first post" in page
    assert "Be respectful" in page  # the default code of conduct

    response = post_form(
        client,
        _new_thread_url(board),
        {"title": "Fly-tipping on Mill Lane", "body": "Mattresses again", "submission_key": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "agree to follow the code of conduct" in html
    assert "Fly-tipping on Mill Lane" in html and "Mattresses again" in html
    assert _posts() == 0

    key = _form_key(client, _new_thread_url(board))
    response = post_form(
        client,
        _new_thread_url(board),
        {"title": "Fly-tipping on Mill Lane", "body": "Mattresses **again**", "agree": "y",
         "submission_key": key},
    )  # fmt: skip
    assert response.status_code == 302
    thread_page = client.get(response.location).get_data(as_text=True)
    assert "<strong>again</strong>" in thread_page
    # Second time round, the code is linked, not asked for again.
    assert "Before your first post" not in client.get(_new_thread_url(board)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("Bins", "", "Enter your post"),
        ("", "Some words", "Enter a title"),
        ("x" * 151, "Some words", "Title must be 150 characters or fewer"),
        ("Bins", "word " * 4000, "Your post must be 10,000 characters or fewer"),
        ("Bins", "bad\x00byte", "must not contain hidden control characters"),
        ("Bins\x1b[31m", "Some words", "must not contain hidden control characters"),
    ],
)
def test_bad_input_gets_an_error_summary_and_loses_nothing(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    title: str,
    body: str,
    message: str,
) -> None:
    resident = make_user(ward=None)
    make_thread(board, resident)  # not a first post: no agreement box
    sign_in_as(client, resident)
    before = _posts()
    response = post_form(client, _new_thread_url(board), {"title": title, "body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert "<title>Error: " in html
    typed = re.split(r"[\x00-\x1f]", body or title)[0][:40]  # up to any control character
    assert typed in html
    assert _posts() == before


def test_non_utf8_form_data_is_refused_politely(
    client: FlaskClient, board: Board, make_user: Callable[..., User]
) -> None:
    sign_in_as(client, make_user(ward=None))
    from tests.conftest import csrf_token

    token = csrf_token(client)
    response = client.post(
        _new_thread_url(board),
        data=f"csrf_token={token}&title=%ff%fe&body=%c3%28".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    assert response.status_code < 500


def test_people_without_a_confirmed_email_cannot_post(
    client: FlaskClient, board: Board, make_user: Callable[..., User]
) -> None:
    sign_in_as(client, make_user(ward=None, confirmed=False))
    response = post_form(
        client, _new_thread_url(board), {"title": "Hello", "body": "Hi", "agree": "y"}
    )
    assert response.status_code == 403
    assert _posts() == 0


@dataclass
class BinsThread:
    author: User
    neighbour: User
    thread: Thread


@pytest.fixture
def bins_thread(
    board: Board, make_user: Callable[..., User], make_thread: Callable[..., Thread]
) -> BinsThread:
    """Jamie's thread about the bins, and Chris, a neighbour who has posted before."""
    author = make_user(ward=None, name="Jamie Patel")
    neighbour = make_user(ward=None, name="Chris Lee")
    thread = make_thread(board, author, body="The bins were missed on Tuesday.")
    make_thread(board, neighbour, title="Other")
    return BinsThread(author, neighbour, thread)


def test_reply_quote_follow_and_notifications(client: FlaskClient, bins_thread: BinsThread) -> None:
    author, neighbour, thread = bins_thread.author, bins_thread.neighbour, bins_thread.thread

    sign_in_as(client, neighbour)
    quote_page = client.get(
        f"/forums/threads/{thread.id}/reply?quote={thread.opening_post.id}"
    ).get_data(as_text=True)
    assert "&gt; **Jamie Patel wrote:**" in quote_page
    key = _form_key(client, f"/forums/threads/{thread.id}/reply")
    response = post_form(
        client,
        f"/forums/threads/{thread.id}/reply",
        {
            "body": "> The bins were missed\n\nSame on our street.",
            "submission_key": key,
            "quoted_post_id": str(thread.opening_post.id),
        },
    )
    assert response.status_code == 302 and "#post-" in response.location

    # The author follows their own thread, so hears of the reply.
    sign_in_as(client, author)
    notes = client.get("/forums/notifications").get_data(as_text=True)
    assert "Chris Lee replied in" in notes and "1 unread" in notes
    board = thread.board
    board_page = client.get(f"/forums/{board.area.slug}/boards/{board.id}/").get_data(as_text=True)
    assert "1 new" in board_page
    thread_page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "Same on our street." in thread_page and "replying to" in thread_page
    # Reading the thread marks the reply read.
    assert "0 unread" in client.get("/forums/notifications").get_data(as_text=True)

    # Unfollowing stops notifications.
    post_form(client, f"/forums/threads/{thread.id}/unfollow")
    make_reply_as(neighbour, thread, "And again today")
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == author.id)
        )
        == 1
    )


def test_reading_a_thread_again_with_nothing_new_changes_nothing(
    client: FlaskClient, bins_thread: BinsThread
) -> None:
    author, neighbour, thread = bins_thread.author, bins_thread.neighbour, bins_thread.thread

    def last_read() -> object:
        db.session.rollback()
        return db.session.get(ThreadReader, (author.id, thread.id)).last_read_at  # type: ignore[union-attr]

    sign_in_as(client, author)
    client.get(f"/forums/threads/{thread.id}")
    first = last_read()
    client.get(f"/forums/threads/{thread.id}")
    assert last_read() == first

    make_reply_as(neighbour, thread, "Same on our street.")
    assert "1 unread" in client.get("/forums/notifications").get_data(as_text=True)
    client.get(f"/forums/threads/{thread.id}")
    assert last_read() > first  # type: ignore[operator]
    assert "0 unread" in client.get("/forums/notifications").get_data(as_text=True)


def make_reply_as(user: User, thread: Thread, body: str) -> Post:
    import uuid

    post = services.reply(
        db.session,
        actor=db.session.get(User, user.id),
        thread=db.session.get(Thread, thread.id),
        data=services.NewPost(body, str(uuid.uuid4())),
        now=utcnow(),
    )
    db.session.commit()
    return post


def test_the_same_form_sent_twice_saves_one_reply(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    resident = make_user(ward=None)
    thread = make_thread(board, resident)
    sign_in_as(client, resident)
    key = _form_key(client, f"/forums/threads/{thread.id}/reply")
    for _ in range(2):
        response = post_form(
            client, f"/forums/threads/{thread.id}/reply", {"body": "Thanks", "submission_key": key}
        )
        assert response.status_code == 302
    assert _posts() == 2  # the opening post and one reply


def test_edits_within_thirty_minutes_are_recorded_and_later_refused(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    resident = make_user(ward=None)
    thread = make_thread(board, resident, body="Bins missed on Tusday")
    post_id = thread.opening_post.id
    sign_in_as(client, resident)
    response = post_form(
        client, f"/forums/posts/{post_id}/edit", {"body": "Bins missed on Tuesday"}
    )
    assert response.status_code == 302
    db.session.rollback()
    post = db.session.get(Post, post_id)
    assert post is not None and post.body == "Bins missed on Tuesday" and post.edited_at
    revisions = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post_id))
    assert [r.body for r in revisions] == ["Bins missed on Tusday"]
    assert "edited" in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    # Moderators can read what it said before.
    sign_in_as(client, make_user(Role.MODERATOR, ward=None))
    assert "Tusday" in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    sign_in_as(client, resident)

    post.created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    response = post_form(client, f"/forums/posts/{post_id}/edit", {"body": "Changed later"})
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(Post, post_id).body == "Bins missed on Tuesday"  # type: ignore[union-attr]


def test_deleting_a_post_leaves_a_notice_in_its_place(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    make_reply: Callable[..., Post],
) -> None:
    resident, other = make_user(ward=None), make_user(ward=None)
    thread = make_thread(board, resident)
    reply = make_reply(thread, resident, "My phone number is 07700 900123")
    sign_in_as(client, resident)
    assert post_form(client, f"/forums/posts/{reply.id}/delete").status_code == 302
    sign_in_as(client, other)
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "This post was deleted by its author." in page
    assert "07700 900123" not in page


def test_locked_threads_accept_no_replies(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    resident = make_user(ward=None)
    moderator = make_user(Role.MODERATOR, ward=None)
    thread = make_thread(board, resident)
    sign_in_as(client, moderator)
    assert post_form(client, f"/forums/moderation/threads/{thread.id}/lock").status_code == 302
    sign_in_as(client, resident)
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and "Post reply" not in page
    # Sent anyway, by hand: refused on the server, with the words kept.
    response = post_form(client, f"/forums/threads/{thread.id}/reply", {"body": "Let me in"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "locked" in html
    assert _posts() == 1


def test_suspended_members_see_why_and_until_when_and_cannot_post(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    resident = make_user(ward=None)
    moderator = make_user(Role.MODERATOR, ward=None)
    thread = make_thread(board, resident)
    sign_in_as(client, moderator)
    response = post_form(
        client,
        f"/forums/moderation/members/{resident.id}/suspend",
        {"length": "7", "reason": "Repeated personal attacks"},
    )
    assert response.status_code == 302

    sign_in_as(client, resident)
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "A moderator has stopped you posting until" in page
    assert "Repeated personal attacks" in page
    response = post_form(client, f"/forums/threads/{thread.id}/reply", {"body": "Still here"})
    assert response.status_code == 200 and "You cannot post" in response.get_data(as_text=True)
    response = post_form(client, _new_thread_url(board), {"title": "New", "body": "Thread"})
    assert response.status_code == 200 and "You cannot post" in response.get_data(as_text=True)
    assert _posts() == 1

    sign_in_as(client, moderator)
    post_form(client, f"/forums/moderation/members/{resident.id}/lift")
    sign_in_as(client, resident)
    response = post_form(client, f"/forums/threads/{thread.id}/reply", {"body": "Sorry"})
    assert response.status_code == 302 and _posts() == 2


def test_search_finds_words_in_public_posts_only(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    make_board: Callable[..., Board],
    make_ward: Callable[..., Ward],
) -> None:
    resident = make_user(ward=None)
    make_thread(board, resident, title="Potholes", body="Deep potholes on Mill Lane")
    hidden = make_thread(board, resident, title="Rant", body="Potholes and my neighbour's address")
    services.hide_post(
        db.session,
        actor=make_user(Role.MODERATOR, ward=None),
        post=hidden.opening_post,
        reason="Personal information",
        now=utcnow(),
    )
    db.session.commit()
    elsewhere = make_board(make_ward("Abbey Fields").area, "Roads")
    make_thread(elsewhere, resident, title="Abbey potholes", body="Potholes near the abbey")

    found = client.get("/forums/search?q=potholes+mill").get_data(as_text=True)
    assert "1 post found" in found and "Deep potholes on Mill Lane" in found
    everywhere = client.get("/forums/search?q=potholes").get_data(as_text=True)
    assert "2 posts found" in everywhere and "address" not in everywhere
    one_forum = client.get(f"/forums/search?q=potholes&forum={elsewhere.area.slug}").get_data(
        as_text=True
    )
    assert "1 post found" in one_forum and "near the abbey" in one_forum
    # A thread's title is searched with its opening post, not with every reply.
    titled = make_thread(board, resident, title="Fly-tipping hotspot", body="Behind the shops")
    services.reply(
        db.session,
        actor=resident,
        thread=titled,
        data=services.NewPost("Agreed", str(uuid.uuid4())),
        now=utcnow(),
    )
    db.session.commit()
    by_title = client.get("/forums/search?q=hotspot+shops").get_data(as_text=True)
    assert "1 post found" in by_title and "Behind the shops" in by_title
    # Search syntax and wildcards are just characters to look for.
    for nasty in ("%", "_", "' OR 1=1 --", "potholes & | !", "a:*"):
        assert client.get("/forums/search", query_string={"q": nasty}).status_code == 200


def test_ward_page_links_to_its_area_forum(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    make_thread(board, make_user(ward=None), title="Summer fair stalls")
    ward = db.session.scalar(select(Ward).where(Ward.name == "Riverside East"))
    assert ward is not None
    page = client.get(f"/wards/{ward.slug}").get_data(as_text=True)
    assert f'href="/forums/{ward.area.slug}/"' in page
    assert "Summer fair stalls" in page


def test_councillors_and_officers_post_with_a_badge(
    client: FlaskClient,
    board: Board,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    make_reply: Callable[..., Post],
) -> None:
    thread = make_thread(board, make_user(ward=None))
    make_reply(thread, make_user(Role.COUNCILLOR, ward=board_ward(board)), "I will raise it.")
    make_reply(thread, make_user(Role.FUND_OFFICER, ward=None), "Logged with the team.")
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert re.search(r"govuk-tag[^>]*>Councillor</strong>", page)
    assert re.search(r"govuk-tag[^>]*>Officer</strong>", page)


def board_ward(board: Board) -> Ward:
    ward = db.session.scalar(select(Ward).where(Ward.area_id == board.area_id))
    assert ward is not None
    return ward
