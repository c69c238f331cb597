"""Ward priorities from every source, their evidence, and the council's responses.

Conversations are counted by the database (there may be millions); other services
(forums, funds, participatory budgeting) hand over their mentions through
``engage.hooks.add_priority_source``; ``ranking.rank_priorities`` ranks the lot.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from engage import audit
from engage.accounts.models import User
from engage.conversations import queries
from engage.conversations.models import (
    PriorityNote,
    PriorityResponse,
    ResponseStatus,
    Theme,
)
from engage.conversations.ranking import (
    Classifier,
    Period,
    Priority,
    Tally,
    monthly_counts,
    movers,
    rank_priorities,
)
from engage.conversations.redaction import redact
from engage.db import DbSession
from engage.hooks import Mention, PrioritySource
from engage.wards.models import Ward

CONVERSATIONS = "conversations"
SOURCE_LABELS = {
    CONVERSATIONS: "Conversations at events",
    "forum": "Forum posts",
    "forums": "Forum posts",
    "fund": "Local fund bids",
    "funds": "Local fund bids",
    "pb": "Participatory budgeting",
}


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source.replace("_", " ").capitalize())


# --- periods -------------------------------------------------------------------------

PERIODS = {
    "month": ("Last month", 30),
    "quarter": ("Last 3 months", 91),
    "half": ("Last 6 months", 182),
    "year": ("Last 12 months", 365),
}
DEFAULT_PERIOD = "quarter"


@dataclass(frozen=True)
class ChosenPeriod:
    key: str
    label: str
    period: Period

    @property
    def first_day(self) -> date:
        return self.period.start.date()

    @property
    def last_day(self) -> date:
        return (self.period.end - timedelta(days=1)).date()


def _end_of_today(now: datetime) -> datetime:
    today = now.astimezone(UTC).date()
    return datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)


def choose_period(choice: str | None, now: datetime, default: str = DEFAULT_PERIOD) -> ChosenPeriod:
    """A period from an allow-listed choice: "month", "quarter", "half", "year", or a
    calendar year from 2000 to this one. Anything else gives the default. Periods end
    at midnight tonight, so figures are the same all day."""
    if choice and choice.isdigit() and len(choice) == 4 and 2000 <= int(choice) <= now.year:
        year = int(choice)
        start = datetime(year, 1, 1, tzinfo=UTC)
        return ChosenPeriod(choice, f"{year}", Period(start, datetime(year + 1, 1, 1, tzinfo=UTC)))
    key = choice if choice in PERIODS else default
    label, days = PERIODS[key]
    end = _end_of_today(now)
    return ChosenPeriod(key, label, Period(end - timedelta(days=days), end))


def period_choices(now: datetime, first_year: int | None) -> list[tuple[str, str]]:
    years = range(now.year, (first_year or now.year) - 1, -1)
    return [(key, label) for key, (label, _) in PERIODS.items()] + [
        (str(year), f"The year {year}") for year in years
    ]


def last_months(now: datetime, count: int = 12) -> list[tuple[int, int]]:
    year, month = now.year, now.month
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


# --- computing priorities ------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    text: str  # already redacted
    source: str
    occurred_at: datetime
    reference: str = ""
    context: str = ""  # the event, for conversations


@dataclass
class WardPriorities:
    ward_id: int
    period: Period
    priorities: list[Priority]
    movers: list[Priority]
    unclassified: int = 0
    # Recent examples from other services, per theme key, newest first.
    quotes: dict[str, list[Quote]] = field(default_factory=dict)

    def priority(self, key: str) -> Priority | None:
        return next((p for p in self.priorities if p.theme_key == key), None)


class _ThemeResolver:
    """Theme keys from other services (merged keys follow their theme), or keywords."""

    def __init__(self, session: DbSession) -> None:
        self.by_key = queries.themes_by_key(session)
        active = {t.key: t for t in self.by_key.values()}
        self.classify = Classifier({key: t.keyword_list for key, t in active.items()})

    def keys_for(self, mention: Mention) -> tuple[str, ...]:
        known = dict.fromkeys(
            self.by_key[key].key for key in mention.theme_keys if key in self.by_key
        )
        return tuple(known) or self.classify(mention.text)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def compute_priorities(
    session: DbSession,
    *,
    period: Period,
    sources: Mapping[str, PrioritySource],
    ward_ids: Sequence[int] | None = None,
    quotes_per_theme: int = 3,
) -> dict[int, WardPriorities]:
    """Every requested ward's ranked priorities for ``period`` (all wards if None)."""
    requested = None if ward_ids is None else list(ward_ids)
    if ward_ids is None:
        ward_ids = list(session.scalars(select(Ward.id)))
    wanted = set(ward_ids)
    resolver = _ThemeResolver(session)
    key_of = {theme.id: theme.key for theme in resolver.by_key.values()}

    tallies: dict[int, list[Tally]] = defaultdict(list)
    for ward_id, theme_id, current, previous in queries.conversation_tallies(
        session, period, requested
    ):
        tallies[ward_id].append(Tally(key_of[theme_id], CONVERSATIONS, current, previous))

    earlier = period.previous
    counts: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    unclassified: dict[int, int] = defaultdict(int)
    examples: dict[tuple[int, str], list[tuple[datetime, int, Mention]]] = defaultdict(list)
    order = 0
    for source in sources.values():
        for mention in source(session, requested, earlier.start, period.end):
            when = _aware(mention.occurred_at)
            if mention.ward_id not in wanted or not earlier.start <= when < period.end:
                continue
            now_slot = when >= period.start
            keys = resolver.keys_for(mention)
            if not keys:
                unclassified[mention.ward_id] += int(now_slot)
                continue
            for key in keys:
                counts[(mention.ward_id, key, mention.source)][0 if now_slot else 1] += (
                    mention.weight
                )
                if now_slot and quotes_per_theme:
                    order += 1  # breaks ties between mentions at the same moment
                    heap = examples[(mention.ward_id, key)]
                    item = (when, order, mention)
                    if len(heap) < quotes_per_theme:
                        heapq.heappush(heap, item)
                    else:
                        heapq.heappushpop(heap, item)
    for (ward_id, key, source_name), (current, previous) in counts.items():
        tallies[ward_id].append(Tally(key, source_name, current, previous))

    results = {}
    for ward_id in ward_ids:
        ranked = rank_priorities(tallies.get(ward_id, []))
        quotes = {
            key: [_quote(m) for _, _, m in sorted(heap, reverse=True)]
            for (w, key), heap in examples.items()
            if w == ward_id
        }
        results[ward_id] = WardPriorities(
            ward_id, period, ranked, movers(ranked), unclassified.get(ward_id, 0), quotes
        )
    return results


