"""Read helpers for events, themes and the conversation log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import Role, User, UserRole
from engage.conversations.models import (
    Conversation,
    ConversationSettings,
    ConversationTheme,
    Event,
    PostcodeWard,
    PriorityNote,
    PriorityResponse,
    ResponseStatus,
    Theme,
    event_wards,
)
from engage.conversations.ranking import Period
from engage.db import DbSession
from engage.forms import normalise_postcode
from engage.wards.models import Ward

# --- themes --------------------------------------------------------------------------


def active_themes(session: DbSession) -> list[Theme]:
    return list(
        session.scalars(
            select(Theme).where(Theme.merged_into_id.is_(None)).order_by(Theme.position, Theme.name)
        )
    )


def themes_by_key(session: DbSession) -> dict[str, Theme]:
    """Every theme key, merged ones included, mapped to the theme that now holds it."""
    themes = list(session.scalars(select(Theme)))
    by_id = {theme.id: theme for theme in themes}

    def home(theme: Theme) -> Theme:
        seen = set()
        while theme.merged_into_id is not None and theme.id not in seen:
            seen.add(theme.id)
            theme = by_id[theme.merged_into_id]
        return theme

    return {theme.key: home(theme) for theme in themes}


def theme_lookup(session: DbSession) -> dict[str, str]:
    """Lower-case theme names and keys, merged ones included, to the key that now holds
    them: for reading theme names typed into a spreadsheet."""
    by_key = themes_by_key(session)
    lookup: dict[str, str] = {}
    for theme in session.scalars(select(Theme)):
        home = by_key[theme.key].key
        lookup[theme.name.lower()] = home
        lookup[theme.key.lower()] = home
    return lookup


# --- events --------------------------------------------------------------------------


def ward_events_condition(ward: Ward) -> ColumnElement[bool]:
    """Events for a ward: those naming it, those for its area, and borough-wide ones."""
    names_ward = exists().where(
        event_wards.c.event_id == Event.id, event_wards.c.ward_id == ward.id
    )
    no_wards = ~exists().where(event_wards.c.event_id == Event.id)
    return or_(
        names_ward,
        and_(no_wards, or_(Event.area_id == ward.area_id, Event.area_id.is_(None))),
    )


def _event_options() -> Any:
    return (
        selectinload(Event.wards),
        selectinload(Event.councillors),
        selectinload(Event.area),
    )


def upcoming_events(
    session: DbSession, now: datetime, ward: Ward | None = None, limit: int | None = None
) -> list[Event]:
    statement = (
        select(Event)
        .where(func.coalesce(Event.ends_at, Event.starts_at) >= now)
        .order_by(Event.starts_at, Event.id)
        .options(*_event_options())
    )
    if ward is not None:
        statement = statement.where(ward_events_condition(ward))
    if limit:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def past_events(now: datetime, ward: Ward | None = None) -> Any:
    """A statement for past events, newest first, to paginate."""
    statement = (
        select(Event)
        .where(func.coalesce(Event.ends_at, Event.starts_at) < now)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .options(*_event_options())
    )
    if ward is not None:
        statement = statement.where(ward_events_condition(ward))
    return statement


def events_between(session: DbSession, start: datetime, end: datetime, ward: Ward) -> list[Event]:
    return list(
        session.scalars(
            select(Event)
            .where(Event.starts_at >= start, Event.starts_at < end, ward_events_condition(ward))
            .order_by(Event.starts_at, Event.id)
            .options(*_event_options())
        )
    )


def recent_events_for_logging(
    session: DbSession, since: datetime | None = None, limit: int = 20
) -> list[Event]:
    """Events to log conversations at, newest first."""
    statement = (
        select(Event)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
        .options(*_event_options())
    )
    if since is not None:
        statement = statement.where(Event.starts_at >= since)
    return list(session.scalars(statement))


def conversation_counts(session: DbSession, event_ids: Sequence[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    rows = session.execute(
        select(Conversation.event_id, func.count())
        .where(Conversation.event_id.in_(event_ids))
        .group_by(Conversation.event_id)
    )
    return {event_id: count for event_id, count in rows}


# --- people --------------------------------------------------------------------------


def _people_with_roles(session: DbSession, roles: Sequence[Role]) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.erased_at.is_(None),
                exists().where(UserRole.user_id == User.id, UserRole.role.in_(roles)),
            )
            .order_by(User.display_name, User.id)
        )
    )


def engagement_officers(session: DbSession) -> list[User]:
    """People who can own a follow-up."""
    return _people_with_roles(session, (Role.ENGAGEMENT_OFFICER, Role.ADMINISTRATOR))


def councillors(session: DbSession) -> list[User]:
    return _people_with_roles(session, (Role.COUNCILLOR,))


# --- conversations -------------------------------------------------------------------


def conversation_by_key(session: DbSession, key: str) -> Conversation | None:
    return session.scalar(select(Conversation).where(Conversation.idempotency_key == key))


def conversation_tallies(
    session: DbSession, period: Period, ward_ids: Sequence[int] | None = None
) -> list[tuple[int, int, int, int]]:
    """(ward id, theme id, mentions in the period, mentions in the period before),
    counted by the database from one covering index, so a million conversations
    stay quick."""
    tag = ConversationTheme
    earlier = period.previous
    in_period = case((tag.occurred_at >= period.start, 1), else_=0)
    statement = (
        select(tag.ward_id, tag.theme_id, func.sum(in_period), func.sum(1 - in_period))
        .where(
            tag.occurred_at >= earlier.start,
            tag.occurred_at < period.end,
            tag.ward_id.is_not(None),
        )
        .group_by(tag.ward_id, tag.theme_id)
    )
    if ward_ids is not None:
        statement = statement.where(tag.ward_id.in_(ward_ids))
    return [(w, t, int(c), int(p)) for w, t, c, p in session.execute(statement)]


def conversation_theme_rows(
    session: DbSession, ward_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """(when, theme id) for each tag on the ward's conversations: for the charts."""
    tag = ConversationTheme
    rows = session.execute(
        select(tag.occurred_at, tag.theme_id).where(
            tag.ward_id == ward_id, tag.occurred_at >= start, tag.occurred_at < end
        )
    )
    return [(when, theme_id) for when, theme_id in rows]


