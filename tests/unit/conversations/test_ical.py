from __future__ import annotations

from datetime import UTC, datetime

from engage.conversations.ical import FeedEvent, calendar_feed


def test_feed_follows_rfc_5545() -> None:
    event = FeedEvent(
        uid="event-7@engage.example",
        title="Summer festival; stalls, music",
        starts_at=datetime(2026, 7, 12, 10, tzinfo=UTC),
        ends_at=datetime(2026, 7, 12, 16, tzinfo=UTC),
        place="Riverside Park\nbandstand",
        description="Festival stand. " + "Come and tell us what matters to you. " * 4,
        url="https://engage.example/events/7",
    )
    feed = calendar_feed(
        [event], name="Events in Riverside East", now=datetime(2026, 7, 1, tzinfo=UTC)
    )
    assert feed.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert feed.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert "\r\nDTSTART:20260712T100000Z\r\n" in feed
    assert "\r\nDTEND:20260712T160000Z\r\n" in feed
    assert "SUMMARY:Summer festival\\; stalls\\, music" in feed
    assert "LOCATION:Riverside Park\\nbandstand" in feed
    # Long lines are folded at 75 octets, continuing after a space.
    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
    unfolded = feed.replace("\r\n ", "")
    assert "DESCRIPTION:Festival stand. Come and tell us" in unfolded
    assert unfolded.count("Come and tell us what matters to you.") == 4
