"""The council's local time. Times are stored in UTC; people type and read them in
the council's time zone (British Summer Time moves a festival's 2pm by an hour)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def council_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["COUNCIL_TIMEZONE"])


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local(value: datetime | None) -> datetime | None:
    """A stored UTC time in the council's zone, for display."""
    if value is None:
        return None
    return value.astimezone(council_zone())


def format_time(value: datetime | None) -> str:
    """ "2pm", "10:30am": the GOV.UK style for times."""
    moment = local(value)
    if moment is None:
        return ""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def format_day(value: datetime | date | None) -> str:
    """ "Saturday 12 July 2026" in the council's zone."""
    if value is None:
        return ""
    moment = local(value) if isinstance(value, datetime) else value
    assert moment is not None
    return f"{moment:%A} {moment.day} {moment:%B %Y}"