def _tagged(ward_id: int, theme_id: int, period: Period) -> ColumnElement[bool]:
    tag = ConversationTheme
    return and_(
        tag.conversation_id == Conversation.id,
        tag.ward_id == ward_id,
        tag.theme_id == theme_id,
        tag.occurred_at >= period.start,
        tag.occurred_at < period.end,
    )


def recent_conversations(
    session: DbSession, ward_id: int, theme_id: int, period: Period, limit: int
) -> list[Conversation]:
    return list(
        session.scalars(
            select(Conversation)
            .join(ConversationTheme, _tagged(ward_id, theme_id, period))
            .order_by(Conversation.occurred_at.desc(), Conversation.id.desc())
            .limit(limit)
            .options(selectinload(Conversation.event))
        )
    )


def sentiment_counts(
    session: DbSession, ward_id: int, theme_id: int, period: Period
) -> dict[str, int]:
    rows = session.execute(
        select(Conversation.sentiment, func.count())
        .join(ConversationTheme, _tagged(ward_id, theme_id, period))
        .group_by(Conversation.sentiment)
    )
    return {sentiment.value: count for sentiment, count in rows}


def conversation_log(
    *,
    event_id: int | None = None,
    ward_id: int | None = None,
    unknown_ward: bool = False,
    theme_id: int | None = None,
    follow_ups_only: bool = False,
) -> Any:
    """The log, newest first, with the filters officers chose (already allow-listed)."""
    statement = (
        select(Conversation)
        .order_by(Conversation.occurred_at.desc(), Conversation.id.desc())
        .options(
            selectinload(Conversation.themes),
            selectinload(Conversation.ward),
            selectinload(Conversation.event),
            selectinload(Conversation.follow_up_owner),
        )
    )
    if event_id is not None:
        statement = statement.where(Conversation.event_id == event_id)
    if unknown_ward:
        statement = statement.where(Conversation.ward_id.is_(None))
    elif ward_id is not None:
        statement = statement.where(Conversation.ward_id == ward_id)
    if theme_id is not None:
        statement = statement.where(
            exists().where(
                ConversationTheme.conversation_id == Conversation.id,
                ConversationTheme.theme_id == theme_id,
            )
        )
    if follow_ups_only:
        statement = statement.where(
            Conversation.follow_up_done_at.is_(None),
            or_(Conversation.wants_reply.is_(True), Conversation.follow_up_owner_id.is_not(None)),
        )
    return statement


