"""Rules for events, themes, the conversation log and its retention schedule.

Plain functions: they take the session, the acting person and plain data, flush,
and never commit (the view or the command does, once).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, delete, func, insert, literal, select, update

from engage import audit
from engage.accounts.models import User
from engage.conversations import queries
from engage.conversations.models import (
    Conversation,
    ConversationContact,
    ConversationSettings,
    ConversationSource,
    ConversationTheme,
    Event,
    EventKind,
    PostcodeWard,
    PriorityNote,
    PriorityResponse,
    Sentiment,
    Theme,
    split_keywords,
)
from engage.db import DbSession
from engage.errors import RuleViolation
from engage.forms import UK_POSTCODE, normalise_postcode
from engage.wards.models import Area, Ward

# The council's starting list; officers rename, add, merge and edit keywords.
STANDARD_THEMES: tuple[tuple[str, str], ...] = (
    (
        "Litter and fly-tipping",
        "litter*, fly-tip*, flytip*, rubbish, dumped, dumping, bin, bin bags, "
        "dog mess, dog fouling, street cleaning, mattress, waste",
    ),
    (
        "Anti-social behaviour",
        "anti-social, antisocial, asb, noise, noisy, nuisance, vandal*, graffiti, "
        "drinking, drug*, gangs",
    ),
    (
        "Enforcement",
        "enforce*, fine, fined, penalty, penalties, warden, prosecut*, crack down, cctv, stricter",
    ),
    (
        "Parks and green spaces",
        "park, green space, playground, play area, tree, grass, allotment, bench, benches, pond",
    ),
    (
        "Roads and pavements",
        "pothole, pavement, road, street light, streetlight, kerb, footpath, "
        "resurfac*, speed bump, crossing",
    ),
    (
        "Housing",
        "housing, rent, landlord, damp, mould, repair, council house, homeless*, "
        "overcrowd*, tenant",
    ),
    (
        "Youth provision",
        "youth, young people, teenager, youth club, nothing for kids, holiday club, "
        "activities for children",
    ),
    (
        "Community safety",
        "safety, unsafe, crime, police, burglary, burglaries, knife, knives, scared, mugged, theft",
    ),
    (
        "Transport",
        "bus, buses, train, cycle, cycling, cycle lane, bike, traffic, parking, transport, tram",
    ),
    (
        "Health and wellbeing",
        "health, gp, doctor, mental health, wellbeing, lonely, loneliness, isolation, dentist, nhs",
    ),
    (
        "Cost of living",
        "cost of living, bill, energy, food bank, foodbank, afford*, prices, debt, "
        "council tax, heating",
    ),
    ("Other", ""),
)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- settings ------------------------------------------------------------------------


def contact_retention_days(session: DbSession, default: int) -> int:
    row = queries.settings_row(session)
    return row.contact_retention_days if row else default


def set_contact_retention(
    session: DbSession, *, actor: User, days: int, reason: str, now: datetime
) -> ConversationSettings:
    if not 1 <= days <= 3650:
        raise RuleViolation("Enter a number of days between 1 and 3650")
    row = queries.settings_row(session)
    before = row.contact_retention_days if row else None
    if row is None:
        row = ConversationSettings(id=1, contact_retention_days=days)
        session.add(row)
    row.contact_retention_days = days
    row.updated_at = now
    row.updated_by_id = actor.id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conversations.retention.change",
        target_type="conversation_settings",
        target_id=1,
        reason=reason,
        before=before,
        after=days,
    )
    return row


# --- retention -----------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    deleted: int
    days: int
    cutoff: datetime

    @property
    def message(self) -> str:
        noun = "set" if self.deleted == 1 else "sets"
        return (
            f"Conversation log: deleted {self.deleted} {noun} of contact details taken "
            f"more than {self.days} days ago (before {self.cutoff:%Y-%m-%d %H:%M} UTC)."
        )


def apply_contact_retention(session: DbSession, *, now: datetime, days: int) -> RetentionResult:
    """Delete contact details older than the retention period. Safe to run daily:
    a second run the same day finds nothing more to delete."""
    cutoff = now - timedelta(days=days)
    result = session.execute(
        delete(ConversationContact).where(ConversationContact.created_at < cutoff)
    )
    deleted = result.rowcount or 0  # type: ignore[attr-defined]
    if deleted:
        audit.record(
            session,
            actor=None,
            action="conversations.contacts.retention",
            target_type="conversation_contacts",
            target_id="*",
            deleted=deleted,
            days=days,
        )
    return RetentionResult(deleted, days, cutoff)


# --- themes --------------------------------------------------------------------------


def ensure_standard_themes(session: DbSession) -> int:
    """Add any of the standard themes the council does not have yet; returns how many."""
    existing = {theme.key for theme in session.scalars(select(Theme))}
    added = 0
    for position, (name, keywords) in enumerate(STANDARD_THEMES, start=1):
        key = slugify(name)
        if key not in existing:
            session.add(Theme(key=key, name=name, keywords=keywords, position=position * 10))
            added += 1
    session.flush()
    return added


def save_theme(
    session: DbSession, *, actor: User, theme: Theme | None, name: str, keywords: str
) -> Theme:
    clash = session.scalar(select(Theme).where(func.lower(Theme.name) == name.lower()))
    if clash is not None and clash is not theme:
        where = f" (merged into {clash.merged_into.name})" if clash.merged_into else ""
        raise RuleViolation(f"There is already a theme called {clash.name}{where}")
    if theme is None:
        key = slugify(name)
        if not key:
            raise RuleViolation("Enter a theme name with letters or numbers in it")
        if session.scalar(select(Theme).where(Theme.key == key)) is not None:
            raise RuleViolation(f"There is already a theme called {name}")
        last = session.scalar(select(func.max(Theme.position))) or 0
        theme = Theme(key=key, position=last + 10)
        session.add(theme)
    theme.name = name
    theme.keywords = ", ".join(split_keywords(keywords))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conversations.theme.save",
        target_type="theme",
        target_id=theme.id,
        name=theme.name,
        keywords=theme.keywords,
    )
    return theme


def merge_themes(
    session: DbSession, *, actor: User, source: Theme, target: Theme, reason: str
) -> int:
    """Fold ``source`` into ``target``: every conversation, response and note tagged
    with ``source`` is re-tagged, its keywords join the target's, and its key keeps
    pointing at the target for other services. Returns the conversations re-tagged."""
    if source.id == target.id:
        raise RuleViolation("Choose two different themes")
    if source.is_merged or target.is_merged:
        raise RuleViolation("That theme has already been merged")
    tag = ConversationTheme
    moved = session.scalar(select(func.count()).where(tag.theme_id == source.id)) or 0
    already = select(tag.conversation_id).where(tag.theme_id == target.id)
    session.execute(
        insert(tag).from_select(
            ["conversation_id", "theme_id", "ward_id", "occurred_at"],
            select(
                tag.conversation_id, literal(target.id, Integer), tag.ward_id, tag.occurred_at
            ).where(tag.theme_id == source.id, tag.conversation_id.not_in(already)),
        )
    )
    session.execute(delete(tag).where(tag.theme_id == source.id))
    for model in (PriorityResponse, PriorityNote):
        session.execute(update(model).where(model.theme_id == source.id).values(theme_id=target.id))
    session.execute(
        update(Theme).where(Theme.merged_into_id == source.id).values(merged_into_id=target.id)
    )
    target.keywords = ", ".join(split_keywords(f"{target.keywords}, {source.keywords}"))
    source.merged_into = target
    session.flush()
    session.expire_all()
    audit.record(
        session,
        actor=actor,
        action="conversations.theme.merge",
        target_type="theme",
        target_id=target.id,
        reason=reason,
        merged=source.name,
        into=target.name,
        conversations=moved,
    )
    return moved


# --- events --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    title: str
    kind: EventKind
    starts_at: datetime
    ends_at: datetime | None
    place: str
    organiser: str
    description: str = ""
    area_id: int | None = None
    ward_ids: Sequence[int] = ()
    councillor_ids: Sequence[int] = ()
    headcount: int | None = None


def save_event(
    session: DbSession, *, actor: User | None, event: Event | None, data: EventData
) -> Event:
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise RuleViolation("The end time must be after the start time")
    if event is None:
        event = Event(created_by_id=actor.id if actor else None)
        session.add(event)
    event.title = data.title
    event.kind = data.kind
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.place = data.place
    event.organiser = data.organiser
    event.description = data.description
    event.headcount = data.headcount
    event.wards = list(session.scalars(select(Ward).where(Ward.id.in_(data.ward_ids))))
    event.area = session.get(Area, data.area_id) if data.area_id and not data.ward_ids else None
    event.councillors = list(session.scalars(select(User).where(User.id.in_(data.councillor_ids))))
    session.flush()
    return event


def set_attendance(
    session: DbSession, *, councillor: User, event: Event, attending: bool, now: datetime
) -> None:
    if attending:
        event.add_councillor(councillor, now)
    else:
        event.remove_councillor(councillor, now)
    session.flush()


# --- logging conversations -----------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class NewConversation:
    summary: str
    theme_ids: Sequence[int]
    ward_id: int | None
    sentiment: Sentiment
    idempotency_key: str
    wants_reply: bool = False
    contact: ContactDetails | None = None
    follow_up_owner_id: int | None = None


def when_it_happened(event: Event, now: datetime) -> datetime:
    """Now, while the event is on (or just over); typed up later, the event's start."""
    ends = (event.ends_at or event.starts_at) + timedelta(hours=12)
    return now if event.starts_at - timedelta(hours=1) <= now <= ends else event.starts_at


