"""Forums (one per community forum area), boards, threads, posts, reports and the
moderation records: suspensions, pre-moderation and the append-only moderation log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session, relationship
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator, TypeEngine

from engage.db import Base, CreatedAtMixin, enum_type, utcnow
from engage.errors import RuleViolation
from engage.wards.models import Area

if TYPE_CHECKING:
    from engage.accounts.models import User

TITLE_MAX = 150
BODY_MAX = 10_000
REASON_MAX = 500

DEFAULT_CODE_OF_CONDUCT = """\
This forum is a place for neighbours to talk about what matters locally. To keep it \
welcoming for everyone:

- Be respectful. Disagree with ideas, not people. No insults, threats or harassment.
- Keep to the facts you know. Do not accuse named people of crimes.
- Keep personal information private: no addresses, phone numbers or car registrations.
- Stay on topic, and post in the board that fits.
- No advertising, spam or election campaigning.

Council moderators may hide posts that break these rules, and may stop members from \
posting for a time. If you see a post that breaks them, report it.

To report a crime or an emergency, call 999. To report a problem to the council, use \
the council's website."""


class Forum(Base):
    """A community forum area's forum settings. An area without a row uses the defaults."""

    __tablename__ = "forums"

    area_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    code_of_conduct: Mapped[str] = mapped_column(Text, default=DEFAULT_CODE_OF_CONDUCT)
    # Every post from members waits for a moderator's approval.
    premoderated: Mapped[bool] = mapped_column(default=False)
    # New members' first N posts wait for approval (0 turns this off).
    approve_first_posts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    area: Mapped[Area] = relationship()

    @classmethod
    def defaults(cls, area: Area) -> Forum:
        """Unsaved settings for an area no officer has configured yet."""
        forum = cls(
            area_id=area.id,
            description="",
            code_of_conduct=DEFAULT_CODE_OF_CONDUCT,
            premoderated=False,
            approve_first_posts=0,
        )
        set_committed_value(forum, "area", area)  # no history: never added to a session
        return forum


class Board(CreatedAtMixin, Base):
    """A category inside a forum, such as "Parks" or "Events"."""

    __tablename__ = "forum_boards"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship()
    threads: Mapped[list[Thread]] = relationship(back_populates="board")


class Thread(CreatedAtMixin, Base):
    __tablename__ = "forum_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("forum_boards.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # Moves forward with every published reply; lists are ordered by it.
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    locked_at: Mapped[datetime | None]
    pinned: Mapped[bool] = mapped_column(default=False)
    # False while the opening post waits for approval (or was rejected): lists show
    # the thread only to its author and moderators.
    published: Mapped[bool] = mapped_column(default=True)

    board: Mapped[Board] = relationship(back_populates="threads")
    author: Mapped[User] = relationship()
    posts: Mapped[list[Post]] = relationship(
        back_populates="thread", order_by="Post.id", cascade="all, delete-orphan"
    )

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @property
    def opening_post(self) -> Post:
        """The first post, without loading every reply of a long thread."""
        session = object_session(self)
        if "posts" in self.__dict__ or session is None:
            return self.posts[0]
        return session.scalars(
            select(Post).where(Post.thread_id == self.id).order_by(Post.id).limit(1)
        ).one()

    def lock(self) -> None:
        if self.locked:
            raise RuleViolation("This thread is already locked")
        self.locked_at = utcnow()

    def unlock(self) -> None:
        if not self.locked:
            raise RuleViolation("This thread is not locked")
        self.locked_at = None

    def pin(self) -> None:
        if self.pinned:
            raise RuleViolation("This thread is already pinned")
        self.pinned = True

    def unpin(self) -> None:
        if not self.pinned:
            raise RuleViolation("This thread is not pinned")
        self.pinned = False


class PostStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a moderator (pre-moderation)
    PUBLISHED = "published"
    REJECTED = "rejected"  # not approved: only its author and moderators see it


class Badge(enum.StrEnum):
    """Shown next to the author's name: the role they posted in."""

    NONE = "none"
    COUNCILLOR = "councillor"
    OFFICER = "officer"

    @property
    def label(self) -> str:
        return {"none": "", "councillor": "Councillor", "officer": "Officer"}[self.value]


SEARCH_LANGUAGE = text("'english'::regconfig")


