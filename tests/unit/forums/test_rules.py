"""Pre-moderation, the edit window, suspensions and the report service level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engage.forums.models import Suspension
from engage.forums.rules import (
    needs_approval,
    suspension_end,
    within_edit_window,
    working_days_before,
)

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday afternoon


def test_posts_can_be_edited_for_thirty_minutes() -> None:
    assert within_edit_window(NOW - timedelta(minutes=30), NOW)
    assert not within_edit_window(NOW - timedelta(minutes=30, seconds=1), NOW)


@pytest.mark.parametrize(
    ("forum", "member", "threshold", "published", "staff", "held"),
    [
        (False, False, 0, 0, False, False),  # an ordinary forum: straight out
        (True, False, 0, 10, False, True),  # pre-moderated forum holds everyone
        (False, True, 0, 10, False, True),  # a pre-moderated member is held anywhere
        (False, False, 3, 0, False, True),  # a new member's first posts are held
        (False, False, 3, 2, False, True),
        (False, False, 3, 3, False, False),  # ...until three have been approved
        (True, True, 3, 0, True, False),  # officers and councillors are never held
    ],
)
def test_which_posts_wait_for_approval(
    forum: bool, member: bool, threshold: int, published: int, staff: bool, held: bool
) -> None:
    assert (
        needs_approval(
            forum_premoderated=forum,
            member_premoderated=member,
            approve_first_posts=threshold,
            published_posts=published,
            is_staff=staff,
        )
        is held
    )


def test_weekends_do_not_count_toward_the_report_service_level() -> None:
    wednesday = NOW
    assert working_days_before(wednesday, 2) == NOW - timedelta(days=2)  # Monday
    tuesday = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert working_days_before(tuesday, 2) == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert working_days_before(saturday, 2).weekday() == 3  # Thursday


def test_suspensions_end_when_they_say_or_never() -> None:
    assert suspension_end(NOW, 7) == NOW + timedelta(days=7)
    assert suspension_end(NOW, None) is None
    week = Suspension(reason="Abuse", ends_at=NOW + timedelta(days=7))
    forever = Suspension(reason="Spam", ends_at=None)
    assert week.in_force(NOW) and not week.in_force(NOW + timedelta(days=8))
    assert forever.in_force(NOW + timedelta(days=3650))
    forever.lifted_at = NOW
    assert not forever.in_force(NOW + timedelta(days=1))
