"""Events: officers add them, everyone sees them, councillors say they will attend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient

from engage.conversations.models import Event
from engage.db import utcnow
from engage.extensions import db
from tests.conftest import World, post_form, sign_in_as

NEXT_YEAR = utcnow().year + 1


def test_an_officer_adds_an_event_in_local_time(client: FlaskClient, world: World) -> None:
    councillor = world.people["councillor"]
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        "/events/new",
        {
            "title": "Riverside Summer Festival",
            "kind": "festival_stand",
            "day": ["12", "7", str(NEXT_YEAR)],
            "start_time": "10am",
            "end_time": "16:30",
            "place": "Riverside Park bandstand",
            "ward_ids": [str(world.ward.id)],
            "area_id": "0",
            "organiser": "Community Engagement team",
            "councillor_ids": [str(councillor.id)],
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Riverside Summer Festival added to the events." in html
    day = date(NEXT_YEAR, 7, 12)
    assert f"{day:%A} 12 July {NEXT_YEAR}, 10am to 4:30pm" in html
    event = db.session.scalar(db.select(Event))
    # 10am in British Summer Time is 9am UTC.
    assert (event.starts_at.hour, event.ends_at.hour, event.ends_at.minute) == (9, 15, 30)
    assert [w.id for w in event.wards] == [world.ward.id]
    assert [c.id for c in event.councillors] == [councillor.id]


def test_event_form_errors_keep_what_was_typed(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    html = post_form(
        client,
        "/events/new",
        {
            "title": "Winter drop-in",
            "kind": "drop_in",
            "day": ["31", "2", str(NEXT_YEAR)],
            "start_time": "7pm",
            "end_time": "6pm",
            "place": "",
            "area_id": "0",
            "organiser": "Team",
        },
    ).get_data(as_text=True)
    assert "<title>Error: " in html
    assert "Date must be a real date" in html
    assert "End time must be after the start time" in html
    assert "Enter where the event is" in html
    assert 'value="Winter drop-in"' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


def test_everyone_sees_events_calendar_and_feed(
    client: FlaskClient, world: World, make_event: Callable[..., Event]
) -> None:
    soon = utcnow().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=3)
    make_event("Canal Festival", wards=[world.ward], starts_at=soon)
    make_event("Elsewhere fair", wards=[world.other_ward], starts_at=soon)
    make_event("Old fair", wards=[world.ward], starts_at=soon - timedelta(days=60))
    listing = client.get(f"/events/?ward={world.ward.slug}").get_data(as_text=True)
    assert "Canal Festival" in listing and "Elsewhere fair" not in listing
    assert "Old fair" not in listing
    past = client.get("/events/?show=past").get_data(as_text=True)
    assert "Old fair" in past and "Canal Festival" not in past
    month = f"{soon:%Y-%m}"
    calendar = client.get(f"/events/wards/{world.ward.slug}/calendar?month={month}")
    assert "Canal Festival" in calendar.get_data(as_text=True)
    assert client.get(f"/events/wards/{world.ward.slug}/calendar?month=nonsense").status_code == 200
    feed = client.get(f"/events/wards/{world.ward.slug}/events.ics")
    assert feed.mimetype == "text/calendar"
    text = feed.get_data(as_text=True)
    assert "SUMMARY:Canal Festival" in text and "SUMMARY:Old fair" in text
    assert "Elsewhere fair" not in text
    assert f"DTSTART:{soon:%Y%m%dT%H%M%S}Z" in text


def test_a_councillor_says_they_will_attend(
    client: FlaskClient, world: World, make_event: Callable[..., Event]
) -> None:
    event = make_event("Walkabout", starts_at=utcnow() + timedelta(days=5))
    councillor = world.people["councillor"]
    sign_in_as(client, councillor)
    assert "I will attend" in client.get(f"/events/{event.id}").get_data(as_text=True)
    page = post_form(
        client, f"/events/{event.id}/attend", {"attending": "yes"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "You are down to attend." in page and "Grace Councillor" in page
    post_form(client, f"/events/{event.id}/attend", {"attending": "no"})
    db.session.refresh(event)
    assert event.councillors == []


def test_an_officer_changes_an_event_and_records_the_headcount(
    client: FlaskClient, world: World, make_event: Callable[..., Event]
) -> None:
    event = make_event("Fun day", wards=[world.ward])
    sign_in_as(client, world.people["officer"])
    form = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="Fun day"' in form
    local_day = event.starts_at.astimezone(ZoneInfo("Europe/London"))
    post_form(
        client,
        f"/events/{event.id}/edit",
        {
            "title": "Family fun day",
            "kind": "festival_stand",
            "day": [str(local_day.day), str(local_day.month), str(local_day.year)],
            "start_time": "11:00",
            "place": "The green",
            "area_id": "0",
            "organiser": "Team",
            "headcount": "350",
        },
    )
    db.session.refresh(event)
    assert (event.title, event.headcount, event.wards) == ("Family fun day", 350, [])
