"""Who may do what with events, the conversation log, priorities and briefings.

Officers here are engagement officers; administrators may do everything they can.
Councillors see the priorities and briefing of the wards they represent.
"""

from __future__ import annotations

from typing import Any

from engage.accounts.models import Role
from engage.wards.models import Ward


def is_engagement_officer(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_administrator or user.has_role(Role.ENGAGEMENT_OFFICER))
    )


def can_manage_events(user: Any) -> bool:
    return is_engagement_officer(user)


def can_log_conversations(user: Any) -> bool:
    """Officers and volunteers (given the engagement role) at a stand."""
    return is_engagement_officer(user)


def can_view_conversation_log(user: Any) -> bool:
    return is_engagement_officer(user)


def can_see_contact_details(user: Any) -> bool:
    return is_engagement_officer(user)


def can_manage_themes(user: Any) -> bool:
    return is_engagement_officer(user)


def can_change_settings(user: Any) -> bool:
    return is_engagement_officer(user)


def can_export(user: Any) -> bool:
    return is_engagement_officer(user)


def can_respond_to_priorities(user: Any) -> bool:
    """Annotate priorities and record "you said, we did" responses."""
    return is_engagement_officer(user)


def represents(user: Any, ward: Ward) -> bool:
    return bool(
        user.is_authenticated
        and user.is_councillor
        and any(w.id == ward.id for w in user.represented_wards)
    )


def can_view_ward_priorities(user: Any, ward: Ward) -> bool:
    return is_engagement_officer(user) or represents(user, ward)


def can_view_priorities_overview(user: Any) -> bool:
    """The list of wards' priorities: officers, and councillors (their own wards)."""
    return is_engagement_officer(user) or bool(user.is_authenticated and user.is_councillor)


def can_view_briefing(user: Any, ward: Ward) -> bool:
    return represents(user, ward) or is_engagement_officer(user)


def can_choose_briefing(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_councillor)


def can_attend_events(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_councillor)
