"""Exports for officers, councillors' briefings, the monthly digest, demo data and
data rights."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import timedelta

import pandas as pd
from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.conversations.models import (
    BriefingPreference,
    Conversation,
    ConversationContact,
    Event,
    Theme,
)
from engage.conversations.services import ContactDetails
from engage.db import utcnow
from engage.extensions import db
from tests.conftest import World, post_form, sign_in_as


def test_priorities_workbook_has_a_summary_and_a_sheet_per_ward(
    client: FlaskClient, world: World, make_conversation: Callable[..., Conversation]
) -> None:
    for _ in range(3):
        make_conversation("enforcement", ward=world.ward)
    make_conversation("housing", ward=world.other_ward)
    make_conversation(
        "housing",
        ward=world.other_ward,
        summary="=cmd|' /C calc'!A0",
        contact=ContactDetails(name="Sam Secret", email="sam.secret@example.org"),
    )
    sign_in_as(client, world.people["officer"])
    response = post_form(client, "/conversations/exports/priorities.xlsx", {"period": "year"})
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ward-priorities-year.xlsx"'
    )
    sheets = pd.read_excel(io.BytesIO(response.data), sheet_name=None)
    assert list(sheets) == ["Summary", "Abbey Fields", "Riverside East"]
    summary = sheets["Summary"].set_index("Ward")
    assert summary.loc["Riverside East", "Top priority"] == "Enforcement"
    assert summary.loc["Riverside East", "Top priority score"] == 3
    assert summary.loc["Abbey Fields", "Total weighted mentions"] == 2
    east = sheets["Riverside East"]
    assert east[["Rank", "Theme", "Score"]].values.tolist() == [[1, "Enforcement", 3]]

    log = post_form(client, "/conversations/exports/conversations.csv", {"period": "year"})
    text = log.get_data(as_text=True)
    assert "Sam Secret" not in text and "sam.secret@example.org" not in text
    assert "'=cmd" in text  # a formula is written as text
    frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")))
    assert len(frame) == 5 and "Ward" in frame.columns
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"conversations.export.priorities", "conversations.export.conversations"} <= actions
    assert post_form(client, "/conversations/exports/priorities.pdf").status_code == 404


def test_exports_ask_for_the_password_again_after_a_while(
    client: FlaskClient, world: World, themes: dict[str, Theme]
) -> None:
    sign_in_as(client, world.people["officer"])
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 3600
    response = post_form(
        client,
        "/conversations/exports/priorities.xlsx",
        headers={"Referer": "/conversations/exports"},
    )
    assert response.status_code == 302 and "/account/confirm-password" in response.location


def test_a_councillor_reads_their_briefing_with_every_registered_section(
    client: FlaskClient,
    world: World,
    make_conversation: Callable[..., Conversation],
    make_event: Callable[..., Event],
    briefing_section: str,
) -> None:
    make_conversation("enforcement", ward=world.ward)
    make_event("Winter drop-in", wards=[world.ward], starts_at=utcnow() + timedelta(days=9))
    sign_in_as(client, world.people["councillor"])
    index = client.get("/briefings/")
    assert index.status_code == 302  # one ward: straight to its briefing
    html = client.get(index.location).get_data(as_text=True)
    for heading in ("Top priorities", "Upcoming events", "You said, we did", "Named officer"):
        assert heading in html
    assert "Enforcement" in html and "Winter drop-in" in html
    # Another service's section comes after our own parts, with the ward in scope.
    assert "Fund balance for Riverside East: £1,200" in html
    assert html.index("Named officer contacts") < html.index("Fund balance")
    assert client.get(f"/briefings/{world.other_ward.slug}").status_code == 403


def test_councillors_choose_what_they_receive(
    client: FlaskClient, world: World, themes: dict[str, Theme], briefing_section: str
) -> None:
    councillor = world.people["councillor"]
    sign_in_as(client, councillor)
    form = client.get("/briefings/preferences").get_data(as_text=True)
    # Labelled by the section's folder, not by what the section shows.
    assert "Testing" in form and "Fund balance" not in form
    post_form(
        client,
        "/briefings/preferences",
        {"parts": ["priorities", briefing_section], "monthly_email": "yes"},
    )
    saved = db.session.get(BriefingPreference, councillor.id)
    assert saved.monthly_email
    # Everything not chosen is left out, other services' sections included.
    assert {"events", "responses", "contacts"} <= set(saved.hidden_parts)
    assert not {"priorities", briefing_section} & set(saved.hidden_parts)
    html = client.get(f"/briefings/{world.ward.slug}").get_data(as_text=True)
    assert "Top priorities" in html and "Fund balance" in html
    assert '<h2 class="govuk-heading-m">Upcoming events</h2>' not in html
    assert "You chose to leave out: Upcoming events you could attend" in html
    missing = post_form(client, "/briefings/preferences", {"parts": ["priorities"]})
    assert "Select yes if you want a monthly email" in missing.get_data(as_text=True)


def test_monthly_digests_go_once_to_councillors_who_asked(
    app: Flask,
    world: World,
    make_user: Callable[..., User],
    make_conversation: Callable[..., Conversation],
    outbox: Callable[[], list[str]],
) -> None:
    councillor = world.people["councillor"]
    quiet = make_user(Role.COUNCILLOR, ward=world.other_ward, name="Quiet Councillor")
    db.session.add_all(
        [
            BriefingPreference(user_id=councillor.id, monthly_email=True, hidden_parts=[]),
            BriefingPreference(user_id=quiet.id, monthly_email=False, hidden_parts=[]),
        ]
    )
    db.session.commit()
    make_conversation("enforcement", ward=world.ward, summary="Fines for fly-tipping")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["conversations", "send-digests"])
    assert first.exit_code == 0, first.output
    assert "Sent 1 ward briefings; 0 already sent this month" in first.output
    (message,) = outbox()
    assert f"To: {councillor.email}" in message and "Subject: Your ward briefing for" in message
    assert "Riverside East ward" in message and "1. Enforcement: 1 mentions" in message
    assert "/briefings/riverside-east" in message and "/briefings/preferences" in message
    second = runner.invoke(args=["conversations", "send-digests"])
    assert "Sent 0 ward briefings; 1 already sent this month" in second.output
    assert len(outbox()) == 1


def test_the_retention_command_reports_and_is_safe_to_repeat(
    app: Flask, world: World, make_conversation: Callable[..., Conversation]
) -> None:
    details = ContactDetails(name="Sam", email="sam@example.org")
    make_conversation("housing", contact=details, created_at=utcnow() - timedelta(days=200))
    make_conversation("housing", contact=details, created_at=utcnow() - timedelta(days=10))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["conversations", "apply-retention"])
    assert first.exit_code == 0, first.output
    assert "deleted 1 set of contact details taken more than 180 days ago" in first.output
    second = runner.invoke(args=["conversations", "apply-retention"])
    assert "deleted 0 sets" in second.output
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(ConversationContact)) == 1


def test_officers_set_the_retention_period(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    assert 'value="180"' in client.get("/conversations/settings").get_data(as_text=True)
    bad = post_form(client, "/conversations/settings", {"days": "0", "reason": "x"})
    assert "Enter a number of days between 1 and 3650" in bad.get_data(as_text=True)
    done = post_form(
        client, "/conversations/settings", {"days": "90", "reason": "DPO"}, follow_redirects=True
    )
    assert "Contact details will be kept for 90 days." in done.get_data(as_text=True)


def test_demo_festivals_are_seeded_once(app: Flask, app_context: None) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.rollback()
    counts = [
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Event, Conversation, Theme)
    ]
    assert counts[0] == 14 and 250 <= counts[1] <= 400
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert [
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Event, Conversation, Theme)
    ] == counts


def test_import_postcodes_command(app: Flask, world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,ward\nRV1 1,Riverside East\nnonsense,Abbey Fields\nRV2 1,Nowhere\n")
    result = app.test_cli_runner().invoke(args=["conversations", "import-postcodes", str(bad)])
    assert result.exit_code != 0 and "line 3" in result.output and "line 4" in result.output
    good = tmp_path / "good.csv"
    good.write_text("Postcode,Ward\nrv1 1,Riverside East\nRV2 1AB,Abbey Fields\n")
    result = app.test_cli_runner().invoke(args=["conversations", "import-postcodes", str(good)])
    assert result.exit_code == 0 and "Imported 2" in result.output
    from engage.conversations.queries import ward_for_postcode

    db.session.rollback()
    assert ward_for_postcode(db.session, "RV1 1XY").name == "Riverside East"
    assert ward_for_postcode(db.session, "rv21ab").name == "Abbey Fields"
    assert ward_for_postcode(db.session, "RV2 1XY") is None


def test_a_persons_contact_details_are_in_their_data_and_erased_with_their_account(
    client: FlaskClient, world: World, make_conversation: Callable[..., Conversation]
) -> None:
    resident = world.people["resident"]
    make_conversation(
        "housing",
        summary="Damp in the flat",
        contact=ContactDetails(name="Jamie", email=resident.email.upper()),
    )
    from engage.accounts.data_rights import erase_account, personal_data

    tables = personal_data(db.session, resident)
    (row,) = tables["conversation_contact_details"]
    assert row["what_you_raised"] == "Damp in the flat"
    erase_account(db.session, actor=resident, user=resident, reason="Leaving")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(ConversationContact)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Conversation)) == 1