def ward_for_postcode(session: DbSession, postcode: str) -> Ward | None:
    """The ward for a full postcode, or failing that for its sector ("RV1 1")."""
    full = normalise_postcode(postcode) or ""
    sector = full[:-2] if len(full) > 2 else full
    rows = {
        row.postcode: row.ward
        for row in session.scalars(
            select(PostcodeWard)
            .where(PostcodeWard.postcode.in_([full, sector]))
            .options(selectinload(PostcodeWard.ward))
        )
    }
    return rows.get(full) or rows.get(sector)


def settings_row(session: DbSession) -> ConversationSettings | None:
    return session.get(ConversationSettings, 1)


# --- responses and notes -------------------------------------------------------------


def ward_responses(
    session: DbSession, ward_id: int, theme_id: int | None = None
) -> list[PriorityResponse]:
    statement = (
        select(PriorityResponse)
        .where(PriorityResponse.ward_id == ward_id)
        .order_by(
            case((PriorityResponse.status == ResponseStatus.DONE, 1), else_=0),
            PriorityResponse.status_on.desc(),
            PriorityResponse.id.desc(),
        )
        .options(selectinload(PriorityResponse.theme))
    )
    if theme_id is not None:
        statement = statement.where(PriorityResponse.theme_id == theme_id)
    return list(session.scalars(statement))


def priority_notes(session: DbSession, ward_id: int, theme_id: int) -> list[PriorityNote]:
    return list(
        session.scalars(
            select(PriorityNote)
            .where(PriorityNote.ward_id == ward_id, PriorityNote.theme_id == theme_id)
            .order_by(PriorityNote.created_at.desc(), PriorityNote.id.desc())
            .options(selectinload(PriorityNote.author))
        )
    )


def wards_by_name(session: DbSession) -> list[Ward]:
    return list(session.scalars(select(Ward).order_by(Ward.name)))


@dataclass(frozen=True)
class LoggedConversation:
    """What the log export may contain: no names, no contact details."""

    occurred_at: datetime
    event: str
    ward: str
    themes: tuple[str, ...]
    sentiment: str
    summary: str
    wanted_reply: bool
    followed_up: bool


def logged_conversations(session: DbSession, period: Period) -> Iterator[LoggedConversation]:
    """The period's conversations in date order, streamed from one query so a year of
    a busy council's log never sits in memory as ORM objects."""
    theme_names = {t.id: t.name for t in session.scalars(select(Theme))}
    ward_names = {w.id: w.name for w in session.scalars(select(Ward))}
    event_titles = dict(session.execute(select(Event.id, Event.title)).tuples().all())
    # Tags carry their conversation's time, so one scan of their index finds them all.
    tags: dict[int, list[str]] = defaultdict(list)
    for conversation_id, theme_id in session.execute(
        select(ConversationTheme.conversation_id, ConversationTheme.theme_id).where(
            ConversationTheme.occurred_at >= period.start,
            ConversationTheme.occurred_at < period.end,
        )
    ):
        tags[conversation_id].append(theme_names[theme_id])
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.occurred_at,
            Conversation.event_id,
            Conversation.ward_id,
            Conversation.sentiment,
            Conversation.summary,
            Conversation.wants_reply,
            Conversation.follow_up_done_at,
        )
        .where(Conversation.occurred_at >= period.start, Conversation.occurred_at < period.end)
        .order_by(Conversation.occurred_at, Conversation.id)
        .execution_options(yield_per=5000)
    )
    for row in rows:
        yield LoggedConversation(
            occurred_at=row.occurred_at,
            event=event_titles.get(row.event_id, "") if row.event_id else "",
            ward=ward_names.get(row.ward_id, "") if row.ward_id else "",
            themes=tuple(sorted(tags.get(row.id, ()))),
            sentiment=row.sentiment.label,
            summary=row.summary,
            wanted_reply=row.wants_reply,
            followed_up=row.follow_up_done_at is not None,
        )
