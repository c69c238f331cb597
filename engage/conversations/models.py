"""Events, the conversations logged at them, themes, and the council's answers to
ward priorities ("you said, we did").

Contact details are a separate table so they can be deleted on the council's
retention schedule while the conversation itself (no personal data) stays counted.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, CreatedAtMixin, enum_type, utcnow
from engage.errors import RuleViolation
from engage.wards.models import Area, Ward

if TYPE_CHECKING:
    from engage.accounts.models import User


class EventKind(enum.StrEnum):
    FESTIVAL_STAND = "festival_stand"
    COMMUNITY_FORUM_MEETING = "community_forum_meeting"
    WARD_WALKABOUT = "ward_walkabout"
    DROP_IN = "drop_in"
    STREET_STALL = "street_stall"
    SCHOOL_VISIT = "school_visit"
    ONLINE_SESSION = "online_session"

    @property
    def label(self) -> str:
        return EVENT_KIND_LABELS[self]


EVENT_KIND_LABELS = {
    EventKind.FESTIVAL_STAND: "Festival stand",
    EventKind.COMMUNITY_FORUM_MEETING: "Community forum meeting",
    EventKind.WARD_WALKABOUT: "Ward walkabout",
    EventKind.DROP_IN: "Drop-in session",
    EventKind.STREET_STALL: "Street stall",
    EventKind.SCHOOL_VISIT: "School visit",
    EventKind.ONLINE_SESSION: "Online session",
}

event_wards = Table(
    "event_wards",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True, index=True),
)

event_councillors = Table(
    "event_councillors",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(CreatedAtMixin, Base):
    """A festival stand, meeting, walkabout or other time officers meet residents."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    organiser: Mapped[str] = mapped_column(String(120))
    # A whole community forum area, when the event is not for particular wards.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # How many people came, filled in afterwards.
    headcount: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    area: Mapped[Area | None] = relationship()
    wards: Mapped[list[Ward]] = relationship(secondary=event_wards, order_by="Ward.name")
    councillors: Mapped[list[User]] = relationship(
        secondary=event_councillors, order_by="User.display_name"
    )

    @property
    def where(self) -> str:
        if self.wards:
            return ", ".join(ward.name for ward in self.wards)
        if self.area is not None:
            return f"{self.area.name} area"
        return "Across the borough"

    def has_happened(self, now: datetime) -> bool:
        return (self.ends_at or self.starts_at) < now

    def add_councillor(self, councillor: User, now: datetime) -> None:
        if self.has_happened(now):
            raise RuleViolation("This event has already happened")
        if councillor not in self.councillors:
            self.councillors.append(councillor)

    def remove_councillor(self, councillor: User, now: datetime) -> None:
        if self.has_happened(now):
            raise RuleViolation("This event has already happened")
        if councillor in self.councillors:
            self.councillors.remove(councillor)


class Theme(CreatedAtMixin, Base):
    """One of the council's themes (litter, enforcement, parks ...), with the keywords
    that put forum posts, bids and proposals under it."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    keywords: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # A merged theme stays, so other services' theme keys still find their new home.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))

    merged_into: Mapped[Theme | None] = relationship(remote_side=[id])

    @property
    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


def split_keywords(text: str) -> list[str]:
    """Keywords are separated by commas or new lines; case does not matter."""
    seen: dict[str, None] = {}
    for word in re.split(r"[,\n]", text or ""):
        word = " ".join(word.split()).lower()
        if word:
            seen.setdefault(word, None)
    return list(seen)


class Sentiment(enum.StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ConversationSource(enum.StrEnum):
    STAND = "stand"  # typed in on the stand form
    IMPORT = "import"  # from a spreadsheet


class ConversationTheme(Base):
    """A conversation tagged with a theme. The conversation's ward and time are copied
    here so ward priorities are counted from one index, without a join: a council's
    whole history answers in well under a second (see bench/priorities.py)."""

    __tablename__ = "conversation_themes"
    __table_args__ = (
        Index("ix_conversation_themes_period", "occurred_at", "ward_id", "theme_id"),
        Index("ix_conversation_themes_ward", "ward_id", "occurred_at", "theme_id"),
    )

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    occurred_at: Mapped[datetime]

    conversation: Mapped[Conversation] = relationship(back_populates="tags")
    theme: Mapped[Theme] = relationship()


class Conversation(Base):
    """What one resident raised. No personal data: contact details live apart."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    # None: the resident did not say where they live.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    summary: Mapped[str] = mapped_column(String(500))
    sentiment: Mapped[Sentiment] = mapped_column(enum_type(Sentiment))
    wants_reply: Mapped[bool] = mapped_column(default=False)
    follow_up_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    follow_up_done_at: Mapped[datetime | None]
    # One per form shown (or spreadsheet row): a double tap or retry saves once.
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    source: Mapped[ConversationSource] = mapped_column(enum_type(ConversationSource))
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event | None] = relationship()
    ward: Mapped[Ward | None] = relationship()
    tags: Mapped[list[ConversationTheme]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan"
    )
    # For reading; tags are written through ``tag`` so ward and time are copied.
    themes: Mapped[list[Theme]] = relationship(
        secondary="conversation_themes", order_by="Theme.position, Theme.name", viewonly=True
    )
    follow_up_owner: Mapped[User | None] = relationship(foreign_keys=[follow_up_owner_id])
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    contact: Mapped[ConversationContact | None] = relationship(
        back_populates="conversation", cascade="all, delete-orphan"
    )

    def tag(self, themes: list[Theme]) -> None:
        self.tags = [
            ConversationTheme(theme=theme, ward_id=self.ward_id, occurred_at=self.occurred_at)
            for theme in themes
        ]

    @property
    def needs_follow_up(self) -> bool:
        return (self.wants_reply or self.follow_up_owner_id is not None) and (
            self.follow_up_done_at is None
        )

    def mark_followed_up(self, now: datetime) -> None:
        if self.follow_up_done_at is not None:
            raise RuleViolation("This conversation has already been followed up")
        if not self.wants_reply and self.follow_up_owner_id is None:
            raise RuleViolation("This conversation does not need a follow-up")
        self.follow_up_done_at = now
        # The reply is sent: the contact details have done their job.
        self.contact = None


