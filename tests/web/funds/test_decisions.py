"""Officer review and councillor decisions through the pages: eligibility, interest
declarations, approving less than asked, the public register, re-authentication, and
refusals that leave the money where it was."""

from __future__ import annotations

import time

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.extensions import db
from engage.funds.models import Bid, BidStatus, LedgerEntry
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.funds import allocation_of


def _eligible(world: World, make_fund, make_bid, amount: int = 500_000):
    fund = make_fund([(world.ward, None, amount)])
    bid = make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.ELIGIBLE,
        officer=world.people["officer"],
    )
    return fund, bid


def test_officer_confirms_and_the_councillor_approves_a_reduced_amount(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(fund, world.people["resident"], world.ward, status=BidStatus.SUBMITTED)
    sign_in_as(client, world.people["officer"])
    review = client.get(f"/local-fund/bids/{bid.id}/review").get_data(as_text=True)
    assert "Meets the rule" in review and "Does not meet the rule" not in review
    post_form(client, f"/local-fund/bids/{bid.id}/confirm", {"note": "Highways can do it."})
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).status is BidStatus.ELIGIBLE

    sign_in_as(client, world.people["councillor"])
    assert bid.title in client.get("/local-fund/decisions").get_data(as_text=True)
    page = client.get(f"/local-fund/bids/{bid.id}/decide").get_data(as_text=True)
    assert "Declare any interest" in page and "Approve" not in page.split("Declare any interest")[1]
    post_form(client, f"/local-fund/bids/{bid.id}/interest", {"has_interest": "no"})
    allocation = allocation_of(fund, world.ward)
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/approve",
        {
            "approve-allocation_id": str(allocation.id),
            "approve-amount": "1,250",
            "approve-reason": "Two lights are enough.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    bid = db.session.get(Bid, bid.id)
    assert (bid.status, bid.approved_pence) == (BidStatus.APPROVED, 125_000)
    assert allocation_of(fund, world.ward).remaining_pence == 375_000

    register = client.get(f"/local-fund/{fund.id}/register").get_data(as_text=True)
    assert "Lights on the canal path" in register and "£1,250" in register
    assert "Highways" in register and "Riverside East" in register
    decisions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.target_type == "fund_bid")
        .order_by(AuditEntry.id)
    ).all()
    assert decisions[-3:] == [
        "fund.bid.confirm_eligible",
        "fund.bid.declare_interest",
        "fund.bid.approve",
    ]


def test_approving_more_than_is_left_shows_why_and_moves_no_money(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund, bid = _eligible(world, make_fund, make_bid)
    allocation = allocation_of(fund, world.ward)
    allocation_id = allocation.id
    # Another bid took most of the allocation after this one was confirmed.
    other = make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.APPROVED,
        officer=world.people["officer"],
        councillor=world.people["councillor"],
        approved_pence=400_000,
        title="Earlier bid",
        answers={"costs": {"cost_lines": [("Benches", 400_000)]}},
    )
    assert other.approved_pence == 400_000
    sign_in_as(client, world.people["councillor"])
    post_form(client, f"/local-fund/bids/{bid.id}/interest", {"has_interest": "no"})
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/approve",
        {
            "approve-allocation_id": str(allocation_id),
            "approve-amount": "2000",
            "approve-reason": "Good",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "not enough left" in page and "£1,000 is left" in page
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).status is BidStatus.ELIGIBLE
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_a_decision_needs_a_recent_sign_in(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    _, bid = _eligible(world, make_fund, make_bid)
    sign_in_as(client, world.people["councillor"])
    with client.session_transaction() as session:
        session["authenticated_at"] = time.time() - 3600
    response = post_form(client, f"/local-fund/bids/{bid.id}/interest", {"has_interest": "no"})
    assert response.status_code == 302
    assert "/account/confirm-password" in response.location
    assert db.session.get(Bid, bid.id).interests == []


def test_a_declared_interest_blocks_the_decision(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund, bid = _eligible(world, make_fund, make_bid)
    sign_in_as(client, world.people["councillor"])
    response = post_form(client, f"/local-fund/bids/{bid.id}/interest", {"has_interest": "yes"})
    assert "Enter what your interest is" in response.get_data(as_text=True)
    post_form(
        client,
        f"/local-fund/bids/{bid.id}/interest",
        {"has_interest": "yes", "details": "I chair the residents' group."},
    )
    page = client.get(f"/local-fund/bids/{bid.id}/decide").get_data(as_text=True)
    assert "you cannot decide it" in page
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/reject",
        {"reject-reason": "Not needed"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).status is BidStatus.ELIGIBLE


def test_a_returned_bid_shows_the_comments_and_can_be_sent_again(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(fund, world.people["resident"], world.ward, status=BidStatus.SUBMITTED)
    sign_in_as(client, world.people["officer"])
    response = post_form(client, f"/local-fund/bids/{bid.id}/return", {"comments": ""})
    assert "Enter what the applicant needs to change" in response.get_data(as_text=True)
    post_form(client, f"/local-fund/bids/{bid.id}/return", {"comments": "Get a second quote."})
    sign_in_as(client, world.people["resident"])
    assert "Get a second quote." in client.get(f"/local-fund/bids/{bid.id}").get_data(as_text=True)
    post_form(client, f"/local-fund/bids/{bid.id}/submit")
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).status is BidStatus.SUBMITTED


def test_completion_with_an_underspend_returns_money(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.IN_DELIVERY,
        officer=world.people["officer"],
        councillor=world.people["councillor"],
    )
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/complete",
        {"actual_spend": "2500", "outcome": "Done"},
    )
    assert "more than the approved amount" in response.get_data(as_text=True)
    post_form(
        client,
        f"/local-fund/bids/{bid.id}/complete",
        {"actual_spend": "1800", "outcome": "Four lights fitted."},
    )
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).status is BidStatus.COMPLETED
    assert allocation_of(fund, world.ward).remaining_pence == 320_000
    page = client.get(f"/local-fund/{fund.id}/register").get_data(as_text=True)
    assert "£1,800" in page and "Completed" in page


def test_a_councillor_for_another_ward_cannot_open_the_decision(
    client: FlaskClient, world: World, make_fund, make_bid, make_user
) -> None:
    from engage.accounts.models import Role

    _, bid = _eligible(world, make_fund, make_bid)
    sign_in_as(client, make_user(Role.COUNCILLOR, ward=world.other_ward))
    assert client.get(f"/local-fund/bids/{bid.id}/decide").status_code == 403
