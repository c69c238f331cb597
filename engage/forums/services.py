"""Forum rules that change data. Plain functions taking the session, the acting person
and plain data; they flush, never commit, and raise ``RuleViolation`` when refused.
Every moderation decision writes the moderation log and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update

from engage import audit
from engage.db import DbSession
from engage.errors import RuleViolation
from engage.forums import permissions, queries
from engage.forums.models import (
    Board,
    Forum,
    MemberPremoderation,
    ModerationAction,
    ModerationEntry,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    PostStatus,
    Report,
    ReportOutcome,
    ReportReason,
    Suspension,
    Thread,
    ThreadReader,
)
from engage.forums.rules import needs_approval, suspension_end
from engage.wards.models import Area
from engage.web import format_date


@dataclass(frozen=True)
class NewPost:
    body: str
    submission_key: str
    quoted_post_id: int | None = None


@dataclass(frozen=True)
class NewThread:
    title: str
    body: str
    submission_key: str


@dataclass(frozen=True)
class ForumSettings:
    description: str
    premoderated: bool
    approve_first_posts: int


@dataclass(frozen=True)
class BoardData:
    name: str
    description: str
    position: int


# --- posting ---------------------------------------------------------------------------


def check_can_post(session: DbSession, user: Any, now: datetime) -> None:
    """The server-side check behind every post: confirmed email, not suspended."""
    if not permissions.can_post(user):
        raise RuleViolation("Confirm your email address before you post in the forums")
    suspension = queries.active_suspension(session, user, now)
    if suspension is not None:
        until = (
            "permanently"
            if suspension.permanent
            else f"until {format_date(suspension.ends_at, with_time=True)}"
        )
        raise RuleViolation(
            f"You cannot post: a moderator has stopped you posting {until}. "
            f"Reason: {suspension.reason}"
        )


def _first_status(session: DbSession, user: Any, forum: Forum) -> PostStatus:
    held = needs_approval(
        forum_premoderated=forum.premoderated,
        member_premoderated=queries.member_premoderation(session, user) is not None,
        approve_first_posts=forum.approve_first_posts,
        published_posts=queries.published_post_count(session, user),
        is_staff=permissions.is_staff(user),
    )
    return PostStatus.PENDING if held else PostStatus.PUBLISHED


def start_thread(
    session: DbSession, *, actor: Any, board: Board, data: NewThread, now: datetime
) -> Thread:
    check_can_post(session, actor, now)
    status = _first_status(session, actor, queries.forum_for(session, board.area))
    thread = Thread(
        board=board,
        author=actor,
        title=data.title,
        last_post_at=now,
        published=status is PostStatus.PUBLISHED,
    )
    post = Post(
        thread=thread,
        author=actor,
        body=data.body,
        badge=permissions.badge_for(actor),
        status=status,
        submission_key=data.submission_key,
        created_at=now,
    )
    session.add_all([thread, post])
    _set_reader(session, actor, thread, following=True, read_at=now)
    session.flush()
    return thread


def reply(session: DbSession, *, actor: Any, thread: Thread, data: NewPost, now: datetime) -> Post:
    check_can_post(session, actor, now)
    if not permissions.can_reply(actor, thread):
        raise RuleViolation("This thread is locked: it accepts no more replies")
    quoted = session.get(Post, data.quoted_post_id) if data.quoted_post_id else None
    if quoted is not None and quoted.thread_id != thread.id:
        quoted = None
    status = _first_status(session, actor, queries.forum_for(session, thread.board.area))
    post = Post(
        thread=thread,
        author=actor,
        body=data.body,
        badge=permissions.badge_for(actor),
        status=status,
        quoted_post=quoted,
        submission_key=data.submission_key,
        created_at=now,
    )
    session.add(post)
    _set_reader(session, actor, thread, following=True, read_at=now)
    session.flush()
    if status is PostStatus.PUBLISHED:
        _published(session, post, now)
    return post


def _published(session: DbSession, post: Post, now: datetime) -> None:
    """A post became visible: the thread moves up and its followers hear of it."""
    thread = post.thread
    thread.last_post_at = max(thread.last_post_at, now)
    if post.is_opening:
        thread.published = True
        return
    followers = session.scalars(
        select(ThreadReader.user_id).where(
            ThreadReader.thread_id == thread.id,
            ThreadReader.following.is_(True),
            ThreadReader.user_id != post.author_id,
        )
    )
    for user_id in followers:
        session.add(Notification(user_id=user_id, kind=NotificationKind.REPLY, post=post))


def edit_post(session: DbSession, *, actor: Any, post: Post, body: str, now: datetime) -> None:
    if not permissions.can_edit(actor, post, now):
        raise RuleViolation("You can only change your own posts, within 30 minutes of posting")
    check_can_post(session, actor, now)
    if body == post.body:
        return
    session.add(
        PostRevision(post=post, body=post.body, written_at=post.edited_at or post.created_at)
    )
    post.body = body
    post.edited_at = now
    session.flush()


def delete_post(session: DbSession, *, actor: Any, post: Post) -> None:
    if not permissions.can_delete(actor, post):
        raise RuleViolation("You can only delete your own posts")
    post.delete_by_author()
    session.flush()


def report_post(
    session: DbSession,
    *,
    actor: Any,
    post: Post,
    reason: ReportReason,
    details: str,
    now: datetime,
) -> Report:
    if not permissions.can_report(actor, post):
        raise RuleViolation("You cannot report this post")
    existing = session.scalar(
        select(Report).where(Report.post_id == post.id, Report.reporter_id == actor.id)
    )
    if existing is not None:
        raise RuleViolation("You have already reported this post. A moderator will look at it.")
    report = Report(post=post, reporter=actor, reason=reason, details=details, created_at=now)
    session.add(report)
    session.flush()
    # Moderators hear once per post, not once per report.
    if queries.open_report_count_for(session, post) == 1:
        for user_id in queries.moderator_ids(session):
            session.add(Notification(user_id=user_id, kind=NotificationKind.REPORT, post=post))
    session.flush()
    return report


# --- following and reading -------------------------------------------------------------


def _set_reader(
    session: DbSession,
    user: Any,
    thread: Thread,
    *,
    following: bool | None = None,
    read_at: datetime | None = None,
) -> ThreadReader:
    row = session.get(ThreadReader, (user.id, thread.id)) if thread.id else None
    if row is None:
        row = ThreadReader(user_id=user.id, thread=thread, following=False)
        session.add(row)
    if following is not None:
        row.following = following
    if read_at is not None and (row.last_read_at is None or read_at > row.last_read_at):
        row.last_read_at = read_at
    return row


def follow(session: DbSession, *, user: Any, thread: Thread, following: bool) -> None:
    _set_reader(session, user, thread, following=following)
    session.flush()


def _unread_reply_notices(user_id: int, thread: Thread) -> tuple[ColumnElement[bool], ...]:
    return (
        Notification.user_id == user_id,
        Notification.read_at.is_(None),
        Notification.post_id.in_(select(Post.id).where(Post.thread_id == thread.id)),
        Notification.kind == NotificationKind.REPLY,
    )


def has_news(session: DbSession, *, reader: ThreadReader | None, thread: Thread) -> bool:
    """Whether opening the thread changes what the member (``reader``: what they have
    read of it, None if they never opened it) has read: a post since they last read it,
    or a notice of a reply in it still unread. Reading it again with nothing new then
    writes nothing, so a page view stays a read."""
    if reader is None or reader.last_read_at is None or thread.last_post_at >= reader.last_read_at:
        return True
    unread = exists().where(*_unread_reply_notices(reader.user_id, thread))
    return bool(session.scalar(select(unread)))


def mark_read(session: DbSession, *, user: Any, thread: Thread, now: datetime) -> None:
    _set_reader(session, user, thread, read_at=now)
    session.execute(
        update(Notification).where(*_unread_reply_notices(user.id, thread)).values(read_at=now)
    )
    session.flush()


def mark_notifications_read(session: DbSession, *, user: Any, now: datetime) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


# --- moderation ------------------------------------------------------------------------


def _require_moderator(actor: Any) -> None:
    if not permissions.can_moderate(actor):
        raise RuleViolation("Only forum moderators can do this")


def log_action(
    session: DbSession,
    *,
    actor: Any,
    action: ModerationAction,
    area_id: int | None,
    target_type: str,
    target_id: int,
    target_label: str = "",
    reason: str = "",
) -> ModerationEntry:
    entry = ModerationEntry(
        actor=actor,
        area_id=area_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:200],
        reason=reason,
    )
    session.add(entry)
    audit.record(
        session,
        actor=actor,
        action=f"forum.{action.value}",
        target_type=target_type,
        target_id=target_id,
        reason=reason,
    )
    return entry


def _log_post(
    session: DbSession, actor: Any, action: ModerationAction, post: Post, reason: str = ""
) -> None:
    log_action(
        session,
        actor=actor,
        action=action,
        area_id=post.thread.board.area_id,
        target_type="post",
        target_id=post.id,
        target_label=post.thread.title,
        reason=reason,
    )


def _resolve_reports(
    session: DbSession, actor: Any, post: Post, outcome: ReportOutcome, now: datetime
) -> int:
    result = session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, outcome=outcome)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def dismiss_reports(session: DbSession, *, actor: Any, post: Post, now: datetime) -> int:
    _require_moderator(actor)
    count = _resolve_reports(session, actor, post, ReportOutcome.DISMISSED, now)
    if count == 0:
        raise RuleViolation("This post has no open reports")
    _log_post(session, actor, ModerationAction.DISMISS_REPORTS, post, f"{count} report(s)")
    session.flush()
    return count


def hide_post(session: DbSession, *, actor: Any, post: Post, reason: str, now: datetime) -> None:
    _require_moderator(actor)
    post.hide(reason)
    post.moderated_by_id = actor.id
    if post.is_opening:
        # Its title goes from lists too; the thread itself shows the notice.
        post.thread.published = False
    _resolve_reports(session, actor, post, ReportOutcome.POST_HIDDEN, now)
    _log_post(session, actor, ModerationAction.HIDE_POST, post, reason)
    session.add(Notification(user_id=post.author_id, kind=NotificationKind.POST_HIDDEN, post=post))
    session.flush()


def restore_post(session: DbSession, *, actor: Any, post: Post, reason: str) -> None:
    _require_moderator(actor)
    post.restore()
    post.moderated_by_id = actor.id
    if post.is_opening:
        post.thread.published = post.status is PostStatus.PUBLISHED
    _log_post(session, actor, ModerationAction.RESTORE_POST, post, reason)
    session.flush()


def approve_post(session: DbSession, *, actor: Any, post: Post, now: datetime) -> None:
    _require_moderator(actor)
    post.approve()
    post.moderated_by_id = actor.id
    _published(session, post, now)
    _log_post(session, actor, ModerationAction.APPROVE_POST, post)
    session.add(
        Notification(user_id=post.author_id, kind=NotificationKind.POST_APPROVED, post=post)
    )
    session.flush()


def reject_post(session: DbSession, *, actor: Any, post: Post, reason: str) -> None:
    _require_moderator(actor)
    post.reject(reason)
    post.moderated_by_id = actor.id
    _log_post(session, actor, ModerationAction.REJECT_POST, post, reason)
    session.add(
        Notification(user_id=post.author_id, kind=NotificationKind.POST_REJECTED, post=post)
    )
    session.flush()


THREAD_ACTIONS = {
    ModerationAction.LOCK_THREAD: Thread.lock,
    ModerationAction.UNLOCK_THREAD: Thread.unlock,
    ModerationAction.PIN_THREAD: Thread.pin,
    ModerationAction.UNPIN_THREAD: Thread.unpin,
}


def change_thread(
    session: DbSession, *, actor: Any, thread: Thread, action: ModerationAction
) -> None:
    """Lock, unlock, pin or unpin (each its own page action)."""
    _require_moderator(actor)
    THREAD_ACTIONS[action](thread)
    log_action(
        session,
        actor=actor,
        action=action,
        area_id=thread.board.area_id,
        target_type="thread",
        target_id=thread.id,
        target_label=thread.title,
    )
    session.flush()


def move_thread(
    session: DbSession, *, actor: Any, thread: Thread, board: Board, reason: str
) -> None:
    _require_moderator(actor)
    if board.id == thread.board_id:
        raise RuleViolation("The thread is already in that board")
    old = thread.board
    thread.board = board
    log_action(
        session,
        actor=actor,
        action=ModerationAction.MOVE_THREAD,
        area_id=board.area_id,
        target_type="thread",
        target_id=thread.id,
        target_label=f"{thread.title} (from {old.area.name}: {old.name} "
        f"to {board.area.name}: {board.name})",
        reason=reason,
    )
    session.flush()


def suspend_member(
    session: DbSession, *, actor: Any, member: Any, reason: str, days: int | None, now: datetime
) -> Suspension:
    _require_moderator(actor)
    if permissions.can_moderate(member):
        raise RuleViolation(
            "Moderators cannot be suspended; ask an administrator to remove the role"
        )
    suspension = Suspension(
        user_id=member.id,
        reason=reason,
        ends_at=suspension_end(now, days),
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(suspension)
    log_action(
        session,
        actor=actor,
        action=ModerationAction.SUSPEND_MEMBER,
        area_id=None,
        target_type="member",
        target_id=member.id,
        target_label="permanently" if days is None else f"for {days} days",
        reason=reason,
    )
    session.add(Notification(user_id=member.id, kind=NotificationKind.SUSPENDED))
    session.flush()
    return suspension


def lift_suspension(
    session: DbSession, *, actor: Any, member: Any, reason: str, now: datetime
) -> None:
    _require_moderator(actor)
    suspension = queries.active_suspension(session, member, now)
    if suspension is None:
        raise RuleViolation("This member is not suspended")
    session.execute(
        update(Suspension)
        .where(Suspension.user_id == member.id, Suspension.lifted_at.is_(None))
        .values(lifted_at=now)
    )
    log_action(
        session,
        actor=actor,
        action=ModerationAction.LIFT_SUSPENSION,
        area_id=None,
        target_type="member",
        target_id=member.id,
        reason=reason,
    )
    session.flush()


def set_member_premoderation(
    session: DbSession, *, actor: Any, member: Any, on: bool, reason: str
) -> None:
    _require_moderator(actor)
    current = queries.member_premoderation(session, member)
    if on == (current is not None):
        raise RuleViolation(
            "This member's posts already wait for approval"
            if on
            else "This member's posts do not wait for approval"
        )
    if on:
        session.add(MemberPremoderation(user_id=member.id, reason=reason, created_by_id=actor.id))
    else:
        session.delete(current)
    log_action(
        session,
        actor=actor,
        action=ModerationAction.PREMODERATE_MEMBER
        if on
        else ModerationAction.END_MEMBER_PREMODERATION,
        area_id=None,
        target_type="member",
        target_id=member.id,
        reason=reason,
    )
    session.flush()


# --- forum settings --------------------------------------------------------------------


def _saved_forum(session: DbSession, area: Area, now: datetime) -> Forum:
    forum = session.get(Forum, area.id)
    if forum is None:
        forum = Forum.defaults(area)
        session.add(forum)
    forum.updated_at = now
    return forum


def save_forum_settings(
    session: DbSession, *, actor: Any, area: Area, data: ForumSettings, now: datetime
) -> None:
    _require_moderator(actor)
    forum = _saved_forum(session, area, now)
    forum.description = data.description
    forum.premoderated = data.premoderated
    forum.approve_first_posts = data.approve_first_posts
    log_action(
        session,
        actor=actor,
        action=ModerationAction.CHANGE_FORUM_SETTINGS,
        area_id=area.id,
        target_type="forum",
        target_id=area.id,
        target_label=(
            f"{area.name}: pre-moderation {'on' if data.premoderated else 'off'}, "
            f"new members' first {data.approve_first_posts} posts held"
        ),
    )
    session.flush()


def save_code_of_conduct(
    session: DbSession, *, actor: Any, area: Area, text: str, now: datetime
) -> None:
    _require_moderator(actor)
    _saved_forum(session, area, now).code_of_conduct = text
    log_action(
        session,
        actor=actor,
        action=ModerationAction.CHANGE_CODE_OF_CONDUCT,
        area_id=area.id,
        target_type="forum",
        target_id=area.id,
        target_label=area.name,
    )
    session.flush()


def save_board(
    session: DbSession, *, actor: Any, area: Area, board: Board | None, data: BoardData
) -> Board:
    _require_moderator(actor)
    clash = session.scalar(select(Board).where(Board.area_id == area.id, Board.name == data.name))
    if clash is not None and clash is not board:
        raise RuleViolation(f"This forum already has a board called {data.name}")
    action = ModerationAction.CHANGE_BOARD if board else ModerationAction.ADD_BOARD
    if board is None:
        board = Board(area_id=area.id)
        session.add(board)
    board.name = data.name
    board.description = data.description
    board.position = data.position
    session.flush()
    log_action(
        session,
        actor=actor,
        action=action,
        area_id=area.id,
        target_type="board",
        target_id=board.id,
        target_label=f"{area.name}: {board.name}",
    )
    session.flush()
    return board
