"""Read helpers: lists with what each viewer may see, search, the moderation queue,
notifications, and forum posts as ward-priority mentions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from engage.accounts.models import Role, User, UserRole
from engage.db import DbSession
from engage.forums.models import (
    SEARCH_LANGUAGE,
    Board,
    Forum,
    MemberPremoderation,
    ModerationAction,
    ModerationEntry,
    Notification,
    Post,
    PostStatus,
    Report,
    Suspension,
    Thread,
    ThreadReader,
)
from engage.forums.permissions import can_moderate
from engage.hooks import Mention
from engage.wards.models import Area

MAX_SEARCH_WORDS = 8


# --- forums and boards -----------------------------------------------------------------


def area_by_slug(session: DbSession, slug: str) -> Area | None:
    return session.scalar(select(Area).where(Area.slug == slug))


def forum_for(session: DbSession, area: Area) -> Forum:
    """The area's forum settings, or the defaults when no officer has changed them."""
    return session.get(Forum, area.id) or Forum.defaults(area)


@dataclass(frozen=True)
class ForumSummary:
    area: Area
    boards: int
    threads: int


def forum_summaries(session: DbSession) -> list[ForumSummary]:
    boards: dict[int, int] = dict(
        session.execute(select(Board.area_id, func.count(Board.id)).group_by(Board.area_id))
        .tuples()
        .all()
    )
    threads: dict[int, int] = dict(
        session.execute(
            select(Board.area_id, func.count(Thread.id))
            .join(Thread, Thread.board_id == Board.id)
            .where(Thread.published.is_(True))
            .group_by(Board.area_id)
        )
        .tuples()
        .all()
    )
    areas = session.scalars(select(Area).order_by(Area.name))
    return [ForumSummary(a, boards.get(a.id, 0), threads.get(a.id, 0)) for a in areas]


def boards_of(session: DbSession, area_id: int) -> list[Board]:
    return list(
        session.scalars(
            select(Board).where(Board.area_id == area_id).order_by(Board.position, Board.name)
        )
    )


def all_boards(session: DbSession) -> list[Board]:
    return list(
        session.scalars(
            select(Board)
            .join(Area, Area.id == Board.area_id)
            .options(selectinload(Board.area))
            .order_by(Area.name, Board.position, Board.name)
        )
    )


# --- threads and posts -----------------------------------------------------------------


def with_post_counts(session: DbSession, threads: Sequence[Thread]) -> list[tuple[Thread, int]]:
    """Each thread with its number of published posts (one query for a page)."""
    ids = [thread.id for thread in threads]
    counts: dict[int, int] = dict(
        session.execute(
            select(Post.thread_id, func.count(Post.id))
            .where(
                Post.thread_id.in_(ids),
                Post.status == PostStatus.PUBLISHED,
                Post.deleted_at.is_(None),
            )
            .group_by(Post.thread_id)
        )
        .tuples()
        .all()
    )
    return [(thread, counts.get(thread.id, 0)) for thread in threads]


