"""What the public ward page shows from this domain: the ward's top priorities with
the council's responses ("you said, we did"), and its upcoming events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_login import current_user

from engage.caching import TimedCache
from engage.conversations import queries
from engage.conversations.models import Event, PriorityResponse, Theme
from engage.conversations.permissions import can_view_briefing, can_view_ward_priorities
from engage.conversations.priorities import WardPriorities, choose_period, ward_priorities
from engage.conversations.ranking import Period, Priority
from engage.db import utcnow
from engage.extensions import db
from engage.hooks import hooks
from engage.wards.models import Ward

PUBLIC_PERIOD = "year"
PUBLIC_PRIORITIES = 5
PUBLIC_EVENTS = 3


# Ranking reads every mention from every source in the period, which grows with a
# ward's activity; the public ward page may show a ranking a few minutes old, so each
# process keeps it for WARD_PRIORITIES_CACHE_SECONDS. Briefings and officers' pages
# always count afresh. The ranking is plain data (theme keys and counts), safe to share.
def public_priorities(ward: Ward, period: Period) -> WardPriorities:
    seconds = current_app.config["WARD_PRIORITIES_CACHE_SECONDS"]
    rankings: TimedCache[tuple[int, Period], WardPriorities] = current_app.extensions[
        "engage_ward_priorities"
    ]
    key = (ward.id, period)
    result = rankings.get(key, seconds)
    if result is None:
        result = ward_priorities(
            db.session, ward=ward, period=period, sources=hooks().priority_sources
        )
        if seconds > 0:
            rankings.put(key, result)
    return result


@dataclass
class WardSummary:
    period_label: str
    priorities: list[tuple[Priority, Theme, list[PriorityResponse]]]
    # Responses to themes outside the top list, so no answer is hidden.
    other_responses: list[PriorityResponse]
    events: list[Event]
    can_view_priorities: bool = False
    can_view_briefing: bool = False
    themes: dict[str, Theme] = field(default_factory=dict)


def ward_summary(ward: Ward) -> WardSummary:
    now = utcnow()
    chosen = choose_period(PUBLIC_PERIOD, now)
    result = public_priorities(ward, chosen.period)
    themes = {t.key: t for t in queries.active_themes(db.session)}
    by_theme: dict[int, list[PriorityResponse]] = defaultdict(list)
    for response in queries.ward_responses(db.session, ward.id):
        by_theme[response.theme_id].append(response)
    top = [
        (p, themes[p.theme_key], by_theme.pop(themes[p.theme_key].id, []))
        for p in result.priorities[:PUBLIC_PRIORITIES]
        if p.theme_key in themes
    ]
    return WardSummary(
        period_label=chosen.label,
        priorities=top,
        other_responses=[r for responses in by_theme.values() for r in responses],
        events=queries.upcoming_events(db.session, now, ward=ward, limit=PUBLIC_EVENTS),
        can_view_priorities=can_view_ward_priorities(current_user, ward),
        can_view_briefing=can_view_briefing(current_user, ward),
        themes=themes,
    )
