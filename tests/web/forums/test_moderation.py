"""Reports, the moderation queue and its actions, pre-moderation, the moderation log
and its export, as moderators and members see them."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.db import utcnow
from engage.errors import RuleViolation
from engage.extensions import db
from engage.forums import services
from engage.forums.models import (
    Board,
    ModerationAction,
    ModerationEntry,
    Notification,
    NotificationKind,
    Post,
    PostStatus,
    Report,
    ReportReason,
    Thread,
)
from engage.wards.models import Ward
from tests.conftest import post_form, sign_in_as


@pytest.fixture
def board(make_ward: Callable[..., Ward], make_board: Callable[..., Board]) -> Board:
    return make_board(make_ward("Riverside East").area, "General")


@pytest.fixture
def moderator(make_user: Callable[..., User]) -> User:
    return make_user(Role.MODERATOR, ward=None, name="Priya Shah")


def _count(model: type, *where: object) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_report_hide_and_the_author_sees_why(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    author = make_user(ward=None, name="Sam Taylor")
    reporter = make_user(ward=None)
    second = make_user(ward=None)
    thread = make_thread(board, author, title="Parking", body="Number 12's car is RV12 ABC")
    post_id = thread.opening_post.id

    sign_in_as(client, reporter)
    response = post_form(
        client,
        f"/forums/posts/{post_id}/report",
        {"reason": "personal_information", "details": "A car registration"},
    )
    assert response.status_code == 302
    # One report per person per post: the second is refused kindly.
    response = post_form(client, f"/forums/posts/{post_id}/report", {"reason": "spam"})
    assert _count(Report) == 1
    sign_in_as(client, second)
    # "Something else" needs words.
    response = post_form(client, f"/forums/posts/{post_id}/report", {"reason": "other"})
    assert response.status_code == 200 and "Tell us what is wrong" in response.get_data(
        as_text=True
    )
    post_form(client, f"/forums/posts/{post_id}/report", {"reason": "abusive"})
    assert _count(Report) == 2

    # Moderators hear once per post.
    assert (
        _count(
            Notification,
            Notification.user_id == moderator.id,
            Notification.kind == NotificationKind.REPORT,
        )
        == 1
    )
    sign_in_as(client, moderator)
    queue = client.get("/forums/moderation/").get_data(as_text=True)
    assert "Reported posts (1)" in queue
    assert "Shares someone&#39;s personal information: 1" in queue
    assert "Abusive or threatening: 1" in queue and "A car registration" in queue

    response = post_form(
        client,
        f"/forums/moderation/posts/{post_id}/hide?next=queue",
        {"reason": "It shared a neighbour's car registration"},
    )
    assert response.status_code == 302
    assert "There are no open reports" in client.get("/forums/moderation/").get_data(as_text=True)
    # Moderators still see what it said.
    assert "RV12 ABC" in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)

    for viewer in (None, second, author):
        client.delete_cookie("session")
        sign_in_as(client, viewer)
        page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
        assert "Hidden by a moderator: It shared a neighbour&#39;s car registration" in page
        assert "RV12 ABC" not in page
        assert "A thread hidden by a moderator" in page and "Parking" not in page
        board_page = client.get(f"/forums/{board.area.slug}/boards/{board.id}/")
        assert ("Parking" in board_page.get_data(as_text=True)) is (viewer is author)
    notes = client.get("/forums/notifications").get_data(as_text=True)
    assert "A moderator hid" in notes and "car registration" in notes
    # Hidden posts are not found by search either.
    assert "No posts found" in client.get("/forums/search?q=registration").get_data(as_text=True)

    sign_in_as(client, moderator)
    post_form(client, f"/forums/moderation/posts/{post_id}/restore", {"reason": "Appeal upheld"})
    client.delete_cookie("session")
    assert "RV12 ABC" in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)

    log = [(e.action, e.reason) for e in db.session.scalars(select(ModerationEntry))]
    assert (ModerationAction.HIDE_POST, "It shared a neighbour's car registration") in log
    assert (ModerationAction.RESTORE_POST, "Appeal upheld") in log


def test_dismissing_reports_leaves_the_post(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    thread = make_thread(board, make_user(ward=None), body="The council never listens")
    services.report_post(
        db.session,
        actor=make_user(ward=None),
        post=thread.opening_post,
        reason=ReportReason.ABUSIVE,
        details="",
        now=utcnow(),
    )
    db.session.commit()
    sign_in_as(client, moderator)
    post_form(client, f"/forums/moderation/posts/{thread.opening_post.id}/dismiss?next=queue")
    assert _count(Report, Report.resolved_at.is_(None)) == 0
    client.delete_cookie("session")
    assert "never listens" in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)


def test_the_queue_is_oldest_first_and_the_service_level_view_skips_weekends(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    reporter = make_user(ward=None)
    new = make_thread(board, make_user(ward=None), title="Fresh complaint")
    old = make_thread(board, make_user(ward=None), title="Week-old complaint")
    for thread, age in ((new, timedelta(hours=1)), (old, timedelta(days=7))):
        db.session.add(
            Report(
                post=thread.opening_post,
                reporter=reporter,
                reason=ReportReason.SPAM,
                created_at=utcnow() - age,
            )
        )
    db.session.commit()
    sign_in_as(client, moderator)
    queue = client.get("/forums/moderation/").get_data(as_text=True)
    assert queue.index("Week-old complaint") < queue.index("Fresh complaint")
    overdue = client.get("/forums/moderation/overdue").get_data(as_text=True)
    assert "Week-old complaint" in overdue and "Fresh complaint" not in overdue


def test_premoderated_forum_holds_posts_until_approved(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    follower = make_user(ward=None)
    thread = make_thread(board, follower, title="Allotments")
    sign_in_as(client, moderator)
    response = post_form(
        client,
        f"/forums/moderation/forums/{board.area.slug}/settings",
        {"description": "", "premoderated": "y", "approve_first_posts": "0"},
    )
    assert response.status_code == 302

    member = make_user(ward=None, name="Robin Reply")
    sign_in_as(client, member)
    response = post_form(
        client, f"/forums/threads/{thread.id}/reply", {"body": "Waiting list?", "agree": "y"}
    )
    assert response.status_code == 302
    assert "Waiting for approval" in client.get(response.location).get_data(as_text=True)
    client.delete_cookie("session")
    assert "Waiting list?" not in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)

    # Moderators post straight away.
    sign_in_as(client, moderator)
    pending = client.get("/forums/moderation/pending").get_data(as_text=True)
    assert "Waiting list?" in pending and "Waiting for approval (1)" in pending
    held = db.session.scalar(select(Post).where(Post.status == PostStatus.PENDING))
    assert held is not None
    post_form(client, f"/forums/moderation/posts/{held.id}/approve?next=pending")
    client.delete_cookie("session")
    assert "Waiting list?" in client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    # The thread's follower heard of it once it was public.
    assert (
        _count(
            Notification,
            Notification.user_id == follower.id,
            Notification.kind == NotificationKind.REPLY,
        )
        == 1
    )


def test_new_members_first_posts_and_premoderated_members_wait(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
) -> None:
    sign_in_as(client, moderator)
    post_form(
        client,
        f"/forums/moderation/forums/{board.area.slug}/settings",
        {"description": "", "approve_first_posts": "1"},
    )
    newcomer = make_user(ward=None)
    thread = services.start_thread(
        db.session,
        actor=newcomer,
        board=board,
        data=services.NewThread("Hello", "New here", str(uuid.uuid4())),
        now=utcnow(),
    )
    db.session.commit()
    assert thread.opening_post.status is PostStatus.PENDING and not thread.published
    client.delete_cookie("session")
    board_page = client.get(f"/forums/{board.area.slug}/boards/{board.id}/").get_data(as_text=True)
    assert "Hello" not in board_page

    sign_in_as(client, moderator)
    post_form(
        client,
        f"/forums/moderation/posts/{thread.opening_post.id}/reject",
        {"reason": "Please post this in Events"},
    )
    db.session.rollback()
    assert db.session.get(Post, thread.opening_post.id).status is PostStatus.REJECTED  # type: ignore[union-attr]
    sign_in_as(client, newcomer)
    page = client.get(f"/forums/threads/{thread.id}").get_data(as_text=True)
    assert "Not approved by a moderator: Please post this in Events" in page

    # A member held individually waits in every forum, whatever its settings.
    regular = make_user(ward=None)
    sign_in_as(client, moderator)
    post_form(
        client,
        f"/forums/moderation/members/{regular.id}/premoderate",
        {"reason": "Two warnings this month"},
    )
    post_form(
        client,
        f"/forums/moderation/forums/{board.area.slug}/settings",
        {"description": "", "approve_first_posts": "0"},
    )
    db.session.rollback()
    regular = db.session.get(User, regular.id)  # type: ignore[assignment]
    held = services.start_thread(
        db.session,
        actor=regular,
        board=db.session.get(Board, board.id),  # type: ignore[arg-type]
        data=services.NewThread("Again", "Hmm", str(uuid.uuid4())),
        now=utcnow(),
    )
    assert held.opening_post.status is PostStatus.PENDING
    db.session.rollback()


def test_move_and_pin_threads(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
    make_board: Callable[..., Board],
) -> None:
    events = make_board(board.area, "Events")
    first = make_thread(board, make_user(ward=None), title="Summer fair")
    make_thread(board, make_user(ward=None), title="Newer thread")
    sign_in_as(client, moderator)
    response = post_form(
        client,
        f"/forums/moderation/threads/{first.id}/move",
        {"board_id": str(events.id), "reason": "It is an event"},
    )
    assert response.status_code == 302
    events_page = client.get(f"/forums/{board.area.slug}/boards/{events.id}/").get_data(
        as_text=True
    )
    assert "Summer fair" in events_page
    # An unknown board is a form error, not a crash.
    response = post_form(
        client, f"/forums/moderation/threads/{first.id}/move", {"board_id": "999999"}
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True)

    second = make_thread(events, make_user(ward=None), title="Latest event")
    post_form(client, f"/forums/moderation/threads/{first.id}/pin")
    page = client.get(f"/forums/{board.area.slug}/boards/{events.id}/").get_data(as_text=True)
    assert page.index("Summer fair") < page.index(second.title)
    assert "Pinned" in page


def test_the_moderation_log_is_filterable_exportable_and_append_only(
    client: FlaskClient,
    board: Board,
    moderator: User,
    make_user: Callable[..., User],
    make_thread: Callable[..., Thread],
) -> None:
    member = make_user(ward=None, name="Lee Member")
    thread = make_thread(board, member, title='=HYPERLINK("http://evil")')
    services.change_thread(
        db.session, actor=moderator, thread=thread, action=ModerationAction.LOCK_THREAD
    )
    services.suspend_member(
        db.session, actor=moderator, member=member, reason="Spam links", days=None, now=utcnow()
    )
    db.session.commit()

    sign_in_as(client, moderator)
    log = client.get("/forums/moderation/log").get_data(as_text=True)
    assert "Lock thread" in log and "Suspend member" in log and "Lee Member" in log
    only = client.get("/forums/moderation/log?action=suspend_member").get_data(as_text=True)
    assert "Suspend member" in only and "Lock thread</td>" not in only
    assert client.get("/forums/moderation/log?action=nonsense&forum=%25").status_code == 200

    response = post_form(client, "/forums/moderation/log/export")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["Action"] for row in rows} == {"Lock thread", "Suspend member"}
    lock = next(row for row in rows if row["Action"] == "Lock thread")
    assert lock["About"].startswith("'=")  # a spreadsheet will not run it
    assert lock["Moderator"] == "Priya Shah"

    entry = db.session.scalars(select(ModerationEntry)).first()
    assert entry is not None
    entry.reason = "Changed afterwards"
    with pytest.raises(RuleViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(ModerationEntry)).first())
    with pytest.raises(RuleViolation):
        db.session.flush()
    db.session.rollback()


def test_moderators_cannot_be_suspended(
    client: FlaskClient, moderator: User, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.MODERATOR, ward=None)
    sign_in_as(client, moderator)
    response = post_form(
        client,
        f"/forums/moderation/members/{other.id}/suspend",
        {"length": "1", "reason": "Testing"},
    )
    assert response.status_code == 200
    assert "Moderators cannot be suspended" in response.get_data(as_text=True)


def test_officers_configure_boards_and_the_code_of_conduct(
    client: FlaskClient, board: Board, moderator: User
) -> None:
    slug = board.area.slug
    sign_in_as(client, moderator)
    response = post_form(
        client,
        f"/forums/moderation/forums/{slug}/boards/new",
        {"name": "Parks", "description": "Parks and play areas", "position": "5"},
    )
    assert response.status_code == 302
    duplicate = post_form(
        client,
        f"/forums/moderation/forums/{slug}/boards/new",
        {"name": "Parks", "description": "", "position": "6"},
    )
    assert "already has a board called Parks" in duplicate.get_data(as_text=True)
    forum_page = _boards_section(client.get(f"/forums/{slug}/").get_data(as_text=True))
    assert forum_page.index("General") < forum_page.index("Parks")  # order 0 before 5
    post_form(
        client,
        f"/forums/moderation/boards/{board.id}/edit",
        {"name": "General chat", "description": "", "position": "10"},
    )
    forum_page = _boards_section(client.get(f"/forums/{slug}/").get_data(as_text=True))
    assert forum_page.index("Parks") < forum_page.index("General chat")

    post_form(
        client,
        f"/forums/moderation/forums/{slug}/code-of-conduct",
        {"code_of_conduct": "- Be kind to neighbours\n- No *selling*"},
    )
    client.delete_cookie("session")
    code = client.get(f"/forums/{slug}/code-of-conduct").get_data(as_text=True)
    assert "Be kind to neighbours" in code and "<em>selling</em>" in code


def _boards_section(html: str) -> str:
    return html[html.index(">Boards</h2>") :]
