"""Each permission, for each kind of person."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask_login import AnonymousUserMixin

from engage.accounts.models import Role, User, UserRole
from engage.conversations import permissions
from engage.wards.models import Ward

WARD = Ward(id=1, name="Riverside East", slug="riverside-east")
OTHER_WARD = Ward(id=2, name="Abbey Fields", slug="abbey-fields")


def person(*roles: Role, represents: Ward | None = None) -> User:
    user = User(email="x@example.org", display_name="X")
    user.roles = [UserRole(role=role) for role in roles]
    user.represented_wards = [represents] if represents else []
    return user


PEOPLE: dict[str, Callable[[], object]] = {
    "anonymous": AnonymousUserMixin,
    "resident": lambda: person(),
    "moderator": lambda: person(Role.MODERATOR),
    "engagement officer": lambda: person(Role.ENGAGEMENT_OFFICER),
    "councillor": lambda: person(Role.COUNCILLOR, represents=WARD),
    "other councillor": lambda: person(Role.COUNCILLOR, represents=OTHER_WARD),
    "administrator": lambda: person(Role.ADMINISTRATOR),
}

OFFICER_ONLY = {"engagement officer", "administrator"}
RULES: list[tuple[str, Callable[[object], bool], set[str]]] = [
    ("manage events", permissions.can_manage_events, OFFICER_ONLY),
    ("log conversations", permissions.can_log_conversations, OFFICER_ONLY),
    ("view the log", permissions.can_view_conversation_log, OFFICER_ONLY),
    ("see contact details", permissions.can_see_contact_details, OFFICER_ONLY),
    ("manage themes", permissions.can_manage_themes, OFFICER_ONLY),
    ("change settings", permissions.can_change_settings, OFFICER_ONLY),
    ("export", permissions.can_export, OFFICER_ONLY),
    ("respond to priorities", permissions.can_respond_to_priorities, OFFICER_ONLY),
    (
        "see the priorities overview",
        permissions.can_view_priorities_overview,
        OFFICER_ONLY | {"councillor", "other councillor"},
    ),
    (
        "see this ward's priorities",
        lambda user: permissions.can_view_ward_priorities(user, WARD),
        OFFICER_ONLY | {"councillor"},
    ),
    (
        "see this ward's briefing",
        lambda user: permissions.can_view_briefing(user, WARD),
        OFFICER_ONLY | {"councillor"},
    ),
    ("choose a briefing", permissions.can_choose_briefing, {"councillor", "other councillor"}),
    ("attend events", permissions.can_attend_events, {"councillor", "other councillor"}),
]


@pytest.mark.parametrize(("rule", "check", "allowed"), RULES, ids=[r[0] for r in RULES])
@pytest.mark.parametrize("who", list(PEOPLE))
def test_permission_per_role(
    rule: str, check: Callable[[object], bool], allowed: set[str], who: str
) -> None:
    assert check(PEOPLE[who]()) is (who in allowed)
