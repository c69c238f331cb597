"""Bidding through the question pages: drafts are saved, the check-your-answers page
runs the fund's rules before sending, and refused answers change nothing."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.extensions import db
from engage.funds.models import Bid, BidStatus
from tests.conftest import World, post_form, sign_in_as

ANSWERS = {
    "need": {"local_need": "The path is dark.", "deliverables": "Four solar lights."},
    "costs": {
        "lines-0-description": "Lights",
        "lines-0-amount": "1,500",
        "lines-1-description": "Fitting",
        "lines-1-amount": "500.50",
    },
    "service": {
        "delivered_by_council": "yes",
        "service": "Highways",
        "pays_voluntary_organisation": "yes",
    },
    "aims": {"aims": "Safer, cleaner streets"},
    "ongoing": {"is_one_off": "yes", "has_ongoing_costs": "no"},
    "support": {"support_evidence": "A petition.", "support_link": "/forums/threads/3"},
}


def _start(client: FlaskClient, fund_id: int) -> int:
    response = post_form(
        client,
        f"/local-fund/{fund_id}/bids/new",
        {"proposer_kind": "resident", "title": "Lights on the canal path"},
    )
    assert response.status_code == 302
    assert response.location.endswith("/answers/need")
    return int(response.location.split("/")[-3])


def test_a_resident_answers_every_question_sees_a_failing_rule_fixes_it_and_sends(
    client: FlaskClient, world: World, make_fund
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    resident = world.people["resident"]
    sign_in_as(client, resident)
    bid_id = _start(client, fund.id)
    post_form(client, f"/local-fund/bids/{bid_id}/answers/wards", {"ward_ids": str(world.ward.id)})
    for step, data in ANSWERS.items():
        response = post_form(client, f"/local-fund/bids/{bid_id}/answers/{step}", data)
        assert response.status_code == 302, step
    assert response.location.endswith(f"/bids/{bid_id}/check")

    page = client.get(f"/local-fund/bids/{bid_id}/check").get_data(as_text=True)
    assert "£2,000.50" in page
    assert "The fund cannot be granted to voluntary organisations" in page
    assert "Send bid" not in page
    refused = post_form(client, f"/local-fund/bids/{bid_id}/submit")
    assert refused.status_code == 302
    assert db.session.get(Bid, bid_id).status is BidStatus.DRAFT

    fixed = dict(ANSWERS["service"], pays_voluntary_organisation="no")
    post_form(client, f"/local-fund/bids/{bid_id}/answers/service?from=check", fixed)
    page = client.get(f"/local-fund/bids/{bid_id}/check").get_data(as_text=True)
    assert "Does not meet the rule" not in page
    assert "Send bid" in page
    response = post_form(client, f"/local-fund/bids/{bid_id}/submit")
    assert response.location.endswith(f"/local-fund/bids/{bid_id}")
    db.session.expire_all()
    bid = db.session.get(Bid, bid_id)
    assert bid.status is BidStatus.SUBMITTED
    assert bid.amount_pence == 200_050
    assert [line.description for line in bid.cost_lines] == ["Lights", "Fitting"]
    assert bid.support_link == "/forums/threads/3"
    assert db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.target_type == "fund_bid", AuditEntry.target_id == str(bid_id)
        )
    ).all() == ["fund.bid.submit"]
    assert "Awaiting officer review" in client.get(f"/local-fund/bids/{bid_id}").get_data(
        as_text=True
    )


def test_a_question_page_with_errors_shows_the_summary_and_saves_nothing(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(fund, world.people["resident"], world.ward)
    sign_in_as(client, world.people["resident"])
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/answers/costs",
        {"lines-0-description": "Lights", "lines-0-amount": "lots"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error:" in page
    assert "Cost in pounds must be an amount in pounds" in page
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).amount_pence == 200_000


def test_a_link_to_another_site_is_refused(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(fund, world.people["resident"], world.ward)
    sign_in_as(client, world.people["resident"])
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/answers/support",
        {"support_evidence": "", "support_link": "https://evil.example/x"},
    )
    assert "Enter a link to a page on this site" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Bid, bid.id).support_link == ""


def test_a_ward_without_money_in_the_fund_cannot_be_chosen(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(fund, world.people["resident"], world.ward)
    sign_in_as(client, world.people["resident"])
    page = client.get(f"/local-fund/bids/{bid.id}/answers/wards").get_data(as_text=True)
    assert world.other_ward.name not in page
    response = post_form(
        client, f"/local-fund/bids/{bid.id}/answers/wards", {"ward_ids": str(world.other_ward.id)}
    )
    assert "Choose wards from the list" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [w.id for w in db.session.get(Bid, bid.id).wards] == [world.ward.id]


def test_drafts_are_private_and_sent_bids_cannot_be_edited(
    client: FlaskClient, world: World, make_fund, make_bid
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    draft = make_bid(fund, world.people["resident"], world.ward)
    for who in ("other_resident", "officer", "councillor"):
        sign_in_as(client, world.people[who])
        assert client.get(f"/local-fund/bids/{draft.id}").status_code == 403
    sent = make_bid(fund, world.people["resident"], world.ward, status=BidStatus.SUBMITTED)
    sign_in_as(client, world.people["resident"])
    response = post_form(
        client, f"/local-fund/bids/{sent.id}/answers/need", {"local_need": "X", "deliverables": "Y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Bid, sent.id).local_need == "The path is dark at night."


def test_a_closed_fund_takes_no_bids(client: FlaskClient, world: World, make_fund) -> None:
    from datetime import date

    fund = make_fund(
        [(world.ward, None, 500_000)], opens_on=date(2020, 4, 1), closes_on=date(2021, 3, 31)
    )
    sign_in_as(client, world.people["resident"])
    response = post_form(
        client, f"/local-fund/{fund.id}/bids/new", {"proposer_kind": "resident", "title": "Late"}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Bid)).all() == []
    assert "not taking bids" in client.get(response.location).get_data(as_text=True)


def test_a_resident_cannot_bid_as_a_councillor(
    client: FlaskClient, world: World, make_fund
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    sign_in_as(client, world.people["resident"])
    page = client.get(f"/local-fund/{fund.id}/bids/new").get_data(as_text=True)
    assert "My ward, as its councillor" not in page
    response = post_form(
        client, f"/local-fund/{fund.id}/bids/new", {"proposer_kind": "councillor", "title": "Mine"}
    )
    assert response.status_code == 200
    assert db.session.scalars(select(Bid)).all() == []


def test_links_with_impossible_ids_are_not_found(
    client: FlaskClient, world: World, make_fund
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    sign_in_as(client, world.people["officer"])
    assert client.get("/local-fund/bids/99999999999999999999").status_code == 404
    assert (
        client.get(f"/local-fund/{fund.id}/register?ward=99999999999999999999").status_code == 200
    )
