"""Councillors' ward briefings: a bite-size page per ward, and a monthly email.

A briefing has our own parts (priorities and movers, upcoming events, "you said, we
did", named officer contacts) followed by every section other services register
with ``engage.hooks.add_briefing_section``. Councillors choose which parts they want
(their "menu"); anything new is shown until they decline it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from engage.accounts.models import User
from engage.conversations import queries
from engage.conversations.clock import format_day, format_time
from engage.conversations.models import (
    BriefingPreference,
    DigestDelivery,
    Event,
    PriorityResponse,
    ResponseStatus,
    Theme,
)
from engage.conversations.priorities import ChosenPeriod, WardPriorities, choose_period
from engage.conversations.priorities import ward_priorities as compute_ward_priorities
from engage.db import DbSession
from engage.hooks import PrioritySource
from engage.wards.models import Ward

OWN_PARTS = (
    ("priorities", "Top priorities and movers"),
    ("events", "Upcoming events you could attend"),
    ("responses", "You said, we did: what the council is doing"),
    ("contacts", "Named officer contacts"),
)
SECTION_LABELS = {
    "forums": "Forum activity",
    "funds": "Local fund: balance and bids awaiting decision",
    "pb": "Participatory budgeting",
}
BRIEFING_PERIOD = "quarter"
UPCOMING_EVENTS = 5


def section_label(template: str) -> str:
    folder = template.split("/", 1)[0]
    return SECTION_LABELS.get(folder, folder.replace("_", " ").capitalize())


def briefing_parts(section_templates: Sequence[str]) -> list[tuple[str, str]]:
    return [*OWN_PARTS, *((t, section_label(t)) for t in section_templates)]


def preferences_for(session: DbSession, user: User) -> BriefingPreference:
    """The councillor's choices, or the defaults (everything, no email) if none yet."""
    saved = session.get(BriefingPreference, user.id)
    return saved or BriefingPreference(user_id=user.id, monthly_email=False, hidden_parts=[])


def save_preferences(
    session: DbSession,
    *,
    user: User,
    parts: Sequence[tuple[str, str]],
    shown: Sequence[str],
    monthly_email: bool,
    now: datetime,
) -> BriefingPreference:
    preference = session.get(BriefingPreference, user.id)
    if preference is None:
        preference = BriefingPreference(user_id=user.id)
        session.add(preference)
    preference.hidden_parts = [key for key, _ in parts if key not in set(shown)]
    preference.monthly_email = monthly_email
    preference.updated_at = now
    session.flush()
    return preference


@dataclass
class Briefing:
    ward: Ward
    chosen: ChosenPeriod
    priorities: WardPriorities
    themes: dict[str, Theme]
    events: list[Event]
    responses: list[PriorityResponse]
    shown: set[str]
    sections: list[str] = field(default_factory=list)

    def shows(self, part: str) -> bool:
        return part in self.shown


def build_briefing(
    session: DbSession,
    *,
    ward: Ward,
    sources: Mapping[str, PrioritySource],
    section_templates: Sequence[str],
    hidden: Sequence[str],
    now: datetime,
) -> Briefing:
    chosen = choose_period(BRIEFING_PERIOD, now)
    keys = [key for key, _ in briefing_parts(section_templates)]
    shown = {key for key in keys if key not in set(hidden)}
    return Briefing(
        ward=ward,
        chosen=chosen,
        priorities=compute_ward_priorities(
            session, ward=ward, period=chosen.period, sources=sources
        ),
        themes={t.key: t for t in queries.active_themes(session)},
        events=queries.upcoming_events(session, now, ward=ward, limit=UPCOMING_EVENTS),
        responses=_current_responses(queries.ward_responses(session, ward.id)),
        shown=shown,
        sections=[t for t in section_templates if t in shown],
    )


def _current_responses(responses: list[PriorityResponse]) -> list[PriorityResponse]:
    """Everything still open, and the three most recently done."""
    done = [r for r in responses if r.status == ResponseStatus.DONE]
    return [r for r in responses if r.status != ResponseStatus.DONE] + done[:3]


