"""What the fund adds to shared pages and duties: the ward page, the councillor's
briefing, ward priorities, a person's data download and erasure, and demo data."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.accounts import data_rights
from engage.db import utcnow
from engage.extensions import db
from engage.funds.models import Bid, BidStatus, Fund
from engage.hooks import hooks
from tests.conftest import World, sign_in_as


def test_the_ward_page_shows_what_is_left_and_grants_made(
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
        approved_pence=120_000,
    )
    page = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
    assert "£3,800 is left in" in page
    assert "Lights on the canal path" in page and "£1,200" in page
    other = client.get(f"/wards/{world.other_ward.slug}").get_data(as_text=True)
    assert f"There is no local fund money for {world.other_ward.name}" in other


def test_the_briefing_shows_the_balance_and_bids_waiting(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, world.people["councillor"], 500_000)])
    make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.ELIGIBLE,
        officer=world.people["officer"],
        title="Waiting for you",
    )
    sign_in_as(client, world.people["councillor"])
    page = client.get(f"/briefings/{world.ward.slug}").get_data(as_text=True)
    assert "briefing-fund-heading" in page
    assert "1 bid is waiting" in page and "Waiting for you" in page


def test_sent_bids_count_toward_ward_priorities(
    app: Flask, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    make_bid(fund, world.people["resident"], world.ward, title="Draft only")
    make_bid(fund, world.people["resident"], world.ward, status=BidStatus.SUBMITTED, title="Sent")
    source = hooks(app).priority_sources["fund"]
    now = utcnow()
    mentions = list(
        source(db.session, [world.ward.id], now - timedelta(days=1), now + timedelta(days=1))
    )
    assert [m.text.splitlines()[0] for m in mentions] == ["Sent"]
    assert mentions[0].ward_id == world.ward.id and mentions[0].source == "fund"
    assert list(source(db.session, [world.other_ward.id], now - timedelta(days=1), now)) == []


def test_a_persons_bids_are_in_their_data_and_erasure_keeps_the_public_record(
    world: World, make_fund, make_bid
) -> None:
    resident = world.people["resident"]
    fund = make_fund([(world.ward, None, 500_000)])
    make_bid(fund, resident, world.ward, title="My draft")
    approved = make_bid(
        fund,
        resident,
        world.ward,
        status=BidStatus.APPROVED,
        officer=world.people["officer"],
        councillor=world.people["councillor"],
        title="My grant",
    )
    tables = data_rights.personal_data(db.session, resident)
    assert sorted(row["title"] for row in tables["local_fund_bids"]) == ["My draft", "My grant"]
    declarations = data_rights.personal_data(db.session, world.people["councillor"])
    assert declarations["local_fund_interest_declarations"][0]["has_interest"] is False

    data_rights.erase_account(db.session, actor=resident, user=resident, reason="Asked")
    db.session.commit()
    assert db.session.scalars(select(Bid.title)).all() == ["My grant"]
    kept = db.session.get(Bid, approved.id)
    assert kept.status is BidStatus.APPROVED and kept.support_evidence == ""
    assert kept.proposed_by == "A resident"


def test_demo_data_has_a_bid_in_every_state_and_runs_again(app_context: None) -> None:
    from engage import demo

    demo.seed(db.session)
    db.session.commit()
    demo.seed(db.session)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Fund)) == 1
    statuses = set(db.session.scalars(select(Bid.status)))
    assert statuses == set(BidStatus)
    from engage.funds.services import check_ledger

    assert check_ledger(db.session).problems == []


def test_the_ledger_check_command_reconciles(app: Flask, world: World, make_fund, make_bid) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.APPROVED,
        officer=world.people["officer"],
        councillor=world.people["councillor"],
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["funds", "check-ledger"])
    assert result.exit_code == 0
    assert "Checked 1 allocations: the ledger adds up." in result.output