def threads_in(board_ids: Sequence[int], viewer: Any) -> Select[tuple[Thread]]:
    """Threads the viewer may see, pinned first then the most recently active."""
    statement = (
        select(Thread)
        .where(Thread.board_id.in_(board_ids))
        .options(selectinload(Thread.author), selectinload(Thread.board))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    if not can_moderate(viewer):
        seen_by = [Thread.published.is_(True)]
        if viewer is not None and viewer.is_authenticated:
            seen_by.append(Thread.author_id == viewer.id)
        statement = statement.where(or_(*seen_by))
    return statement


def posts_in(thread: Thread, viewer: Any) -> Select[tuple[Post]]:
    """The thread's posts the viewer may see (hidden and deleted ones included: they
    show as a notice in place), oldest first."""
    statement = (
        select(Post)
        .where(Post.thread_id == thread.id)
        .options(selectinload(Post.author), selectinload(Post.quoted_post))
        .order_by(Post.id)
    )
    if not can_moderate(viewer):
        seen_by = [Post.status == PostStatus.PUBLISHED]
        if viewer is not None and viewer.is_authenticated:
            seen_by.append(Post.author_id == viewer.id)
        statement = statement.where(or_(*seen_by))
    return statement


def post_by_key(session: DbSession, key: str) -> Post | None:
    return session.scalar(select(Post).where(Post.submission_key == key))


def post_position(session: DbSession, post: Post, viewer: Any) -> int:
    """How many posts the viewer sees up to and including this one (for its page)."""
    visible = posts_in(post.thread, viewer).where(Post.id <= post.id).order_by(None)
    return session.scalar(select(func.count()).select_from(visible.subquery())) or 1


def reader(session: DbSession, user: Any, thread: Thread) -> ThreadReader | None:
    if user is None or not user.is_authenticated:
        return None
    return session.get(ThreadReader, (user.id, thread.id))


def unread_counts(session: DbSession, user: Any, thread_ids: Sequence[int]) -> dict[int, int]:
    """Published posts since the member last read each thread they have opened."""
    if user is None or not user.is_authenticated or not thread_ids:
        return {}
    rows = session.execute(
        select(Post.thread_id, func.count(Post.id))
        .join(
            ThreadReader,
            and_(ThreadReader.thread_id == Post.thread_id, ThreadReader.user_id == user.id),
        )
        .where(
            Post.thread_id.in_(thread_ids),
            Post.status == PostStatus.PUBLISHED,
            Post.author_id != user.id,
            or_(ThreadReader.last_read_at.is_(None), Post.created_at > ThreadReader.last_read_at),
        )
        .group_by(Post.thread_id)
    )
    return {thread_id: count for thread_id, count in rows.tuples()}


def followed_threads(user: Any) -> Select[tuple[Thread]]:
    return (
        select(Thread)
        .join(ThreadReader, ThreadReader.thread_id == Thread.id)
        .where(ThreadReader.user_id == user.id, ThreadReader.following.is_(True))
        .options(selectinload(Thread.board).selectinload(Board.area), selectinload(Thread.author))
        .order_by(Thread.last_post_at.desc())
    )


def has_posted(session: DbSession, user: Any) -> bool:
    return session.scalar(select(Post.id).where(Post.author_id == user.id).limit(1)) is not None


def published_post_count(session: DbSession, user: Any) -> int:
    return (
        session.scalar(
            select(func.count(Post.id)).where(
                Post.author_id == user.id, Post.status == PostStatus.PUBLISHED
            )
        )
        or 0
    )


# --- search ----------------------------------------------------------------------------


def search_words(text: str) -> list[str]:
    """Words to look for: letters and digits only, so nothing typed reaches SQL as
    syntax (PostgreSQL's query parser or LIKE wildcards)."""
    return re.findall(r"\w+", text.lower())[:MAX_SEARCH_WORDS]


def search_posts(
    session: DbSession, words: list[str], *, area_id: int | None, board_id: int | None
) -> Select[tuple[Post]]:
    """Published, visible posts with every word asked for (in the post, or in the title
    for a thread's opening post), newest first (PostgreSQL: best match first).

    One interface: full-text search on a GIN-indexed document on PostgreSQL (so
    "parked" finds "parking"), LIKE on SQLite."""
    statement = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .where(
            Post.status == PostStatus.PUBLISHED,
            Post.hidden_at.is_(None),
            Post.deleted_at.is_(None),
            Thread.published.is_(True),
        )
        .options(selectinload(Post.thread).selectinload(Thread.board), selectinload(Post.author))
    )
    if area_id is not None:
        statement = statement.where(Board.area_id == area_id)
    if board_id is not None:
        statement = statement.where(Board.id == board_id)
    if session.get_bind().dialect.name == "postgresql":
        # The database writes the document (the opening post's includes the title).
        query = func.plainto_tsquery(SEARCH_LANGUAGE, " ".join(words))
        return statement.where(Post.search_vector.bool_op("@@")(query)).order_by(
            func.ts_rank(Post.search_vector, query).desc(), Post.id.desc()
        )
    earlier = aliased(Post)
    opening = ~exists().where(earlier.thread_id == Post.thread_id, earlier.id < Post.id)
    document = func.lower(case((opening, Thread.title + " " + Post.body), else_=Post.body))
    for word in words:
        statement = statement.where(document.contains(word, autoescape=True))
    return statement.order_by(Post.id.desc())


