"""Journeys through the conversation log: an officer at a festival stand on a phone
(including a dropped connection), a councillor reading the ward briefing, and an
officer exporting the spreadsheet."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from engage.accounts.models import Role, User
from engage.conversations.models import (
    Conversation,
    ConversationContact,
    Event,
    PostcodeWard,
    Theme,
)
from engage.db import utcnow
from engage.extensions import db
from engage.wards.models import Ward
from tests.browser.conftest import assert_accessible, sign_in

NOT_SAVED = "Not saved – check your connection and try again"
# GOV.UK buttons ignore a second press within a second: protection from double taps.
DOUBLE_TAP_GUARD_MS = 1100


def _count(model: type) -> int:
    db.session.rollback()  # end the test's read snapshot to see the server's writes
    return db.session.scalar(db.select(db.func.count()).select_from(model)) or 0


def _save(phone, expected_count: int) -> None:  # type: ignore[no-untyped-def]
    phone.wait_for_timeout(DOUBLE_TAP_GUARD_MS)
    phone.get_by_role("button", name="Save and log another").click()
    banner = phone.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"Conversation saved. {expected_count} logged at")
    expect(phone.get_by_label("What did they raise?")).to_have_value("")
    expect(phone.locator("#logged-count")).to_have_text(str(expected_count))


def test_an_officer_logs_five_conversations_on_a_phone_and_a_councillor_sees_the_priority(
    phone,
    page,
    make_ward: Callable[..., Ward],
    make_user: Callable[..., User],
    make_event: Callable[..., Event],
    themes: dict[str, Theme],
) -> None:
    ward = make_ward("Riverside East")
    make_ward("Abbey Fields")
    db.session.add(PostcodeWard(postcode="RV1 1", ward_id=ward.id))
    db.session.commit()
    officer = make_user(Role.ENGAGEMENT_OFFICER, ward=ward, name="Priya Shah")
    councillor = make_user(Role.COUNCILLOR, ward=ward, name="Grace Okafor")
    make_event("Riverside Summer Festival", wards=[ward])

    sign_in(phone, officer)
    phone.goto("/conversations/log")
    assert_accessible(phone)
    phone.get_by_role("link", name="Riverside Summer Festival").click()
    expect(phone.locator("h1")).to_have_text("Log a conversation")
    assert_accessible(phone)

    # 1. Tapping through: two themes, the ward from the list.
    phone.get_by_label("What did they raise?").fill(
        "Fly-tipping behind the shops; the council should fine people"
    )
    phone.get_by_label("Enforcement").check()
    phone.get_by_label("Litter and fly-tipping").check()
    phone.get_by_label("Or their ward").select_option(label="Riverside East")
    phone.get_by_label("Negative").check()
    _save(phone, 1)
    assert_accessible(phone)

    # 2. Keyboard only: the postcode finds the ward, Enter saves.
    phone.get_by_label("What did they raise?").focus()
    phone.keyboard.type("Wardens never come when cars block the pavement")
    phone.keyboard.press("Tab")
    for _ in range(2):  # to "Enforcement", the third theme
        phone.keyboard.press("Tab")
    phone.keyboard.press("Space")
    phone.get_by_label("Their postcode (optional)").focus()
    phone.keyboard.type("rv1 1ab")
    phone.wait_for_timeout(DOUBLE_TAP_GUARD_MS)
    phone.keyboard.press("Enter")
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("2 logged at")

    # 3. The connection drops: nothing is lost, and the retry saves once.
    phone.get_by_label("What did they raise?").fill("Dumped mattresses on the corner every week")
    phone.get_by_label("Enforcement").check()
    phone.get_by_label("Or their ward").select_option(label="Riverside East")
    phone.context.set_offline(True)
    phone.wait_for_timeout(DOUBLE_TAP_GUARD_MS)
    phone.get_by_role("button", name="Save and log another").click()
    summary = phone.locator(".govuk-error-summary")
    expect(summary).to_contain_text(NOT_SAVED)
    expect(summary).to_be_focused()
    expect(phone).to_have_title(re.compile(r"^Error: "))
    expect(phone.get_by_label("What did they raise?")).to_have_value(
        "Dumped mattresses on the corner every week"
    )
    expect(phone.get_by_label("Enforcement")).to_be_checked()
    assert_accessible(phone)
    assert _count(Conversation) == 2
    phone.context.set_offline(False)
    _save(phone, 3)
    assert not phone.title().startswith("Error: ")

    # 4. A resident who wants a reply: details revealed, consent given.
    phone.get_by_label("What did they raise?").fill("Who do I ask about a new bin?")
    phone.get_by_label("Litter and fly-tipping").check()
    phone.get_by_label("Or their ward").select_option(label="Not known")
    phone.get_by_label("They want a reply").check()
    phone.get_by_label("They agree to the council keeping these details").check()
    phone.get_by_label("Their name").fill("Sam")
    phone.get_by_label("Email address").fill("sam@example.org")
    _save(phone, 4)
    expect(phone.get_by_label("Their name")).to_be_hidden()

    # 5. A mistake first, shown the GOV.UK way without reloading; then a double tap.
    phone.get_by_label("What did they raise?").fill("More litter bins near the school please")
    phone.get_by_label("Or their ward").select_option(label="Riverside East")
    phone.wait_for_timeout(DOUBLE_TAP_GUARD_MS)
    phone.get_by_role("button", name="Save and log another").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Select at least one theme")
    expect(phone.locator(".govuk-error-message")).to_contain_text("Select at least one theme")
    assert_accessible(phone)
    phone.get_by_label("Litter and fly-tipping").check()
    phone.wait_for_timeout(DOUBLE_TAP_GUARD_MS)
    phone.get_by_role("button", name="Save and log another").dblclick()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("5 logged at")
    expect(phone.locator(".govuk-error-summary")).to_have_count(0)

    assert _count(Conversation) == 5
    assert _count(ConversationContact) == 1
    keyboard_entry = db.session.scalar(
        db.select(Conversation).where(Conversation.summary.like("Wardens%"))
    )
    assert keyboard_entry.ward_id == ward.id
    assert [t.key for t in keyboard_entry.themes] == ["enforcement"]

    # The ward's councillor opens the briefing and sees the new priority.
    sign_in(page, councillor)
    page.get_by_role("link", name="Ward briefing").click()
    expect(page.locator("h1")).to_have_text("Riverside East")
    priorities = page.locator("ol.govuk-list--number").first
    expect(priorities.locator("li").first).to_contain_text("Enforcement")
    expect(priorities.locator("li").first).to_contain_text("3 mentions")
    assert_accessible(page)
    priorities.get_by_role("link", name="Enforcement").click()
    expect(page.locator("h1")).to_have_text("Enforcement")
    expect(page.locator("blockquote").first).to_contain_text("Dumped mattresses")
    assert_accessible(page)


def test_an_officer_exports_the_priorities_spreadsheet(
    page,
    tmp_path: Path,
    make_ward: Callable[..., Ward],
    make_user: Callable[..., User],
    make_conversation: Callable[..., Conversation],
) -> None:
    east, abbey = make_ward("Riverside East"), make_ward("Abbey Fields")
    officer = make_user(Role.ENGAGEMENT_OFFICER, ward=east)
    recently = utcnow() - timedelta(days=10)
    for _ in range(4):
        make_conversation("enforcement", ward=east, when=recently)
    make_conversation("parks-and-green-spaces", ward=east, when=recently)
    make_conversation("housing", ward=abbey, when=recently)
    make_conversation("housing", ward=abbey, when=utcnow() - timedelta(days=120))

    sign_in(page, officer)
    page.goto("/conversations/")
    assert_accessible(page)
    page.get_by_role("link", name="Export spreadsheets").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download ward priorities (Excel)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)

    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["Summary", "Abbey Fields", "Riverside East"]
    summary = sheets["Summary"].set_index("Ward")
    assert summary.loc["Riverside East", "Top priority"] == "Enforcement"
    assert summary.loc["Riverside East", "Total weighted mentions"] == 5
    east_sheet = sheets["Riverside East"]
    assert east_sheet[["Rank", "Theme", "Score", "Trend"]].values.tolist() == [
        [1, "Enforcement", 4, "New"],
        [2, "Parks and green spaces", 1, "New"],
    ]
    abbey_sheet = sheets["Abbey Fields"]
    assert abbey_sheet[["Theme", "Score", "Previous period score"]].values.tolist() == [
        ["Housing", 1, 1]
    ]
