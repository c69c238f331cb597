"""The local fund in Chromium: a resident drafts a bid, sees a failing grant rule on
check-your-answers, fixes it and sends it; an officer confirms eligibility; the ward
councillor declares no interest and approves a reduced amount; the public register
shows the grant. axe runs on every page visited."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.funds.models import Bid, BidStatus
from engage.wards.models import Ward
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.fixtures.funds import build_fund


def save(page) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()


def answer(page, question: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_a_bid_from_draft_to_the_public_register(
    page, make_ward: Callable[..., Ward], make_user: Callable[..., User]
) -> None:
    ward = make_ward("Riverside East")
    resident = make_user(ward=ward, name="Jamie Patel", email="jamie@example.org")
    officer = make_user(Role.FUND_OFFICER, ward=ward, name="Priya Shah", email="priya@example.org")
    councillor = make_user(
        Role.COUNCILLOR, ward=ward, name="Grace Okafor", email="grace@example.org"
    )
    fund = build_fund([(ward, None, 500_000)])

    # The resident drafts a bid.
    sign_in(page, resident)
    page.goto(f"/local-fund/{fund.id}")
    assert_accessible(page)
    page.get_by_role("button", name="Start a bid").click()
    expect(page.locator("h1")).to_have_text("Who is proposing the project?")
    page.get_by_label("Me, as a resident").check()
    page.get_by_label("Name of your project").fill("Lights on the canal path")
    save(page)
    page.get_by_label("What local need does it meet?").fill("People avoid the path after dark.")
    page.get_by_label("What will be delivered?").fill("Four solar lights by the lock.")
    save(page)
    page.get_by_label("Riverside East").check()
    save(page)
    page.locator("#lines-0-description").fill("Four solar lights")
    page.locator("#lines-0-amount").fill("1,600")
    page.locator("#lines-1-description").fill("Fitting")
    page.locator("#lines-1-amount").fill("400")
    save(page)
    answer(page, "Will a council service deliver the project?", "Yes")
    page.get_by_label("Which council service?").fill("Highways")
    answer(page, "Would any of the money be paid to a voluntary or community organisation?", "Yes")
    save(page)
    page.get_by_label("Safer, cleaner streets").check()
    save(page)
    answer(page, "Is it a one-off project?", "Yes")
    answer(
        page, "Once delivered, will it cost the council anything to run, staff or maintain?", "No"
    )
    save(page)
    page.get_by_label("Evidence of local support (optional)").fill("A petition with 80 names.")
    save(page)

    # Check your answers shows the failing rule before anything is sent.
    expect(page.locator("h1")).to_have_text("Check your answers before sending your bid")
    expect(
        page.get_by_text("The fund cannot be granted to voluntary organisations")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Send bid")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role(
        "link", name="Change whether money is paid to a voluntary organisation"
    ).click()
    answer(page, "Would any of the money be paid to a voluntary or community organisation?", "No")
    save(page)
    expect(page.get_by_text("Does not meet the rule")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Send bid").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your bid has been sent")
    assert_accessible(page)
    bid_url = page.url
    sign_out(page)

    # The fund officer confirms it is eligible.
    sign_in(page, officer)
    page.goto(bid_url)
    page.get_by_role("button", name="Review this bid").click()
    expect(page.locator(".govuk-caption-l")).to_contain_text("Officer review")
    assert_accessible(page)
    page.get_by_label("Note for the councillor (optional)").fill("Highways confirmed the quote.")
    page.get_by_role("button", name="Confirm it is eligible").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Eligibility confirmed")
    sign_out(page)

    # The ward councillor declares no interest and approves less than asked.
    sign_in(page, councillor)
    page.get_by_role("link", name="Bids to decide").first.click()
    expect(page.locator("h1")).to_have_text("Bids to decide")
    assert_accessible(page)
    page.get_by_role("link", name="Lights on the canal path").click()
    page.get_by_role("button", name="Decide this bid").click()
    expect(page.locator(".govuk-caption-l")).to_contain_text("Your decision")
    assert_accessible(page)
    answer(page, "Do you have an interest to declare in this bid?", "No")
    page.get_by_role("button", name="Save declaration").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You declared no interest")
    assert_accessible(page)
    page.get_by_label("Amount to approve, in pounds").fill("1500")
    page.get_by_label("Reason for your decision").fill("Three lights cover the darkest stretch.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Bid approved")
    assert_accessible(page)

    # The public register shows the grant, to anyone.
    sign_out(page)
    page.goto(f"/local-fund/{fund.id}/register")
    row = page.get_by_role("row", name="Lights on the canal path")
    expect(row).to_contain_text("£1,500")
    expect(row).to_contain_text("Highways")
    expect(row).to_contain_text("Safer, cleaner streets")
    assert_accessible(page)

    db.session.rollback()  # end the test's read snapshot to see the server's writes
    bid = db.session.scalars(db.select(Bid)).one()
    assert (bid.status, bid.approved_pence, bid.amount_pence) == (
        BidStatus.APPROVED,
        150_000,
        200_000,
    )


def test_the_question_pages_work_on_a_phone(
    phone, make_ward: Callable[..., Ward], make_user: Callable[..., User]
) -> None:
    ward = make_ward("Riverside East")
    resident = make_user(ward=ward, email="sam@example.org")
    fund = build_fund([(ward, None, 500_000)])
    sign_in(phone, resident)
    phone.goto(f"/local-fund/{fund.id}/bids/new")
    phone.get_by_role("button", name="Save and continue").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Select who is proposing the project"
    )
    expect(phone).to_have_title(re.compile(r"^Error: "))
    assert_accessible(phone)
