"""The fund's services against a real database: allocations never exceed the fund,
the ledger moves money and nothing else does, councillors decide only what they may,
and refused actions leave everything as it was."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.db import utcnow, write_transaction
from engage.errors import NotAllowed, RuleViolation
from engage.extensions import db
from engage.funds import services
from engage.funds.models import (
    Allocation,
    Bid,
    BidStatus,
    Fund,
    InterestDeclaration,
    LedgerEntry,
    LedgerKind,
)
from engage.wards.models import Ward
from tests.fixtures.funds import allocation_of


@pytest.fixture
def people(make_ward: Callable[..., Ward], make_user: Callable[..., User]) -> dict:
    ward, other = make_ward("Riverside East"), make_ward("Abbey Fields")
    return {
        "ward": ward,
        "other_ward": other,
        "resident": make_user(ward=ward),
        "officer": make_user(Role.FUND_OFFICER, ward=ward),
        "councillor": make_user(Role.COUNCILLOR, ward=ward, name="Grace Okafor"),
        "second_councillor": make_user(Role.COUNCILLOR, ward=ward, name="Tom Evans"),
        "other_councillor": make_user(Role.COUNCILLOR, ward=other),
    }


def ledger_rows() -> list[tuple[LedgerKind, int, int]]:
    return list(
        db.session.execute(
            select(
                LedgerEntry.kind, LedgerEntry.amount_pence, LedgerEntry.committed_after_pence
            ).order_by(LedgerEntry.id)
        ).tuples()
    )


def test_allocations_cannot_add_up_to_more_than_the_fund(make_fund, people) -> None:
    fund = make_fund([(people["ward"], None, 600_000)], total_pence=1_000_000)
    with pytest.raises(RuleViolation, match="cannot add up to more than the fund's £10,000"):
        services.set_allocation(
            db.session,
            actor=people["officer"],
            fund_id=fund.id,
            ward=people["other_ward"],
            councillor=None,
            amount_pence=400_001,
        )
    db.session.rollback()
    services.set_allocation(
        db.session,
        actor=people["officer"],
        fund_id=fund.id,
        ward=people["other_ward"],
        councillor=None,
        amount_pence=400_000,
    )
    db.session.commit()
    assert db.session.get(Fund, fund.id).unallocated_pence == 0


def test_an_allocation_held_by_a_councillor_must_be_for_their_ward(make_fund, people) -> None:
    fund = make_fund()
    with pytest.raises(RuleViolation, match="is not a councillor for Abbey Fields"):
        services.set_allocation(
            db.session,
            actor=people["officer"],
            fund_id=fund.id,
            ward=people["other_ward"],
            councillor=people["councillor"],
            amount_pence=500_000,
        )


def test_each_councillor_can_hold_their_own_allocation(make_fund, make_bid, people) -> None:
    fund = make_fund(
        [
            (people["ward"], people["councillor"], 500_000),
            (people["ward"], people["second_councillor"], 500_000),
        ]
    )
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.ELIGIBLE,
        officer=people["officer"],
    )
    mine = services.decision_allocations(bid, people["councillor"])
    assert [a.holder for a in mine] == ["Councillor Grace Okafor, Riverside East"]


def test_approval_commits_money_through_the_ledger_and_audits_it(
    make_fund, make_bid, people
) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.APPROVED,
        officer=people["officer"],
        councillor=people["councillor"],
        approved_pence=150_000,
    )
    assert allocation_of(fund, people["ward"]).remaining_pence == 350_000
    assert ledger_rows() == [(LedgerKind.APPROVAL, 150_000, 150_000)]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "fund.bid.approve")
    ).one()
    assert entry.actor_id == people["councillor"].id
    assert entry.reason == "Meets a local need"
    assert entry.details["before"]["status"] == "eligible"
    assert entry.details["after"] == {
        "status": "approved",
        "amount_pence": 200_000,
        "approved_pence": 150_000,
        "actual_spend_pence": None,
    }
    assert db.session.get(Bid, bid.id).funded_pence == 150_000


def test_underspend_on_completion_returns_to_the_allocation(make_fund, make_bid, people) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.COMPLETED,
        officer=people["officer"],
        councillor=people["councillor"],
        spent_pence=180_000,
    )
    assert allocation_of(fund, people["ward"]).remaining_pence == 320_000
    assert ledger_rows() == [
        (LedgerKind.APPROVAL, 200_000, 200_000),
        (LedgerKind.RELEASE, -20_000, 180_000),
    ]
    assert services.check_ledger(db.session).problems == []


def test_withdrawing_an_approved_bid_releases_its_money(make_fund, make_bid, people) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.IN_DELIVERY,
        officer=people["officer"],
        councillor=people["councillor"],
    )
    services.withdraw_bid(
        db.session, actor=people["officer"], bid_id=bid.id, reason="Cancelled", now=utcnow()
    )
    db.session.commit()
    assert allocation_of(fund, people["ward"]).remaining_pence == 500_000
    assert ledger_rows()[-1] == (LedgerKind.RELEASE, -200_000, 0)


def test_an_approval_larger_than_what_is_left_is_refused_and_changes_nothing(
    make_fund, make_bid, people
) -> None:
    fund = make_fund([(people["ward"], None, 300_000)])
    second = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.ELIGIBLE,
        officer=people["officer"],
        title="Second",
        answers={"costs": {"cost_lines": [("Benches", 150_000)]}},
    )
    first = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.APPROVED,
        officer=people["officer"],
        councillor=people["councillor"],
    )
    services.declare_interest(
        db.session,
        actor=people["councillor"],
        bid_id=second.id,
        has_interest=False,
        details="",
        now=utcnow(),
    )
    db.session.commit()
    allocation = allocation_of(fund, people["ward"])
    with (
        pytest.raises(RuleViolation, match="not enough left .* £1,000 is left"),
        write_transaction(),
    ):
        services.approve_bid(
            db.session,
            actor=people["councillor"],
            bid_id=second.id,
            allocation_id=allocation.id,
            amount_pence=100_001,
            reason="Good",
            now=utcnow(),
        )
    assert db.session.get(Bid, second.id).status is BidStatus.ELIGIBLE
    assert allocation_of(fund, people["ward"]).committed_pence == first.approved_pence == 200_000
    assert len(ledger_rows()) == 1


def test_the_database_refuses_an_overspent_allocation_even_without_the_service(
    make_fund, people
) -> None:
    fund = make_fund([(people["ward"], None, 300_000)])
    allocation = allocation_of(fund, people["ward"])
    allocation.committed_pence = 300_001
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_councillor_for_another_ward_cannot_decide(make_fund, make_bid, people) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.ELIGIBLE,
        officer=people["officer"],
    )
    with pytest.raises(NotAllowed, match="councillor for the bid's ward"):
        services.declare_interest(
            db.session,
            actor=people["other_councillor"],
            bid_id=bid.id,
            has_interest=False,
            details="",
            now=utcnow(),
        )


def test_a_councillor_must_declare_before_deciding(make_fund, make_bid, people) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.ELIGIBLE,
        officer=people["officer"],
    )
    with pytest.raises(RuleViolation, match="Declare whether you have an interest"):
        services.reject_bid(
            db.session, actor=people["councillor"], bid_id=bid.id, reason="No", now=utcnow()
        )


def test_a_declared_interest_blocks_that_councillor_but_not_another(
    make_fund, make_bid, people
) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.ELIGIBLE,
        officer=people["officer"],
    )
    services.declare_interest(
        db.session,
        actor=people["councillor"],
        bid_id=bid.id,
        has_interest=True,
        details="My sister runs the group",
        now=utcnow(),
    )
    db.session.commit()
    allocation = allocation_of(fund, people["ward"])
    with pytest.raises(NotAllowed, match="declared an interest"):
        services.approve_bid(
            db.session,
            actor=people["councillor"],
            bid_id=bid.id,
            allocation_id=allocation.id,
            amount_pence=1000,
            reason="Good",
            now=utcnow(),
        )
    db.session.rollback()
    services.declare_interest(
        db.session,
        actor=people["second_councillor"],
        bid_id=bid.id,
        has_interest=False,
        details="",
        now=utcnow(),
    )
    services.approve_bid(
        db.session,
        actor=people["second_councillor"],
        bid_id=bid.id,
        allocation_id=allocation.id,
        amount_pence=1000,
        reason="Good",
        now=utcnow(),
    )
    db.session.commit()
    assert db.session.get(Bid, bid.id).status is BidStatus.APPROVED


def test_ledger_entries_and_declarations_cannot_be_changed(make_fund, make_bid, people) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.APPROVED,
        officer=people["officer"],
        councillor=people["councillor"],
    )
    entry = db.session.scalars(select(LedgerEntry)).one()
    entry.amount_pence = 1
    with pytest.raises(RuleViolation, match="cannot be changed or deleted"):
        db.session.flush()
    db.session.rollback()
    declaration = db.session.scalars(select(InterestDeclaration)).one()
    db.session.delete(declaration)
    with pytest.raises(RuleViolation, match="cannot be changed or deleted"):
        db.session.flush()
    db.session.rollback()


def test_a_bid_failing_a_rule_cannot_be_sent(make_fund, make_bid, people) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        answers={
            "service": {
                "delivered_by_council": True,
                "service": "Youth club",
                "pays_voluntary_organisation": True,
            }
        },
    )
    with pytest.raises(RuleViolation, match="cannot be granted to voluntary organisations"):
        services.submit_bid(db.session, actor=people["resident"], bid_id=bid.id, now=utcnow())
    db.session.rollback()
    assert db.session.get(Bid, bid.id).status is BidStatus.DRAFT


def test_a_councillor_cannot_spend_an_allocation_held_by_another(
    make_fund, make_bid, people
) -> None:
    fund = make_fund(
        [
            (people["ward"], people["councillor"], 500_000),
            (people["ward"], people["second_councillor"], 500_000),
        ]
    )
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.ELIGIBLE,
        officer=people["officer"],
    )
    services.declare_interest(
        db.session,
        actor=people["councillor"],
        bid_id=bid.id,
        has_interest=False,
        details="",
        now=utcnow(),
    )
    theirs = next(a for a in fund.allocations if a.councillor_id == people["second_councillor"].id)
    with pytest.raises(RuleViolation, match="allocation you can spend"):
        services.approve_bid(
            db.session,
            actor=people["councillor"],
            bid_id=bid.id,
            allocation_id=theirs.id,
            amount_pence=1000,
            reason="Good",
            now=utcnow(),
        )


def test_a_used_allocation_cannot_be_removed_or_cut_below_what_is_approved(
    make_fund, make_bid, people
) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.APPROVED,
        officer=people["officer"],
        councillor=people["councillor"],
    )
    allocation = allocation_of(fund, people["ward"])
    with pytest.raises(RuleViolation, match="cannot be removed"):
        services.remove_allocation(db.session, actor=people["officer"], allocation_id=allocation.id)
    db.session.rollback()
    with pytest.raises(RuleViolation, match="cannot be less than that"):
        services.set_allocation(
            db.session,
            actor=people["officer"],
            fund_id=fund.id,
            ward=people["ward"],
            councillor=None,
            amount_pence=199_999,
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Allocation)) == 1
    assert allocation_of(fund, people["ward"]).amount_pence == 500_000


def test_changing_an_approved_amount_moves_the_ledger_both_ways(
    make_fund, make_bid, people
) -> None:
    fund = make_fund([(people["ward"], None, 500_000)])
    bid = make_bid(
        fund,
        people["resident"],
        people["ward"],
        status=BidStatus.APPROVED,
        officer=people["officer"],
        councillor=people["councillor"],
        approved_pence=100_000,
    )
    for amount in (150_000, 80_000):
        services.change_amount(
            db.session,
            actor=people["councillor"],
            bid_id=bid.id,
            amount_pence=amount,
            reason="Quote changed",
            now=utcnow(),
        )
    db.session.commit()
    assert [row[1] for row in ledger_rows()] == [100_000, 50_000, -70_000]
    assert allocation_of(fund, people["ward"]).committed_pence == 80_000
    with pytest.raises(NotAllowed):
        services.change_amount(
            db.session,
            actor=people["second_councillor"],
            bid_id=bid.id,
            amount_pence=1000,
            reason="x",
            now=utcnow(),
        )