class SearchVector(TypeDecorator[str]):
    """PostgreSQL's full-text document (tsvector), kept up to date by a trigger from the
    post's body (see the migration). SQLite searches with LIKE and leaves it empty."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())


class Post(CreatedAtMixin, Base):
    __tablename__ = "forum_posts"
    __table_args__ = (
        Index("ix_forum_posts_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    badge: Mapped[Badge] = mapped_column(enum_type(Badge), default=Badge.NONE)
    status: Mapped[PostStatus] = mapped_column(enum_type(PostStatus), default=PostStatus.PUBLISHED)
    quoted_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="SET NULL")
    )
    # The form's one-off key: a double-clicked or resent form saves one post.
    submission_key: Mapped[str] = mapped_column(String(36), unique=True)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]  # deleted by its author (soft)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Written by the database, never by us: the trigger fills it from ``body``.
    search_vector: Mapped[str | None] = mapped_column(SearchVector())

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    quoted_post: Mapped[Post | None] = relationship(remote_side=[id])
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post", order_by="PostRevision.id", cascade="all, delete-orphan"
    )

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public(self) -> bool:
        """Shown to everyone as written."""
        return self.status is PostStatus.PUBLISHED and not self.hidden and not self.deleted

    @property
    def is_opening(self) -> bool:
        return self.thread.posts[0].id == self.id

    def hide(self, reason: str) -> None:
        if self.hidden:
            raise RuleViolation("This post is already hidden")
        if self.deleted:
            raise RuleViolation("This post was deleted by its author")
        self.hidden_at = utcnow()
        self.hidden_reason = reason

    def restore(self) -> None:
        if not self.hidden:
            raise RuleViolation("This post is not hidden")
        self.hidden_at = None
        self.hidden_reason = ""

    def approve(self) -> None:
        if self.status is not PostStatus.PENDING:
            raise RuleViolation("This post is not waiting for approval")
        self.status = PostStatus.PUBLISHED

    def reject(self, reason: str) -> None:
        if self.status is not PostStatus.PENDING:
            raise RuleViolation("This post is not waiting for approval")
        self.status = PostStatus.REJECTED
        self.hidden_reason = reason

    def delete_by_author(self) -> None:
        if self.deleted:
            raise RuleViolation("You have already deleted this post")
        self.deleted_at = utcnow()


class PostRevision(Base):
    """The words a post had before an edit: edits are recorded, never silent."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]  # when these words were posted or last edited
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    PERSONAL_INFORMATION = "personal_information"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REPORT_REASON_LABELS[self]


REPORT_REASON_LABELS = {
    ReportReason.SPAM: "Spam or advertising",
    ReportReason.ABUSIVE: "Abusive or threatening",
    ReportReason.OFF_TOPIC: "Off-topic",
    ReportReason.PERSONAL_INFORMATION: "Shares someone's personal information",
    ReportReason.OTHER: "Something else",
}


class ReportOutcome(enum.StrEnum):
    DISMISSED = "dismissed"
    POST_HIDDEN = "post_hidden"


class Report(CreatedAtMixin, Base):
    __tablename__ = "forum_reports"
    # One report per person per post: a second click cannot double the count.
    __table_args__ = (UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True
    )
    # Null once the reporter's account is deleted: the report still counts.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[ReportReason] = mapped_column(enum_type(ReportReason))
    details: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[ReportOutcome | None] = mapped_column(enum_type(ReportOutcome))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])

    @property
    def open(self) -> bool:
        return self.resolved_at is None


class Suspension(CreatedAtMixin, Base):
    """A member may not post in any forum from ``created_at`` until ``ends_at``
    (never, when null) unless it is lifted."""

    __tablename__ = "forum_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    ends_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > now)

    @property
    def permanent(self) -> bool:
        return self.ends_at is None


class MemberPremoderation(CreatedAtMixin, Base):
    """This member's posts wait for approval in every forum until a moderator ends it."""

    __tablename__ = "forum_member_premoderation"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ThreadReader(Base):
    """What a member has read of a thread, and whether they follow it."""

    __tablename__ = "forum_thread_readers"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    following: Mapped[bool] = mapped_column(default=False)
    last_read_at: Mapped[datetime | None]

    thread: Mapped[Thread] = relationship()


class NotificationKind(enum.StrEnum):
    REPLY = "reply"  # a reply in a thread the member follows
    REPORT = "report"  # (moderators) a post was reported
    POST_HIDDEN = "post_hidden"  # (author) a moderator hid their post
    POST_APPROVED = "post_approved"
    POST_REJECTED = "post_rejected"
    SUSPENDED = "suspended"


class Notification(CreatedAtMixin, Base):
    """An in-app notice; the words are written when shown, from the linked records."""

    __tablename__ = "forum_notifications"
    __table_args__ = (Index("ix_forum_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    read_at: Mapped[datetime | None]

    post: Mapped[Post | None] = relationship()


class ModerationAction(enum.StrEnum):
    HIDE_POST = "hide_post"
    RESTORE_POST = "restore_post"
    DISMISS_REPORTS = "dismiss_reports"
    APPROVE_POST = "approve_post"
    REJECT_POST = "reject_post"
    LOCK_THREAD = "lock_thread"
    UNLOCK_THREAD = "unlock_thread"
    PIN_THREAD = "pin_thread"
    UNPIN_THREAD = "unpin_thread"
    MOVE_THREAD = "move_thread"
    SUSPEND_MEMBER = "suspend_member"
    LIFT_SUSPENSION = "lift_suspension"
    PREMODERATE_MEMBER = "premoderate_member"
    END_MEMBER_PREMODERATION = "end_member_premoderation"
    CHANGE_FORUM_SETTINGS = "change_forum_settings"
    CHANGE_CODE_OF_CONDUCT = "change_code_of_conduct"
    ADD_BOARD = "add_board"
    CHANGE_BOARD = "change_board"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ModerationEntry(Base):
    """One moderation action: who, when, what, to what, and why. Never changed."""

    __tablename__ = "forum_moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    action: Mapped[ModerationAction] = mapped_column(enum_type(ModerationAction), index=True)
    target_type: Mapped[str] = mapped_column(String(20))  # post, thread, member, forum, board
    target_id: Mapped[int]
    # What the target was, in words, at the time (a thread title, a member's name).
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    actor: Mapped[User | None] = relationship()
    area: Mapped[Area | None] = relationship()


@event.listens_for(Session, "before_flush")
def _moderation_log_is_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, ModerationEntry) and (
            obj in session.deleted or session.is_modified(obj)
        ):
            raise RuleViolation("The moderation log cannot be changed.")
