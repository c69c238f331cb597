"""The allocation is never overspent under real concurrency, on every backend.

Setup is committed first; then threads, each with its own app context (so its own
session and connection, like separate web requests), wait at a barrier and are
released together into the same service the approve page calls, inside the same
write transaction."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.db import utcnow, write_transaction
from engage.errors import RuleViolation
from engage.extensions import db
from engage.funds import services
from engage.funds.models import Bid, BidStatus, LedgerEntry
from engage.wards.models import Ward
from tests.fixtures.funds import allocation_of, build_bid, build_fund

ASKED = 200_000  # each bid asks for £2,000
ALLOCATION = 1_000_000  # £10,000: room for five of them


def _approve_at_once(
    app: Flask, councillor_id: int, allocation_id: int, bid_ids: list[int]
) -> tuple[int, list]:
    barrier = threading.Barrier(len(bid_ids))
    approved: list[int] = []
    errors: list[BaseException] = []

    def approve(bid_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                with write_transaction():
                    services.approve_bid(
                        db.session,
                        actor=db.session.get(User, councillor_id),
                        bid_id=bid_id,
                        allocation_id=allocation_id,
                        amount_pence=ASKED,
                        reason="Approved at once",
                        now=utcnow(),
                    )
                approved.append(bid_id)
            except RuleViolation:
                pass  # refused as it should be: not enough left, or already decided
            except BaseException as error:  # noqa: BLE001 (reported by the test below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(bid_id,)) for bid_id in bid_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return len(approved), errors


def _eligible_bids(count: int, make_ward: Callable[..., Ward], make_user: Callable[..., User]):
    ward = make_ward("Riverside East")
    resident = make_user(ward=ward)
    officer = make_user(Role.FUND_OFFICER, ward=ward)
    councillor = make_user(Role.COUNCILLOR, ward=ward)
    fund = build_fund([(ward, None, ALLOCATION)])
    bids = [
        build_bid(
            fund,
            resident,
            ward,
            status=BidStatus.ELIGIBLE,
            officer=officer,
            title=f"Bid {n}",
            answers={"costs": {"cost_lines": [("Works", ASKED)]}},
        )
        for n in range(count)
    ]
    for bid in bids:
        services.declare_interest(
            db.session,
            actor=councillor,
            bid_id=bid.id,
            has_interest=False,
            details="",
            now=utcnow(),
        )
    db.session.commit()
    return fund, ward, councillor, [bid.id for bid in bids]


def test_fifty_simultaneous_approvals_never_exceed_the_allocation(
    app: Flask, app_context: None, make_ward, make_user
) -> None:
    fund, ward, councillor, bid_ids = _eligible_bids(50, make_ward, make_user)
    allocation_id = allocation_of(fund, ward).id
    db.session.commit()

    approved, errors = _approve_at_once(app, councillor.id, allocation_id, bid_ids)

    assert errors == []
    db.session.rollback()  # end the read transaction begun before the threads ran
    assert approved == ALLOCATION // ASKED == 5
    allocation = allocation_of(fund, ward)
    assert allocation.committed_pence == ALLOCATION
    assert allocation.remaining_pence == 0
    ledger_total = db.session.scalar(select(func.sum(LedgerEntry.amount_pence)))
    approved_total = db.session.scalar(
        select(func.sum(Bid.approved_pence)).where(Bid.status == BidStatus.APPROVED)
    )
    assert ledger_total == approved_total == ALLOCATION
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "fund.bid.approve")
        )
        == 5
    )
    assert services.check_ledger(db.session).problems == []


def test_twenty_tabs_approving_the_same_bid_approve_it_once(
    app: Flask, app_context: None, make_ward, make_user
) -> None:
    fund, ward, councillor, [bid_id] = _eligible_bids(1, make_ward, make_user)
    allocation_id = allocation_of(fund, ward).id
    db.session.commit()

    approved, errors = _approve_at_once(app, councillor.id, allocation_id, [bid_id] * 20)

    assert errors == []
    assert approved == 1
    db.session.rollback()  # end the read transaction begun before the threads ran
    assert allocation_of(fund, ward).committed_pence == ASKED
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
