"""Each forum permission, for each kind of person, on posts in each state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from engage.accounts.models import Role, User, UserRole
from engage.db import utcnow
from engage.forums import permissions
from engage.forums.models import Badge, Post, PostStatus, Thread

NOW = utcnow()


def person(*roles: Role, user_id: int = 1, confirmed: bool = True) -> User:
    user = User(id=user_id, email="x@example.org", display_name="X")
    user.email_confirmed_at = NOW if confirmed else None
    user.roles = [UserRole(role=role) for role in roles]
    return user


PEOPLE: dict[str, Callable[[], object]] = {
    "anonymous": AnonymousUserMixin,
    "author": lambda: person(user_id=1),
    "resident": lambda: person(user_id=2),
    "unconfirmed resident": lambda: person(user_id=3, confirmed=False),
    "councillor": lambda: person(Role.COUNCILLOR, user_id=4),
    "moderator": lambda: person(Role.MODERATOR, user_id=5),
    "fund officer": lambda: person(Role.FUND_OFFICER, user_id=6),
    "administrator": lambda: person(Role.ADMINISTRATOR, user_id=7),
}


def a_post(
    *, status: PostStatus = PostStatus.PUBLISHED, minutes_old: int = 5, locked: bool = False
) -> Post:
    thread = Thread(id=1, title="Bins", locked_at=NOW if locked else None)
    return Post(
        id=1,
        thread=thread,
        author_id=1,
        body="Hello",
        status=status,
        created_at=NOW - timedelta(minutes=minutes_old),
    )


MODERATORS = {"moderator", "administrator"}
CAN_POST = set(PEOPLE) - {"anonymous", "unconfirmed resident"}


@pytest.mark.parametrize(
    ("rule", "check", "allowed"),
    [
        ("moderate", permissions.can_moderate, MODERATORS),
        ("post", permissions.can_post, CAN_POST),
        ("follow", permissions.can_follow, set(PEOPLE) - {"anonymous"}),
        ("reply to an open thread", lambda u: permissions.can_reply(u, a_post().thread), CAN_POST),
        (
            "reply to a locked thread",
            lambda u: permissions.can_reply(u, a_post(locked=True).thread),
            MODERATORS,
        ),
        ("edit a fresh post", lambda u: permissions.can_edit(u, a_post(), NOW), {"author"}),
        (
            "edit after 30 minutes",
            lambda u: permissions.can_edit(u, a_post(minutes_old=31), NOW),
            set(),
        ),
        ("delete", lambda u: permissions.can_delete(u, a_post()), {"author"}),
        ("report", lambda u: permissions.can_report(u, a_post()), CAN_POST - {"author"}),
        (
            "see a post waiting for approval",
            lambda u: permissions.can_see_post(u, a_post(status=PostStatus.PENDING)),
            MODERATORS | {"author"},
        ),
        (
            "see a rejected post",
            lambda u: permissions.can_see_post(u, a_post(status=PostStatus.REJECTED)),
            MODERATORS | {"author"},
        ),
        ("see a published post", lambda u: permissions.can_see_post(u, a_post()), set(PEOPLE)),
        (
            "read what a hidden post said",
            lambda u: permissions.can_read_hidden(u, a_post()),
            MODERATORS,
        ),
    ],
)
@pytest.mark.parametrize("who", PEOPLE)
def test_each_rule_for_each_person(
    rule: str, check: Callable[[object], bool], allowed: set[str], who: str
) -> None:
    assert check(PEOPLE[who]()) is (who in allowed), f"{who} {rule}"


def test_hidden_or_deleted_posts_cannot_be_reported_or_edited() -> None:
    hidden = a_post()
    hidden.hide("Personal information")
    deleted = a_post()
    deleted.delete_by_author()
    author, resident = person(user_id=1), person(user_id=2)
    assert not permissions.can_report(resident, hidden)
    assert not permissions.can_report(resident, deleted)
    assert not permissions.can_edit(author, hidden, NOW)
    assert not permissions.can_edit(author, deleted, NOW)


def test_badges_show_the_role_people_post_in() -> None:
    assert permissions.badge_for(person()) is Badge.NONE
    assert permissions.badge_for(person(Role.COUNCILLOR)) is Badge.COUNCILLOR
    assert permissions.badge_for(person(Role.MODERATOR)) is Badge.OFFICER
    assert permissions.badge_for(person(Role.FUND_OFFICER)) is Badge.OFFICER
    # A councillor who is also an officer posts as a councillor: that is their public role.
    assert permissions.badge_for(person(Role.COUNCILLOR, Role.MODERATOR)) is Badge.COUNCILLOR
