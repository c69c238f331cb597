"""Each named permission, for each role."""

from __future__ import annotations

import pytest

from engage.accounts import permissions
from engage.accounts.models import Role, User, UserRole


def person(*roles: Role) -> User:
    user = User(email="x@example.org", display_name="X", password_hash="-")
    user.roles = [UserRole(role=role) for role in roles]
    return user


class Anonymous:
    is_authenticated = False


PEOPLE = {
    "resident": person(),
    "councillor": person(Role.COUNCILLOR),
    "moderator": person(Role.MODERATOR),
    "fund_officer": person(Role.FUND_OFFICER),
    "engagement_officer": person(Role.ENGAGEMENT_OFFICER),
    "pb_administrator": person(Role.PB_ADMINISTRATOR),
    "administrator": person(Role.ADMINISTRATOR),
}

RULES = {
    "can_manage_roles": {"administrator"},
    "can_view_people": {
        "moderator",
        "fund_officer",
        "engagement_officer",
        "pb_administrator",
        "administrator",
    },
    "can_verify_wards": {"engagement_officer", "pb_administrator", "administrator"},
    "can_manage_ward_contacts": {
        "moderator",
        "fund_officer",
        "engagement_officer",
        "pb_administrator",
        "administrator",
    },
    "can_view_audit_log": {"administrator"},
}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_permission_by_role(rule: str, who: str) -> None:
    check = getattr(permissions, rule)
    assert check(PEOPLE[who]) is (who in RULES[rule])
    assert check(Anonymous()) is False
