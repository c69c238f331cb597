"""The stand form: a plain form without JavaScript, JSON for the script, and an
entry saved once however many times it is sent."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from flask.testing import FlaskClient

from engage.conversations.models import (
    Conversation,
    ConversationContact,
    Event,
    PostcodeWard,
    Theme,
)
from engage.extensions import db
from tests.conftest import World, post_form, sign_in_as


def _count(model: type) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html)
    assert match, "no idempotency key on the form"
    return match.group(1)


def _entry(themes: dict[str, Theme], key: str, **extra: object) -> dict[str, object]:
    return {
        "idempotency_key": key,
        "summary": "Fly-tipping behind the shops, they should fine people",
        "theme_ids": [themes["litter-and-fly-tipping"].id, themes["enforcement"].id],
        "ward": "unknown",
        "sentiment": "negative",
        **extra,
    }


def test_an_officer_logs_a_conversation_without_javascript(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event("Summer festival", wards=[world.ward])
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/events/{event.id}/new"
    page = client.get(url).get_data(as_text=True)
    assert "Summer festival" in page and "0</span> logged at this event" in page
    response = post_form(
        client, url, _entry(themes, _key(page), ward=str(world.ward.id)), follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Conversation saved. 1 logged at Summer festival." in html
    assert response.request.path == url  # PRG: back to an empty form for the next one
    assert _key(html) != _key(page)  # a fresh key for the next entry
    saved = db.session.scalar(db.select(Conversation))
    assert saved.event_id == event.id and saved.ward_id == world.ward.id
    assert sorted(t.key for t in saved.themes) == ["enforcement", "litter-and-fly-tipping"]
    assert saved.logged_by_id == world.people["officer"].id


def test_a_double_tap_or_retry_saves_once(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event()
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/events/{event.id}/new"
    key = _key(client.get(url).get_data(as_text=True))
    first = post_form(client, url, _entry(themes, key))
    second = post_form(client, url, _entry(themes, key), follow_redirects=True)
    assert first.status_code == 302
    assert "That conversation was already saved. 1 logged" in second.get_data(as_text=True)
    assert _count(Conversation) == 1


def test_mistakes_are_shown_the_govuk_way_and_nothing_typed_is_lost(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event()
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/events/{event.id}/new"
    key = _key(client.get(url).get_data(as_text=True))
    response = post_form(
        client,
        url,
        {
            "idempotency_key": key,
            "summary": "Kids have nowhere to go",
            "sentiment": "negative",
            "wants_reply": "y",
            "contact_name": "Sam",
        },
    )
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    summary = html[
        html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))
    ]
    for message in (
        "Select at least one theme",
        "Enter their postcode or choose their ward",
        "Confirm they agree to us keeping their contact details",
        "Enter an email address or a phone number",
    ):
        assert message in summary
    assert "Kids have nowhere to go" in html and 'value="Sam"' in html
    assert _key(html) == key  # the same attempt, so the same key
    assert _count(Conversation) == 0


def test_contact_details_are_stored_apart_and_only_when_a_reply_is_wanted(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event()
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/events/{event.id}/new"
    details = {"contact_name": "Sam Patel", "contact_email": "sam@example.org"}
    post_form(client, url, _entry(themes, str(uuid.uuid4()), **details))  # no reply wanted
    post_form(
        client,
        url,
        _entry(
            themes,
            str(uuid.uuid4()),
            wants_reply="y",
            consent="y",
            follow_up_owner_id=str(world.people["officer"].id),
            **details,
        ),
    )
    assert _count(Conversation) == 2
    contact = db.session.scalar(db.select(ConversationContact))
    assert (contact.name, contact.email) == ("Sam Patel", "sam@example.org")
    wanted = db.session.get(Conversation, contact.conversation_id)
    assert wanted.wants_reply and wanted.follow_up_owner_id == world.people["officer"].id
    assert "Sam" not in wanted.summary


def test_the_postcode_finds_the_ward_and_is_not_kept(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    db.session.add(PostcodeWard(postcode="RV1 1", ward_id=world.other_ward.id))
    event = make_event()
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/events/{event.id}/new"
    post_form(client, url, _entry(themes, str(uuid.uuid4()), ward="", postcode="rv1 1ab"))
    saved = db.session.scalar(db.select(Conversation))
    assert saved.ward_id == world.other_ward.id
    html = post_form(
        client, url, _entry(themes, str(uuid.uuid4()), ward="", postcode="RV9 9ZZ")
    ).get_data(as_text=True)
    assert "We do not know which ward RV9 9ZZ is in" in html
    assert _count(Conversation) == 1


def test_the_script_gets_json_and_a_fresh_key(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event("Canal festival")
    sign_in_as(client, world.people["officer"])
    url = f"/conversations/events/{event.id}/new"
    key = str(uuid.uuid4())
    json_headers = {"Accept": "application/json"}
    saved = post_form(client, url, _entry(themes, key), headers=json_headers)
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["saved"] and not body["already_saved"] and body["count"] == 1
    assert body["message"] == "Conversation saved. 1 logged at Canal festival."
    assert body["idempotency_key"] != key
    retry = post_form(client, url, _entry(themes, key), headers=json_headers).get_json()
    assert retry["saved"] and retry["already_saved"] and retry["count"] == 1
    invalid = post_form(
        client,
        url,
        {"idempotency_key": str(uuid.uuid4()), "summary": "", "wants_reply": "y"},
        headers=json_headers,
    )
    assert invalid.status_code == 422
    errors = {e["field"]: e["text"] for e in invalid.get_json()["errors"]}
    assert errors["summary"] == "Enter what they raised"
    assert errors["theme_ids"] == "Select at least one theme"
    assert errors["contact_name"] == "Enter their name"
    assert _count(Conversation) == 1


def test_a_tampered_key_is_refused(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event()
    sign_in_as(client, world.people["officer"])
    html = post_form(
        client, f"/conversations/events/{event.id}/new", _entry(themes, "not-a-uuid")
    ).get_data(as_text=True)
    assert "This form is out of date. Refresh the page." in html
    assert _count(Conversation) == 0


def test_the_event_is_remembered_between_entries(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    first, second = make_event("Fun day"), make_event("Carnival")
    sign_in_as(client, world.people["officer"])
    choose = client.get("/conversations/log")
    assert "Which event are you at?" in choose.get_data(as_text=True)
    client.get(f"/conversations/events/{second.id}/new")
    remembered = client.get("/conversations/log")
    assert remembered.status_code == 302
    assert remembered.location.endswith(f"/conversations/events/{second.id}/new")
    changing = client.get("/conversations/log?change=1").get_data(as_text=True)
    assert "Fun day" in changing and "the event you used last" in changing
    assert first.id != second.id


def test_following_up_deletes_contact_details_and_deleting_is_audited(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    from engage.audit import AuditEntry

    event = make_event()
    sign_in_as(client, world.people["officer"])
    post_form(
        client,
        f"/conversations/events/{event.id}/new",
        _entry(
            themes,
            str(uuid.uuid4()),
            wants_reply="y",
            consent="y",
            contact_name="Sam",
            contact_phone="07700 900123",
        ),
    )
    conversation = db.session.scalar(db.select(Conversation))
    page = client.get(f"/conversations/{conversation.id}").get_data(as_text=True)
    assert "07700 900123" in page
    done = post_form(client, f"/conversations/{conversation.id}/replied", follow_redirects=True)
    assert "Their contact details have been deleted" in done.get_data(as_text=True)
    assert _count(ConversationContact) == 0
    refused = post_form(client, f"/conversations/{conversation.id}/delete", {"reason": ""})
    assert "Enter a reason" in refused.get_data(as_text=True) and _count(Conversation) == 1
    post_form(client, f"/conversations/{conversation.id}/delete", {"reason": "Logged twice"})
    assert _count(Conversation) == 0
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "conversations.delete")
    )
    assert entry.reason == "Logged twice"


def test_the_log_filters_are_allow_listed(
    client: FlaskClient,
    world: World,
    themes: dict[str, Theme],
    make_conversation: Callable[..., Conversation],
) -> None:
    make_conversation("housing", ward=world.ward, summary="Damp in the flat")
    make_conversation("transport", ward=None, summary="Buses are late")
    sign_in_as(client, world.people["officer"])
    by_ward = client.get(f"/conversations/?ward={world.ward.slug}").get_data(as_text=True)
    assert "Damp in the flat" in by_ward and "Buses are late" not in by_ward
    unknown = client.get("/conversations/?ward=unknown").get_data(as_text=True)
    assert "Buses are late" in unknown and "Damp in the flat" not in unknown
    junk = client.get("/conversations/?ward=%27%3B--&theme=nope&event=abc&page=-3")
    assert junk.status_code == 200
    assert "Damp in the flat" in junk.get_data(as_text=True)
