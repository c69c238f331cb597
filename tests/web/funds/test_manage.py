"""Fund officers set up funds, allocations and rules, watch the dashboard and export
bids and decisions; nobody else can."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.db import utcnow
from engage.extensions import db
from engage.funds.models import Bid, BidStatus, Fund
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.funds import allocation_of


def test_an_officer_creates_a_fund_with_the_standard_rules(
    client: FlaskClient, world: World
) -> None:
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        "/local-fund/manage/new",
        {
            "name": "Local Fund 2026/27",
            "year_start": "2026",
            "total": "£500,000",
            "opens_on": ["1", "4", "2026"],
            "closes_on": ["31", "1", "2027"],
            "corporate_aims": "Safer streets\nHealthier lives",
            "decision_days": "28",
        },
    )
    assert response.status_code == 302
    fund = db.session.scalars(select(Fund)).one()
    assert (fund.total_pence, fund.financial_year) == (50_000_000, "2026/27")
    assert fund.corporate_aims == ["Safer streets", "Healthier lives"]
    assert [rule.key for rule in fund.rules] == [
        "fund_open",
        "one_off",
        "no_revenue_implications",
        "promotes_corporate_aim",
        "council_service",
        "not_voluntary_organisation",
        "within_allocation",
        "amount_limits",
    ]
    assert db.session.scalars(select(AuditEntry.action)).all() == ["fund.create"]


def test_a_fund_form_with_errors_saves_nothing(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["administrator"])
    response = post_form(client, "/local-fund/manage/new", {"name": "", "total": "-5"})
    page = response.get_data(as_text=True)
    assert "Enter the fund&#39;s name" in page or "Enter the fund's name" in page
    assert "There is a problem" in page
    assert db.session.scalars(select(Fund)).all() == []


def test_allocations_cannot_exceed_the_fund(client: FlaskClient, world: World, make_fund) -> None:
    fund = make_fund([(world.ward, None, 800_000)], total_pence=1_000_000)
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/local-fund/manage/{fund.id}/allocations",
        {"ward_id": str(world.other_ward.id), "councillor_id": "0", "amount": "2000.01"},
    )
    page = response.get_data(as_text=True)
    assert "cannot add up to more than the fund" in page
    assert len(db.session.get(Fund, fund.id).allocations) == 1
    post_form(
        client,
        f"/local-fund/manage/{fund.id}/allocations",
        {
            "ward_id": str(world.ward.id),
            "councillor_id": str(world.people["councillor"].id),
            "amount": "2000",
        },
    )
    db.session.expire_all()
    holders = sorted(a.holder for a in db.session.get(Fund, fund.id).allocations)
    assert holders == ["Councillor Grace Councillor, Riverside East", "Riverside East ward"]
    assert db.session.get(Fund, fund.id).unallocated_pence == 0


def test_rules_can_be_switched_off_and_their_numbers_set(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(
        fund,
        world.people["resident"],
        world.ward,
        answers={
            "ongoing": {"is_one_off": False, "has_ongoing_costs": False, "ongoing_cost_pence": None}
        },
    )
    sign_in_as(client, world.people["officer"])
    keys = [rule.key for rule in fund.rules if rule.key != "one_off"]
    response = post_form(
        client,
        f"/local-fund/manage/{fund.id}/rules",
        {"enabled": keys, "minimum_pence": "100", "maximum_pence": "1500"},
    )
    assert response.status_code == 302
    sign_in_as(client, world.people["resident"])
    page = client.get(f"/local-fund/bids/{bid.id}/check").get_data(as_text=True)
    assert "only for one-off projects" not in page
    assert "Bids must be for at least £100 and at most £1,500. You asked for £2,000." in page

    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/local-fund/manage/{fund.id}/rules",
        {"enabled": keys, "minimum_pence": "2000", "maximum_pence": "1000"},
    )
    assert "must not be more than the largest" in response.get_data(as_text=True)
    db.session.expire_all()
    limits = next(r for r in db.session.get(Fund, fund.id).rules if r.key == "amount_limits")
    assert limits.parameters == {"minimum_pence": 10_000, "maximum_pence": 150_000}


def test_the_dashboard_shows_money_and_bids_waiting_too_long(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.COMPLETED,
        officer=world.people["officer"],
        councillor=world.people["councillor"],
        spent_pence=150_000,
    )
    waiting = make_bid(
        fund, world.people["resident"], world.ward, status=BidStatus.SUBMITTED, title="Old bid"
    )
    waiting.submitted_at = utcnow() - timedelta(days=40)
    db.session.commit()
    sign_in_as(client, world.people["officer"])
    page = client.get(f"/local-fund/manage/{fund.id}").get_data(as_text=True)
    assert "£1,500" in page  # spent
    assert "£3,500" in page  # remaining
    assert "Waiting more than 28 days" in page and "Old bid" in page


def test_exports_are_for_fund_officers_and_neutralise_formulas(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.APPROVED,
        officer=world.people["officer"],
        councillor=world.people["councillor"],
        title='=HYPERLINK("http://evil")',
    )
    for who in ("resident", "councillor"):
        sign_in_as(client, world.people[who])
        assert (
            post_form(client, f"/local-fund/manage/{fund.id}/exports/bids.csv").status_code == 403
        )
    sign_in_as(client, world.people["officer"])
    response = post_form(client, f"/local-fund/manage/{fund.id}/exports/bids.csv")
    assert response.mimetype == "text/csv"
    frame = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    assert frame.loc[0, "Title"] == '\'=HYPERLINK("http://evil")'
    assert frame.loc[0, "Amount approved (£)"] == 2000
    response = post_form(client, f"/local-fund/manage/{fund.id}/exports/decisions.xlsx")
    decisions = pd.read_excel(io.BytesIO(response.data), sheet_name="Decisions")
    assert list(decisions["Decision"]) == [
        "Sent for review",
        "Eligibility confirmed",
        "Declared no interest",
        "Approved",
    ]
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("fund.export.%"))
    ).all() == ["fund.export.bids", "fund.export.decisions"]


def test_drafts_are_left_out_of_the_officers_queue(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    make_bid(fund, world.people["resident"], world.ward, title="Still a draft")
    make_bid(
        fund, world.people["resident"], world.ward, status=BidStatus.SUBMITTED, title="Sent one"
    )
    sign_in_as(client, world.people["officer"])
    page = client.get(f"/local-fund/manage/{fund.id}/bids").get_data(as_text=True)
    assert "Sent one" in page and "Still a draft" not in page
    page = client.get(f"/local-fund/manage/{fund.id}/bids?status=eligible").get_data(as_text=True)
    assert "Sent one" not in page
    assert db.session.scalars(select(Bid)).all()
    assert allocation_of(fund, world.ward).committed_pence == 0