def log_conversation(
    session: DbSession,
    *,
    actor: User,
    event: Event | None,
    data: NewConversation,
    now: datetime,
) -> tuple[Conversation, bool]:
    """Save one conversation, once: a key seen before returns the saved entry and
    ``False`` instead of saving a second copy (a double tap, or a retry after the
    connection dropped when the first attempt had in fact arrived)."""
    existing = queries.conversation_by_key(session, data.idempotency_key)
    if existing is not None:
        return existing, False
    themes = list(
        session.scalars(
            select(Theme).where(Theme.id.in_(data.theme_ids), Theme.merged_into_id.is_(None))
        )
    )
    if not themes:
        raise RuleViolation("Select at least one theme")
    if data.wants_reply and data.contact is None:
        raise RuleViolation("Enter how to contact them, or untick that they want a reply")
    conversation = build_conversation(
        actor=actor,
        event=event,
        data=data,
        themes=themes,
        occurred_at=when_it_happened(event, now) if event else now,
        source=ConversationSource.STAND,
        now=now,
    )
    session.add(conversation)
    session.flush()
    return conversation, True


def build_conversation(
    *,
    actor: User,
    event: Event | None,
    data: NewConversation,
    themes: list[Theme],
    occurred_at: datetime,
    source: ConversationSource,
    now: datetime,
) -> Conversation:
    """A new conversation with its theme tags and (only if they want a reply) contact."""
    conversation = Conversation(
        event=event,
        occurred_at=occurred_at,
        ward_id=data.ward_id,
        summary=data.summary,
        sentiment=data.sentiment,
        wants_reply=data.wants_reply,
        follow_up_owner_id=data.follow_up_owner_id,
        idempotency_key=data.idempotency_key,
        source=source,
        logged_by_id=actor.id,
        created_at=now,
    )
    conversation.tag(themes)
    if data.wants_reply and data.contact is not None:
        conversation.contact = ConversationContact(
            name=data.contact.name,
            email=data.contact.email,
            phone=data.contact.phone,
            consent_at=now,
            created_at=now,
        )
    return conversation


