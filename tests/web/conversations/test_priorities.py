"""Ward priorities pages, evidence, responses and the public ward page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from engage.conversations.models import Conversation, Event, PriorityResponse, Theme
from engage.db import utcnow
from engage.extensions import db
from engage.hooks import Mention
from tests.conftest import World, post_form, sign_in_as


def _raise(make_conversation: Callable[..., Conversation], ward, key: str, times: int, **kw):  # type: ignore[no-untyped-def]
    for _ in range(times):
        make_conversation(key, ward=ward, **kw)


def test_ward_priorities_rank_every_source_with_evidence_and_charts(
    client: FlaskClient,
    world: World,
    make_conversation: Callable[..., Conversation],
    priority_source: list[Mention],
) -> None:
    now = utcnow()
    _raise(make_conversation, world.ward, "enforcement", 3, when=now - timedelta(days=3))
    _raise(make_conversation, world.ward, "housing", 2, when=now - timedelta(days=5))
    priority_source.append(
        Mention(
            "pb",
            world.ward.id,
            now - timedelta(days=2),
            "Youth club refurbishment",
            6,
            ("youth-provision",),
            "/pb/proposals/4",
        )
    )
    sign_in_as(client, world.people["councillor"])
    html = client.get(f"/conversations/priorities/{world.ward.slug}").get_data(as_text=True)
    rows = html[html.index("<tbody") : html.index("</tbody>")]
    order = [rows.index(name) for name in ("Youth provision", "Enforcement", "Housing")]
    assert order == sorted(order)
    assert "Participatory budgeting" in html and "Conversations at events" in html
    assert "New: not raised in the period before" in html
    assert "“Youth club refurbishment”" in html  # the newest example for each priority
    # Each chart has its figures in a table, and the method is on the page.
    assert html.count('role="img"') == 3 and "the figures in the charts" in html
    assert "How priorities are ranked" in html


def test_drilling_into_a_priority_shows_redacted_quotes_and_responses(
    client: FlaskClient,
    world: World,
    themes: dict[str, Theme],
    make_conversation: Callable[..., Conversation],
    make_event: Callable[..., Event],
) -> None:
    event = make_event("Summer festival", wards=[world.ward])
    make_conversation(
        "enforcement",
        ward=world.ward,
        event=event,
        summary="Dumped outside 14 Mill Lane, call me on 07700 900123",
    )
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/priorities/{world.ward.slug}/enforcement"
    html = client.get(url).get_data(as_text=True)
    assert "Ranked 1 in Riverside East" in html
    assert "Dumped outside [address removed], call me on [phone number removed]" in html
    assert "Mill Lane" not in html and "07700" not in html
    assert "Summer festival" in html

    post_form(client, f"{url}/notes", {"text": "Cllr Okafor wants monthly figures"})
    form = {
        "you_said": "Fly-tippers are never caught",
        "we_did": "Two enforcement officers patrol on Saturdays",
        "owner": "Street Enforcement team",
        "status": "in_progress",
        "status_on": ["1", "9", "2026"],
    }
    post_form(client, f"{url}/responses/new", form)
    html = client.get(url).get_data(as_text=True)
    assert "Cllr Okafor wants monthly figures" in html
    assert "Two enforcement officers patrol on Saturdays" in html and "Under way" in html

    response = db.session.scalar(db.select(PriorityResponse))
    post_form(client, f"/conversations/responses/{response.id}/edit", {**form, "status": "done"})
    refused = post_form(
        client,
        f"/conversations/responses/{response.id}/edit",
        {**form, "status": "not_possible"},
    ).get_data(as_text=True)
    assert "A response that is done cannot be marked not possible" in refused
    db.session.refresh(response)
    assert response.status.value == "done"

    # The public ward page shows the priority and the response, never the notes.
    with client.session_transaction() as session:
        session.clear()
    public = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
    assert "What residents have told us" in public and "Enforcement" in public
    assert "Two enforcement officers patrol on Saturdays" in public
    assert "Cllr Okafor" not in public and "Mill Lane" not in public


def test_councillors_see_only_the_wards_they_represent(
    client: FlaskClient, world: World, themes: dict[str, Theme]
) -> None:
    sign_in_as(client, world.people["councillor"])
    assert client.get(f"/conversations/priorities/{world.other_ward.slug}").status_code == 403
    overview = client.get("/conversations/priorities").get_data(as_text=True)
    assert world.ward.name in overview and world.other_ward.name not in overview
    assert (
        client.get(f"/conversations/priorities/{world.ward.slug}/no-such-theme").status_code == 404
    )


def test_a_bad_period_falls_back_to_the_last_three_months(
    client: FlaskClient, world: World, themes: dict[str, Theme]
) -> None:
    sign_in_as(client, world.people["officer"])
    html = client.get(
        f"/conversations/priorities/{world.ward.slug}?period=%27%20or%201=1"
    ).get_data(as_text=True)
    assert '<option value="quarter" selected>' in html
    year = client.get(f"/conversations/priorities?period={utcnow().year}").get_data(as_text=True)
    assert f'<option value="{utcnow().year}" selected>' in year


def test_the_ward_page_lists_upcoming_events(
    client: FlaskClient, world: World, make_event: Callable[..., Event], themes: dict[str, Theme]
) -> None:
    make_event("Winter drop-in", wards=[world.ward], starts_at=utcnow() + timedelta(days=4))
    html = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
    assert "Winter drop-in" in html
    assert "Nothing has been logged for Riverside East in the last 12 months yet" in html
    assert f"/events/wards/{world.ward.slug}/events.ics" in html


def test_the_ward_page_keeps_its_ranking_for_a_while_but_briefings_count_afresh(
    app: Flask,
    client: FlaskClient,
    world: World,
    make_conversation: Callable[..., Conversation],
) -> None:
    now = utcnow()
    _raise(make_conversation, world.ward, "enforcement", 2, when=now - timedelta(days=3))
    app.config["WARD_PRIORITIES_CACHE_SECONDS"] = 300
    try:
        first = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
        _raise(make_conversation, world.ward, "housing", 5, when=now - timedelta(days=2))
        cached = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
        sign_in_as(client, world.people["councillor"])
        briefing = client.get(f"/briefings/{world.ward.slug}").get_data(as_text=True)
    finally:
        app.config["WARD_PRIORITIES_CACHE_SECONDS"] = 0
    assert "Enforcement" in first and "Housing" not in first
    assert "Housing" not in cached  # the page's ranking is up to five minutes old
    assert "Housing" in briefing  # a councillor's briefing is counted now
    fresh = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
    assert "Housing" in fresh
