"""A fault between the writes of a decision (the bid's new state, the ledger entry,
the audit entry) leaves nothing half-written: the whole decision is rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.extensions import db
from engage.funds import services
from engage.funds.models import Bid, BidStatus, LedgerEntry
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.funds import allocation_of


class InjectedFault(Exception):
    pass


def _fail(*args: Any, **kwargs: Any) -> None:
    raise InjectedFault("the server stopped half-way")


@pytest.mark.parametrize(
    "where",
    [
        # After the bid and the allocation have changed, before the ledger entry.
        "engage.funds.services.LedgerEntry",
        # After the ledger entry, before the audit entry.
        "engage.funds.services.audit.record",
    ],
)
def test_a_fault_half_way_through_an_approval_leaves_no_partial_rows(
    client: FlaskClient,
    world: World,
    make_fund,
    make_bid,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    fund = make_fund([(world.ward, None, 500_000)])
    bid = make_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.ELIGIBLE,
        officer=world.people["officer"],
    )
    sign_in_as(client, world.people["councillor"])
    post_form(client, f"/local-fund/bids/{bid.id}/interest", {"has_interest": "no"})
    allocation_id = allocation_of(fund, world.ward).id
    audits_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    db.session.commit()

    monkeypatch.setattr(where, _fail)
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/approve",
        {
            "approve-allocation_id": str(allocation_id),
            "approve-amount": "2000",
            "approve-reason": "Good",
        },
    )
    monkeypatch.undo()
    assert response.status_code == 500  # the error page, never a half-made decision

    db.session.rollback()
    assert db.session.get(Bid, bid.id).status is BidStatus.ELIGIBLE
    assert db.session.get(Bid, bid.id).approved_pence is None
    assert allocation_of(fund, world.ward).committed_pence == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits_before
    assert services.check_ledger(db.session).problems == []

    # Once the fault is gone the same decision goes through whole.
    response = post_form(
        client,
        f"/local-fund/bids/{bid.id}/approve",
        {
            "approve-allocation_id": str(allocation_id),
            "approve-amount": "2000",
            "approve-reason": "Good",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert allocation_of(fund, world.ward).committed_pence == 200_000
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
