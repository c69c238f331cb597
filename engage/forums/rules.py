"""Forum rules as pure functions over plain values, so each is tested on its own."""

from __future__ import annotations

from datetime import datetime, timedelta

EDIT_WINDOW = timedelta(minutes=30)
# Reports a moderator has not dealt with in this many working days are overdue.
REPORT_SERVICE_LEVEL_WORKING_DAYS = 2


def within_edit_window(posted_at: datetime, now: datetime) -> bool:
    return now - posted_at <= EDIT_WINDOW


def needs_approval(
    *,
    forum_premoderated: bool,
    member_premoderated: bool,
    approve_first_posts: int,
    published_posts: int,
    is_staff: bool,
) -> bool:
    """Whether a new post waits for a moderator before anyone else sees it.

    Officers and councillors post under their own name and badge, so they are never
    held; everyone else is held when the forum or the member is pre-moderated, or
    while they have fewer approved posts than the forum's threshold for new members.
    """
    if is_staff:
        return False
    return forum_premoderated or member_premoderated or published_posts < approve_first_posts


def working_days_before(moment: datetime, days: int) -> datetime:
    """The moment ``days`` working days (Monday to Friday) before ``moment``.

    Weekend time does not count: a report made on Friday afternoon is overdue on
    Tuesday afternoon. Bank holidays are not known here and count as working days.
    """
    result = moment
    remaining = days
    while remaining > 0:
        result -= timedelta(days=1)
        if result.weekday() < 5:
            remaining -= 1
    # Landing on a weekend means the whole weekend sits inside the window.
    while result.weekday() >= 5:
        result -= timedelta(days=1)
    return result


def suspension_end(now: datetime, days: int | None) -> datetime | None:
    """When a suspension of ``days`` days ends; None for a permanent one."""
    return None if days is None else now + timedelta(days=days)