# --- moderation ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedPost:
    post: Post
    reports: list[Report]

    @property
    def oldest(self) -> datetime:
        return min(report.created_at for report in self.reports)

    @property
    def reason_counts(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for report in self.reports:
            counts[report.reason.label] = counts.get(report.reason.label, 0) + 1
        return sorted(counts.items(), key=lambda item: -item[1])


def reported_posts(older_than: datetime | None = None) -> Select[tuple[int, datetime]]:
    """Posts with open reports, oldest report first (ids only: see ``load_reported``)."""
    oldest = func.min(Report.created_at)
    statement = (
        select(Report.post_id, oldest)
        .where(Report.resolved_at.is_(None))
        .group_by(Report.post_id)
        .order_by(oldest, Report.post_id)
    )
    if older_than is not None:
        statement = statement.having(oldest < older_than)
    return statement


def load_reported(session: DbSession, post_ids: Sequence[int]) -> list[ReportedPost]:
    reports = session.scalars(
        select(Report)
        .where(Report.post_id.in_(post_ids), Report.resolved_at.is_(None))
        .options(
            selectinload(Report.reporter),
            selectinload(Report.post).selectinload(Post.thread).selectinload(Thread.board),
            selectinload(Report.post).selectinload(Post.author),
        )
        .order_by(Report.created_at)
    )
    grouped: dict[int, list[Report]] = {}
    for report in reports:
        grouped.setdefault(report.post_id, []).append(report)
    return [ReportedPost(grouped[pid][0].post, grouped[pid]) for pid in post_ids if pid in grouped]


def open_report_count(session: DbSession, older_than: datetime | None = None) -> int:
    return (
        session.scalar(select(func.count()).select_from(reported_posts(older_than).subquery())) or 0
    )


def open_report_count_for(session: DbSession, post: Post) -> int:
    return (
        session.scalar(
            select(func.count(Report.id)).where(
                Report.post_id == post.id, Report.resolved_at.is_(None)
            )
        )
        or 0
    )


def pending_posts() -> Select[tuple[Post]]:
    return (
        select(Post)
        .where(Post.status == PostStatus.PENDING)
        .options(selectinload(Post.author), selectinload(Post.thread).selectinload(Thread.board))
        .order_by(Post.created_at, Post.id)
    )


def moderation_log(
    *, action: ModerationAction | None, area_id: int | None
) -> Select[tuple[ModerationEntry]]:
    statement = (
        select(ModerationEntry)
        .options(selectinload(ModerationEntry.actor), selectinload(ModerationEntry.area))
        .order_by(ModerationEntry.created_at.desc(), ModerationEntry.id.desc())
    )
    if action is not None:
        statement = statement.where(ModerationEntry.action == action)
    if area_id is not None:
        statement = statement.where(ModerationEntry.area_id == area_id)
    return statement


def active_suspension(session: DbSession, user: Any, now: datetime) -> Suspension | None:
    return session.scalar(
        select(Suspension)
        .where(
            Suspension.user_id == user.id,
            Suspension.lifted_at.is_(None),
            or_(Suspension.ends_at.is_(None), Suspension.ends_at > now),
        )
        # A permanent suspension outranks any with an end date; then the latest end.
        .order_by(Suspension.ends_at.is_(None).desc(), Suspension.ends_at.desc())
        .limit(1)
    )


def suspensions_of(session: DbSession, user: Any) -> list[Suspension]:
    return list(
        session.scalars(
            select(Suspension)
            .where(Suspension.user_id == user.id)
            .order_by(Suspension.created_at.desc())
        )
    )


def member_premoderation(session: DbSession, user: Any) -> MemberPremoderation | None:
    return session.get(MemberPremoderation, user.id)


def recent_posts_by(user: Any, limit: int = 20) -> Select[tuple[Post]]:
    return (
        select(Post)
        .where(Post.author_id == user.id)
        .options(selectinload(Post.thread))
        .order_by(Post.id.desc())
        .limit(limit)
    )


def moderator_ids(session: DbSession) -> list[int]:
    return list(
        session.scalars(
            select(UserRole.user_id)
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role == Role.MODERATOR, User.erased_at.is_(None))
            .distinct()
        )
    )


def users_by_id(ids: set[int]) -> Select[tuple[User]]:
    return select(User).where(User.id.in_(ids))


def count(session: DbSession, statement: Select[Any]) -> int:
    return (
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )


# --- notifications ---------------------------------------------------------------------


def notifications_for(user: Any) -> Select[tuple[Notification]]:
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(selectinload(Notification.post).selectinload(Post.thread))
        .order_by(Notification.id.desc())
    )


def unread_notification_count(session: DbSession, user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


# --- ward priorities -------------------------------------------------------------------


def forum_mentions(
    session: DbSession, ward_ids: list[int] | None, start: datetime, end: datetime
) -> Iterator[Mention]:
    """Public forum posts as ward-priority mentions, in the author's ward, themed by
    the board's name when it names a theme ("Parks and green spaces")."""
    statement = (
        select(Post, User.ward_id, Thread.title, Board.name)
        .join(User, User.id == Post.author_id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Board, Board.id == Thread.board_id)
        .where(
            Post.created_at >= start,
            Post.created_at < end,
            Post.status == PostStatus.PUBLISHED,
            Post.hidden_at.is_(None),
            Post.deleted_at.is_(None),
            Thread.published.is_(True),
        )
        .order_by(Post.id)
    )
    if ward_ids is not None:
        statement = statement.where(User.ward_id.in_(ward_ids))
    for post, ward_id, title, board_name in session.execute(statement).tuples():
        yield Mention(
            source="forum",
            ward_id=ward_id,
            occurred_at=post.created_at,
            text=f"{title}\n{post.body}",
            theme_keys=(re.sub(r"[^a-z0-9]+", "-", board_name.lower()).strip("-"),),
            reference=f"/forums/threads/{post.thread_id}#post-{post.id}",
        )


@dataclass(frozen=True)
class WardForum:
    area: Area
    recent: list[Thread]


def ward_forum_summary(session: DbSession, ward: Any) -> WardForum:
    """The ward's area forum and its latest public threads, for the ward page."""
    recent = session.scalars(
        select(Thread)
        .join(Board, Board.id == Thread.board_id)
        .where(Board.area_id == ward.area_id, Thread.published.is_(True))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(3)
    ).all()
    return WardForum(ward.area, list(recent))
