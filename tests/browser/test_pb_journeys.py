"""Journeys through participatory budgeting in Chromium: a resident proposes, an
officer costs and shortlists, residents vote (approval and budget ballots) and one
changes their ballot, an officer enters a paper ballot, voting closes and the results
explain themselves; and two tabs submitting at once leave one ballot. axe runs on
every page visited."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.extensions import db
from engage.pb.models import Ballot, BallotRevision, BallotType, Phase, Process, Proposal
from engage.wards.models import Ward
from tests.browser.conftest import assert_accessible, sign_in, sign_out
from tests.fixtures.pb import build_process, build_proposal, build_shortlist


def fresh(model: type, key: int):  # type: ignore[no-untyped-def]
    db.session.rollback()  # end the test's read snapshot to see the server's writes
    return db.session.get(model, key)


def click_phase(page, button: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The budget is now at")
    assert_accessible(page)


def test_from_proposal_to_results_with_a_changed_ballot_and_a_paper_vote(
    page, make_ward: Callable[..., Ward], make_user: Callable[..., User]
) -> None:
    ward = make_ward("Riverside East")
    officer = make_user(Role.PB_ADMINISTRATOR, ward=ward, name="Priya Officer")
    jamie = make_user(ward=ward, name="Jamie Patel", email="jamie@example.org")
    chris = make_user(ward=ward, name="Chris Lee", email="chris@example.org")
    process = build_process(
        ward=ward,
        phase=Phase.PROPOSALS,
        title="Riverside Decides",
        budget_pence=1_000_000,
        max_choices=2,
    )
    build_proposal(process, author=chris, title="Youth club kit")
    build_proposal(process, author=chris, title="Street trees")

    # A resident proposes a project, after a mistake that loses nothing.
    sign_in(page, jamie)
    page.goto("/budgets/")
    assert_accessible(page)
    page.get_by_role("link", name="Riverside Decides").click()
    assert_accessible(page)
    page.get_by_role("link", name="Propose a project").first.click()
    page.get_by_label("Describe your project").fill("Benches along the river walk.")
    page.get_by_role("button", name="Submit your proposal").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert "Enter a name for your project" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Project name").fill("Benches by the river")
    page.get_by_role("button", name="Submit your proposal").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been submitted")
    assert_accessible(page)
    sign_out(page)

    # The officer closes proposals, costs every proposal and publishes the shortlist.
    sign_in(page, officer)
    page.goto(f"/budgets/{process.id}/manage")
    assert_accessible(page)
    click_phase(page, "Close proposals and start review")
    for title, cost in (
        ("Benches by the river", "3,000"),
        ("Youth club kit", "4,000"),
        ("Street trees", "5,000"),
    ):
        page.get_by_role("link", name=f"Review {title}").click()
        assert_accessible(page)
        page.get_by_label("Feasible", exact=True).check()
        page.get_by_label("Estimated cost in pounds").fill(cost)
        page.get_by_role("button", name="Save review").click()
        page.get_by_role("button", name=f"Add to shortlist {title}").click()
    assert_accessible(page)
    click_phase(page, "Publish the shortlist")
    click_phase(page, "Open voting")
    sign_out(page)

    # Jamie votes, then changes their mind.
    sign_in(page, jamie)
    page.goto(f"/budgets/{process.id}")
    page.get_by_role("link", name="Vote now").click()
    assert "Choose up to 2 projects" in page.content()
    assert_accessible(page)
    for title in ("Benches by the river", "Youth club kit", "Street trees"):
        page.get_by_label(title).check()
    page.get_by_role("button", name="Submit your ballot").click()
    assert (
        "Choose no more than 2 projects. You chose 3"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Street trees").uncheck()
    page.get_by_role("button", name="Submit your ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your ballot has been counted"
    )
    page.get_by_label("Youth club kit").uncheck()
    page.get_by_label("Street trees").check()
    page.get_by_role("button", name="Change your ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Only your latest ballot counts"
    )
    assert_accessible(page)
    sign_out(page)

    # Chris votes too.
    sign_in(page, chris)
    page.goto(f"/budgets/{process.id}/ballot")
    page.get_by_label("Benches by the river").check()
    page.get_by_role("button", name="Submit your ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your ballot has been counted"
    )
    sign_out(page)

    # The officer enters a paper ballot from the festival stand, closes voting and publishes.
    sign_in(page, officer)
    page.goto(f"/budgets/{process.id}/manage")
    page.get_by_role("link", name="Enter paper ballots").click()
    assert_accessible(page)
    page.get_by_label("Ballot number").fill("F-001")
    page.get_by_label("Voter's ward").select_option(label="Riverside East")
    page.get_by_label("Youth club kit").check()
    page.get_by_role("button", name="Enter ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ballot F-001 entered")
    assert_accessible(page)
    page.goto(f"/budgets/{process.id}/manage")
    click_phase(page, "Close voting")
    page.get_by_role("link", name="Preview the count").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the results").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Results")
    sign_out(page)

    # Anyone can read the results and why each project did or did not win.
    page.goto(f"/budgets/{process.id}/results")
    assert_accessible(page)
    funded = page.locator("h2:has-text('Funded projects') + ul").inner_text()
    assert "Benches by the river" in funded
    assert page.locator("#project-" + str(_id("Benches by the river"))).is_visible()
    explanations = page.locator("h2:has-text('Why each project')").locator("xpath=..").inner_text()
    assert "Street trees" in explanations and "Youth club kit" in explanations
    assert page.locator("svg[role=img] title").count() == 1
    page.get_by_role("link", name="Street trees").first.click()
    assert_accessible(page)

    assert fresh(Process, process.id).phase is Phase.RESULTS
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 3
    assert db.session.scalar(select(func.count()).select_from(BallotRevision)) == 1


def _id(title: str) -> int:
    db.session.rollback()  # end the test's read snapshot to see the server's writes
    return db.session.scalar(select(Proposal.id).where(Proposal.title == title))


def test_a_budget_ballot_keeps_a_running_total(
    page, make_ward: Callable[..., Ward], make_user: Callable[..., User]
) -> None:
    ward = make_ward("Riverside East")
    voter = make_user(ward=ward)
    process = build_process(
        ward=ward, phase=Phase.VOTING, ballot_type=BallotType.KNAPSACK, budget_pence=1_000_000
    )
    build_shortlist(process, voter, [400_000, 300_000, 500_000], ["Benches", "Youth club", "Trees"])
    sign_in(page, voter)
    page.goto(f"/budgets/{process.id}/ballot")
    total = page.locator("#running-total")
    expect(total).to_have_text("You have chosen projects costing £0 of £10,000. £10,000 left.")
    page.get_by_label("Benches").check()
    page.get_by_label("Trees").check()
    expect(total).to_have_text("You have chosen projects costing £9,000 of £10,000. £1,000 left.")
    page.get_by_label("Youth club").check()
    expect(total).to_contain_text("which is £2,000 more than the budget of £10,000")
    assert_accessible(page)
    page.get_by_role("button", name="Submit your ballot").click()
    assert "£2,000 more than the budget" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Youth club").uncheck()
    page.get_by_role("button", name="Submit your ballot").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your ballot has been counted"
    )
    assert_accessible(page)
    db.session.rollback()  # end the test's read snapshot to see the server's writes
    ballot = db.session.scalar(select(Ballot))
    assert [c.proposal.title for c in ballot.choices] == ["Benches", "Trees"]


def test_two_tabs_submitting_at_once_leave_one_ballot(
    page, make_ward: Callable[..., Ward], make_user: Callable[..., User]
) -> None:
    ward = make_ward("Riverside East")
    voter = make_user(ward=ward)
    process = build_process(ward=ward, phase=Phase.VOTING, budget_pence=1_000_000)
    build_shortlist(process, voter, [1000, 2000], ["Benches", "Trees"])
    sign_in(page, voter)
    second = page.context.new_page()  # another tab, same signed-in session
    for tab, title in ((page, "Benches"), (second, "Trees")):
        tab.goto(f"/budgets/{process.id}/ballot")
        tab.get_by_label(title).check()
    # Submit both forms in the same instant, without waiting for either to finish.
    page.evaluate("document.querySelector('form[data-ballot]').requestSubmit()")
    second.evaluate("document.querySelector('form[data-ballot]').requestSubmit()")
    # Each tab ends on the ballot page, now offering to change the ballot. (The
    # confirmations share one session, so either tab may show both or neither.)
    for tab in (page, second):
        expect(tab.get_by_role("button", name="Change your ballot")).to_be_visible()
    assert_accessible(second)
    db.session.rollback()
    ballots = db.session.scalars(select(Ballot).where(Ballot.process_id == process.id)).all()
    assert len(ballots) == 1
    assert db.session.scalar(select(func.count()).select_from(BallotRevision)) == 1
