"""Who may do what in the forums: named pure functions over the person and the thing.

Suspensions and pre-moderation need the database, so services check them when a
post is saved (``services.check_can_post``); these answer from the objects alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engage.accounts.models import Role
from engage.forums.models import Badge, Post, PostStatus, Thread
from engage.forums.rules import within_edit_window


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_moderate(user: Any) -> bool:
    """Forum moderators (officers with the moderator role) and administrators."""
    return _signed_in(user) and (user.has_role(Role.MODERATOR) or user.is_administrator)


def can_post(user: Any) -> bool:
    """Signed in with a confirmed email address (suspensions are checked on saving)."""
    return _signed_in(user) and user.email_confirmed and not user.erased


def can_reply(user: Any, thread: Thread) -> bool:
    return can_post(user) and (not thread.locked or can_moderate(user))


def can_see_post(user: Any, post: Post) -> bool:
    """Published posts are for everyone (hidden ones as a notice); held and rejected
    posts only for their author and moderators."""
    if post.status is PostStatus.PUBLISHED:
        return True
    return can_moderate(user) or is_author(user, post)


def can_read_hidden(user: Any, post: Post) -> bool:
    """Moderators read what a hidden post said; everyone else sees the notice."""
    return can_moderate(user)


def is_author(user: Any, post: Post) -> bool:
    return _signed_in(user) and post.author_id == user.id


def can_edit(user: Any, post: Post, now: datetime) -> bool:
    return (
        is_author(user, post)
        and can_post(user)
        and not post.deleted
        and not post.hidden
        and within_edit_window(post.created_at, now)
    )


def can_delete(user: Any, post: Post) -> bool:
    return is_author(user, post) and not post.deleted


def can_report(user: Any, post: Post) -> bool:
    return can_post(user) and not is_author(user, post) and post.public


def can_follow(user: Any) -> bool:
    return _signed_in(user)


def badge_for(user: Any) -> Badge:
    """The badge a post carries: councillors and officers post in their role."""
    if user.is_councillor:
        return Badge.COUNCILLOR
    if user.is_officer or user.is_administrator:
        return Badge.OFFICER
    return Badge.NONE


def is_staff(user: Any) -> bool:
    return badge_for(user) is not Badge.NONE