def digest_text(briefing: Briefing, *, briefing_url: str) -> str:
    """The plain-text email for one ward: the chosen parts, briefly."""
    lines = [f"{briefing.ward.name} ward", "=" * (len(briefing.ward.name) + 5), ""]
    name = {key: theme.name for key, theme in briefing.themes.items()}
    result = briefing.priorities
    if briefing.shows("priorities"):
        lines.append(f"Top priorities ({briefing.chosen.label.lower()})")
        if not result.priorities:
            lines.append("  Nothing has been raised in this period.")
        for p in result.priorities[:5]:
            lines.append(
                f"  {p.rank}. {name.get(p.theme_key, p.theme_key)}: {p.score} mentions "
                f"({p.trend.label.lower()}; {p.previous_score} in the period before)"
            )
        if result.movers:
            lines.append("  Rising: " + ", ".join(name.get(m.theme_key, "") for m in result.movers))
        lines.append("")
    if briefing.shows("events"):
        lines.append("Upcoming events")
        if not briefing.events:
            lines.append("  None planned yet.")
        for event in briefing.events:
            lines.append(
                f"  {format_day(event.starts_at)}, {format_time(event.starts_at)}: "
                f"{event.title}, {event.place}"
            )
        lines.append("")
    if briefing.shows("responses"):
        lines.append("You said, we did")
        if not briefing.responses:
            lines.append("  No responses recorded yet.")
        for response in briefing.responses:
            lines.append(
                f"  {response.theme.name}: {response.we_did} ({response.owner}, "
                f"{response.status.label.lower()})"
            )
        lines.append("")
    if briefing.shows("contacts") and briefing.ward.contacts:
        lines.append("Named officer contacts")
        for contact in briefing.ward.contacts:
            lines.append(f"  {contact.service}: {contact.name}, {contact.email}")
        lines.append("")
    lines.append(f"The full briefing, with forum, fund and budgeting news: {briefing_url}")
    return "\n".join(lines)


@dataclass(frozen=True)
class DigestRun:
    sent: list[str]
    skipped: int
    failed: list[str]


def send_digests(
    session: DbSession,
    *,
    now: datetime,
    sources: Mapping[str, PrioritySource],
    section_templates: Sequence[str],
    send: Callable[[str, str, str], object],
    briefing_url: Callable[[Ward], str],
    preferences_url: str,
) -> DigestRun:
    """Email this month's digest to each councillor who asked for one, once a month:
    running it again the same month sends nothing more."""
    month = f"{now:%Y-%m}"
    done = set(session.scalars(select(DigestDelivery.user_id).where(DigestDelivery.month == month)))
    sent: list[str] = []
    failed: list[str] = []
    skipped = 0
    opted_in = session.scalars(
        select(BriefingPreference).where(BriefingPreference.monthly_email.is_(True))
    )
    for preference in list(opted_in):
        user = session.get(User, preference.user_id)
        if user is None or user.erased or not user.is_councillor or not user.represented_wards:
            continue
        if user.id in done:
            skipped += 1
            continue
        parts = [
            digest_text(
                build_briefing(
                    session,
                    ward=ward,
                    sources=sources,
                    section_templates=section_templates,
                    hidden=preference.hidden_parts,
                    now=now,
                ),
                briefing_url=briefing_url(ward),
            )
            for ward in user.represented_wards
        ]
        body = (
            f"Dear Councillor {user.display_name},\n\nYour ward briefing for {now:%B %Y}.\n\n"
            + "\n\n".join(parts)
            + f"\n\nChoose what you receive: {preferences_url}\n"
        )
        try:
            send(user.email, f"Your ward briefing for {now:%B %Y}", body)
        except OSError:
            failed.append(user.email)
            continue
        session.add(DigestDelivery(user_id=user.id, month=month, sent_at=now))
        sent.append(user.email)
    session.flush()
    return DigestRun(sent, skipped, failed)
