"""Events, the conversation log, ward priorities and councillors' briefings.

Officers here are engagement officers (our "officer" holds every officer role) and
administrators. The councillor represents ``world.ward``, the ward in the URLs.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from engage.conversations import queries, services
from engage.conversations.models import (
    ConversationSource,
    EventKind,
    PriorityResponse,
    ResponseStatus,
    Sentiment,
)
from engage.db import utcnow
from engage.extensions import db
from tests.access_rules import FORBIDDEN, LOGIN, PUBLIC, STAFF, policy

COUNCILLORS_AND_OFFICERS = policy(anonymous=LOGIN, resident=FORBIDDEN, other_resident=FORBIDDEN)
COUNCILLORS_ONLY = policy(
    anonymous=LOGIN,
    resident=FORBIDDEN,
    other_resident=FORBIDDEN,
    officer=FORBIDDEN,
    administrator=FORBIDDEN,
)

EXPECTED: dict[str, dict[str, str]] = {
    "events.index GET": PUBLIC,
    "events.show GET": PUBLIC,
    "events.ward_calendar GET": PUBLIC,
    "events.ward_feed GET": PUBLIC,
    "events.new GET": STAFF,
    "events.new POST": STAFF,
    "events.edit GET": STAFF,
    "events.edit POST": STAFF,
    "events.attend POST": COUNCILLORS_ONLY,
    "conversations.log GET": STAFF,
    "conversations.choose_event GET": STAFF,
    "conversations.new GET": STAFF,
    "conversations.new POST": STAFF,
    "conversations.show GET": STAFF,
    "conversations.follow_up POST": STAFF,
    "conversations.delete GET": STAFF,
    "conversations.delete POST": STAFF,
    "conversations.import_conversations GET": STAFF,
    "conversations.import_conversations POST": STAFF,
    "conversations.import_template GET": STAFF,
    "conversations.themes GET": STAFF,
    "conversations.new_theme GET": STAFF,
    "conversations.new_theme POST": STAFF,
    "conversations.edit_theme GET": STAFF,
    "conversations.edit_theme POST": STAFF,
    "conversations.merge_themes GET": STAFF,
    "conversations.merge_themes POST": STAFF,
    "conversations.standard_themes POST": STAFF,
    "conversations.settings GET": STAFF,
    "conversations.settings POST": STAFF,
    "conversations.priorities_overview GET": COUNCILLORS_AND_OFFICERS,
    "conversations.ward_priorities GET": COUNCILLORS_AND_OFFICERS,
    "conversations.priority GET": COUNCILLORS_AND_OFFICERS,
    "conversations.add_note POST": STAFF,
    "conversations.new_response GET": STAFF,
    "conversations.new_response POST": STAFF,
    "conversations.edit_response GET": STAFF,
    "conversations.edit_response POST": STAFF,
    "conversations.exports_page GET": STAFF,
    "conversations.export_priorities POST": STAFF,
    "conversations.export_log POST": STAFF,
    "briefings.index GET": COUNCILLORS_AND_OFFICERS,
    "briefings.show GET": COUNCILLORS_AND_OFFICERS,
    "briefings.preferences GET": COUNCILLORS_ONLY,
    "briefings.preferences POST": COUNCILLORS_ONLY,
}


def url_values(world: Any, endpoint: str) -> dict[str, Any]:
    if not endpoint.startswith(("events.", "conversations.", "briefings.")):
        return {}
    services.ensure_standard_themes(db.session)
    theme = next(t for t in queries.active_themes(db.session) if t.key == "enforcement")
    starts_at = utcnow() + timedelta(days=7)  # upcoming, so councillors can say they will attend
    event = services.save_event(
        db.session,
        actor=None,
        event=None,
        data=services.EventData(
            title="Summer festival",
            kind=EventKind.FESTIVAL_STAND,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            place="The park",
            organiser="Engagement team",
            ward_ids=[world.ward.id],
        ),
    )
    conversation = services.build_conversation(
        actor=world.people["officer"],
        event=event,
        data=services.NewConversation(
            summary="Fly-tipping behind the shops",
            theme_ids=[],
            ward_id=world.ward.id,
            sentiment=Sentiment.NEGATIVE,
            idempotency_key=str(uuid.uuid4()),
        ),
        themes=[theme],
        occurred_at=utcnow(),
        source=ConversationSource.STAND,
        now=utcnow(),
    )
    response = PriorityResponse(
        ward_id=world.ward.id,
        theme_id=theme.id,
        you_said="Fly-tipping is never dealt with",
        we_did="Weekend patrols",
        owner="Street Enforcement",
        status=ResponseStatus.PLANNED,
        status_on=date.today(),
    )
    db.session.add_all([conversation, response])
    db.session.commit()
    return {
        "event_id": event.id,
        "conversation_id": conversation.id,
        "theme_id": theme.id,
        "theme_key": theme.key,
        "response_id": response.id,
        "slug": world.ward.slug,
        "kind": "xlsx",
    }