def _quote(mention: Mention) -> Quote:
    return Quote(
        redact(mention.text),
        mention.source,
        _aware(mention.occurred_at),
        mention.reference,
    )


def ward_priorities(
    session: DbSession,
    *,
    ward: Ward,
    period: Period,
    sources: Mapping[str, PrioritySource],
    quotes_per_theme: int = 3,
) -> WardPriorities:
    return compute_priorities(
        session,
        period=period,
        sources=sources,
        ward_ids=[ward.id],
        quotes_per_theme=quotes_per_theme,
    )[ward.id]


def conversation_quotes(
    session: DbSession, *, ward: Ward, theme: Theme, period: Period, limit: int
) -> list[Quote]:
    return [
        Quote(
            redact(c.summary),
            CONVERSATIONS,
            c.occurred_at,
            context=c.event.title if c.event else "",
        )
        for c in queries.recent_conversations(session, ward.id, theme.id, period, limit)
    ]


def example_quotes(
    session: DbSession,
    *,
    ward: Ward,
    theme: Theme,
    result: WardPriorities,
    limit: int,
) -> list[Quote]:
    """The newest quotes about ``theme`` from every source, personal data removed."""
    quotes = conversation_quotes(
        session, ward=ward, theme=theme, period=result.period, limit=limit
    ) + result.quotes.get(theme.key, [])
    return sorted(quotes, key=lambda q: q.occurred_at, reverse=True)[:limit]


@dataclass(frozen=True)
class Series:
    months: list[tuple[int, int]]
    counts: dict[str, list[int]]  # theme key -> mentions per month


def theme_series(
    session: DbSession,
    *,
    ward: Ward,
    sources: Mapping[str, PrioritySource],
    now: datetime,
    months: int = 12,
) -> Series:
    """Weighted mentions of each theme per calendar month: the charts' data."""
    span = last_months(now, months)
    start = datetime(span[0][0], span[0][1], 1, tzinfo=UTC)
    end = _end_of_today(now)
    resolver = _ThemeResolver(session)
    key_of = {theme.id: theme.key for theme in resolver.by_key.values()}
    items: list[tuple[datetime, str, int]] = [
        (when, key_of[theme_id], 1)
        for when, theme_id in queries.conversation_theme_rows(session, ward.id, start, end)
    ]
    for source in sources.values():
        for mention in source(session, [ward.id], start, end):
            if mention.ward_id == ward.id:
                when = _aware(mention.occurred_at)
                items += [(when, key, mention.weight) for key in resolver.keys_for(mention)]
    return Series(span, monthly_counts(items, span))


def top_themes(result: WardPriorities, themes: Iterable[Theme], limit: int) -> list[Theme]:
    by_key = {theme.key: theme for theme in themes}
    return [by_key[p.theme_key] for p in result.priorities[:limit] if p.theme_key in by_key]


# --- responses and notes -------------------------------------------------------------


@dataclass(frozen=True)
class ResponseData:
    you_said: str
    we_did: str
    owner: str
    status: ResponseStatus
    status_on: date


def save_response(
    session: DbSession,
    *,
    actor: User,
    ward: Ward,
    theme: Theme,
    response: PriorityResponse | None,
    data: ResponseData,
    now: datetime,
) -> PriorityResponse:
    if response is None:
        response = PriorityResponse(
            ward_id=ward.id,
            theme_id=theme.id,
            status=data.status,
            status_on=data.status_on,
            created_by_id=actor.id,
        )
        session.add(response)
        before = None
    else:
        before = response.status.value
        response.move_to(data.status, data.status_on)
    response.you_said = data.you_said
    response.we_did = data.we_did
    response.owner = data.owner
    response.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conversations.response.save",
        target_type="priority_response",
        target_id=response.id,
        ward=ward.name,
        theme=theme.name,
        status_before=before,
        status=response.status.value,
    )
    return response


def add_note(
    session: DbSession, *, actor: User, ward: Ward, theme: Theme, text: str
) -> PriorityNote:
    note = PriorityNote(ward_id=ward.id, theme_id=theme.id, text=text, author_id=actor.id)
    session.add(note)
    session.flush()
    return note