class ConversationContact(Base):
    """How to reply to a resident who asked for one, kept only with their consent and
    deleted after the council's retention period (or once they have had a reply)."""

    __tablename__ = "conversation_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    consent_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    conversation: Mapped[Conversation] = relationship(back_populates="contact")


class ConversationSettings(Base):
    """The council's own settings for the conversation log (a single row)."""

    __tablename__ = "conversation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_retention_days: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PostcodeWard(Base):
    """Which ward a postcode (or a postcode sector such as "RV1 1") is in."""

    __tablename__ = "postcode_wards"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)

    ward: Mapped[Ward] = relationship()


class ResponseStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"

    @property
    def label(self) -> str:
        return RESPONSE_STATUS_LABELS[self]


RESPONSE_STATUS_LABELS = {
    ResponseStatus.PLANNED: "Planned",
    ResponseStatus.IN_PROGRESS: "Under way",
    ResponseStatus.DONE: "Done",
    ResponseStatus.NOT_POSSIBLE: "Not possible",
}

# Where a response may go next. "Done" can be reopened if the problem comes back.
RESPONSE_TRANSITIONS: dict[ResponseStatus, frozenset[ResponseStatus]] = {
    ResponseStatus.PLANNED: frozenset(
        {ResponseStatus.IN_PROGRESS, ResponseStatus.DONE, ResponseStatus.NOT_POSSIBLE}
    ),
    ResponseStatus.IN_PROGRESS: frozenset(
        {ResponseStatus.PLANNED, ResponseStatus.DONE, ResponseStatus.NOT_POSSIBLE}
    ),
    ResponseStatus.DONE: frozenset({ResponseStatus.IN_PROGRESS}),
    ResponseStatus.NOT_POSSIBLE: frozenset({ResponseStatus.PLANNED}),
}


class PriorityResponse(CreatedAtMixin, Base):
    """ "You said, we did": what the council or its partners are doing about a ward
    priority. Shown on the ward's public page."""

    __tablename__ = "priority_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    status: Mapped[ResponseStatus] = mapped_column(enum_type(ResponseStatus))
    status_on: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    ward: Mapped[Ward] = relationship()
    theme: Mapped[Theme] = relationship()

    def move_to(self, status: ResponseStatus, on: date) -> None:
        if status != self.status and status not in RESPONSE_TRANSITIONS[self.status]:
            raise RuleViolation(
                f"A response that is {self.status.label.lower()} cannot be marked "
                f"{status.label.lower()}"
            )
        self.status = status
        self.status_on = on


class PriorityNote(CreatedAtMixin, Base):
    """An officer's note on a ward priority, for officers and the ward's councillors."""

    __tablename__ = "priority_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship()


class BriefingPreference(Base):
    """A councillor's "menu": which parts of the ward briefing they want, and whether
    they get it by email each month as well as in the app."""

    __tablename__ = "briefing_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    monthly_email: Mapped[bool] = mapped_column(default=False)
    # Parts left out; anything new (another service's section) is shown until declined.
    hidden_parts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestDelivery(Base):
    """One monthly digest sent, so running ``send-digests`` twice sends it once."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # "2026-07"
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