def mark_followed_up(
    session: DbSession, *, actor: User, conversation: Conversation, now: datetime
) -> None:
    conversation.mark_followed_up(now)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conversations.follow_up.done",
        target_type="conversation",
        target_id=conversation.id,
    )


def delete_conversation(
    session: DbSession, *, actor: User, conversation: Conversation, reason: str
) -> None:
    audit.record(
        session,
        actor=actor,
        action="conversations.delete",
        target_type="conversation",
        target_id=conversation.id,
        reason=reason,
        event=conversation.event.title if conversation.event else None,
    )
    session.delete(conversation)
    session.flush()


# --- postcodes -----------------------------------------------------------------------


OUTWARD_CODE = (
    r"(?:[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y]))"
)


def postcode_key(text: str) -> str | None:
    """A full postcode ("RV1 1AA") or a sector ("RV1 1") as stored, or None."""
    compact = re.sub(r"\s+", "", text).upper()
    full = normalise_postcode(compact) or ""
    if UK_POSTCODE.match(full):
        return full
    if re.fullmatch(OUTWARD_CODE + "[0-9]", compact):
        return f"{compact[:-1]} {compact[-1]}"
    return None


def import_postcodes(session: DbSession, rows: Iterable[tuple[str, str]]) -> int:
    """Add or update (postcode or sector, ward name) pairs; every row must be right."""
    wards = {ward.name.lower(): ward for ward in session.scalars(select(Ward))}
    problems: list[str] = []
    pairs: dict[str, Ward] = {}
    for line, (postcode, ward_name) in enumerate(rows, start=2):
        code = postcode_key(postcode)
        ward = wards.get(ward_name.strip().lower())
        if code is None:
            problems.append(f"line {line}: {postcode!r} is not a postcode or postcode sector")
        elif ward is None:
            problems.append(f"line {line}: there is no ward called {ward_name!r}")
        else:
            pairs[code] = ward
    if problems:
        raise RuleViolation("; ".join(problems))
    existing = {row.postcode: row for row in session.scalars(select(PostcodeWard))}
    for code, ward in pairs.items():
        row = existing.get(code)
        if row is None:
            session.add(PostcodeWard(postcode=code, ward_id=ward.id))
        else:
            row.ward_id = ward.id
    session.flush()
    return len(pairs)
