"""Read helpers for the local fund's pages, the ward page, briefings and exports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import User
from engage.audit import AuditEntry
from engage.db import DbSession
from engage.funds import permissions
from engage.funds.models import (
    PUBLIC_STATUSES,
    Allocation,
    Bid,
    BidStatus,
    Fund,
    bid_wards,
)
from engage.hooks import Mention
from engage.wards.models import Ward

# Where bids live; the priority source gives paths without a request to build them.
BID_PATH = "/local-fund/bids/{id}"


def funds(session: DbSession) -> list[Fund]:
    return list(session.scalars(select(Fund).order_by(Fund.year_start.desc(), Fund.name)))


def latest_fund_for_ward(session: DbSession, ward: Ward) -> Fund | None:
    """The newest fund with money for the ward."""
    return session.scalars(
        select(Fund)
        .join(Allocation, Allocation.fund_id == Fund.id)
        .where(Allocation.ward_id == ward.id)
        .order_by(Fund.year_start.desc(), Fund.opens_on.desc(), Fund.id.desc())
        .limit(1)
    ).first()


def ward_allocations(session: DbSession, fund: Fund, ward: Ward) -> list[Allocation]:
    return list(
        session.scalars(
            select(Allocation)
            .where(Allocation.fund_id == fund.id, Allocation.ward_id == ward.id)
            .options(selectinload(Allocation.councillor))
            .order_by(Allocation.councillor_id.is_not(None), Allocation.id)
        )
    )


def _with_wards(statement: Select[tuple[Bid]]) -> Select[tuple[Bid]]:
    return statement.options(selectinload(Bid.wards))


def register(session: DbSession, fund: Fund, ward: Ward | None = None) -> list[Bid]:
    """Grants made from the fund, newest decision first: the public register."""
    statement = select(Bid).where(Bid.fund_id == fund.id, Bid.status.in_(PUBLIC_STATUSES))
    if ward is not None:
        statement = statement.where(Bid.wards.contains(ward))
    return list(
        session.scalars(_with_wards(statement).order_by(Bid.decided_at.desc(), Bid.id.desc()))
    )


@dataclass
class WardFund:
    """The ward page's local fund section."""

    fund: Fund
    allocations: list[Allocation]
    grants: list[Bid]

    @property
    def remaining_pence(self) -> int:
        return sum(allocation.remaining_pence for allocation in self.allocations)


def ward_fund(session: DbSession, ward: Ward) -> WardFund | None:
    fund = latest_fund_for_ward(session, ward)
    if fund is None:
        return None
    return WardFund(fund, ward_allocations(session, fund, ward), register(session, fund, ward))


@dataclass
class Briefing:
    """The councillor briefing's section: balance, and bids awaiting a decision."""

    fund: Fund
    allocations: list[Allocation]
    awaiting: list[Bid]


def awaiting_decision_statement(ward_ids: list[int]) -> Select[tuple[Bid]]:
    """Bids in these wards awaiting a councillor's decision, oldest first."""
    return _with_wards(
        select(Bid)
        .where(
            Bid.status == BidStatus.ELIGIBLE,
            Bid.id.in_(select(bid_wards.c.bid_id).where(bid_wards.c.ward_id.in_(ward_ids))),
        )
        .order_by(Bid.reviewed_at, Bid.id)
    )


def briefing(session: DbSession, ward: Ward) -> Briefing | None:
    fund = latest_fund_for_ward(session, ward)
    if fund is None:
        return None
    awaiting = session.scalars(awaiting_decision_statement([ward.id]).where(Bid.fund_id == fund.id))
    return Briefing(fund, ward_allocations(session, fund, ward), list(awaiting))


def awaiting_decision_by(session: DbSession, councillor: User) -> list[Bid]:
    """Bids this councillor can decide now, oldest first."""
    ward_ids = [ward.id for ward in councillor.represented_wards]
    bids = session.scalars(
        awaiting_decision_statement(ward_ids).options(selectinload(Bid.interests))
    )
    return [bid for bid in bids if permissions.can_decide_bid(councillor, bid)]


def decided_by(session: DbSession, councillor: User, limit: int = 20) -> list[Bid]:
    return list(
        session.scalars(
            _with_wards(select(Bid).where(Bid.decided_by_id == councillor.id))
            .order_by(Bid.decided_at.desc())
            .limit(limit)
        )
    )


def bids_of(session: DbSession, user: User) -> list[Bid]:
    return list(
        session.scalars(
            _with_wards(select(Bid).where(Bid.proposer_id == user.id)).order_by(
                Bid.updated_at.desc(), Bid.id.desc()
            )
        )
    )


def officer_bids_statement(
    fund: Fund, status: BidStatus | None, ward: Ward | None
) -> Select[tuple[Bid]]:
    """Sent bids (drafts are the applicant's own), oldest first: the queue."""
    statement = select(Bid).where(Bid.fund_id == fund.id, Bid.status != BidStatus.DRAFT)
    if status is not None:
        statement = statement.where(Bid.status == status)
    if ward is not None:
        statement = statement.where(Bid.wards.contains(ward))
    return _with_wards(statement).order_by(Bid.submitted_at, Bid.id)


def bid_history(session: DbSession, bid: Bid) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_type == "fund_bid", AuditEntry.target_id == str(bid.id))
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
    )


# --- the officers' dashboard -------------------------------------------------------


@dataclass
class AllocationLine:
    allocation: Allocation
    spent_pence: int

    @property
    def committed_pence(self) -> int:
        """Approved and not yet spent."""
        return self.allocation.committed_pence - self.spent_pence


@dataclass
class Dashboard:
    lines: list[AllocationLine]
    by_status: Counter[BidStatus]
    overdue: list[Bid]
    days: int
    totals: dict[str, int] = field(default_factory=dict)


def dashboard(session: DbSession, fund: Fund, *, now: datetime, days: int) -> Dashboard:
    spent: dict[int | None, int | None] = dict(
        session.execute(
            select(Bid.allocation_id, func.sum(Bid.actual_spend_pence))
            .where(Bid.fund_id == fund.id, Bid.status == BidStatus.COMPLETED)
            .group_by(Bid.allocation_id)
        )
        .tuples()
        .all()
    )
    allocations = session.scalars(
        select(Allocation)
        .where(Allocation.fund_id == fund.id)
        .options(selectinload(Allocation.ward), selectinload(Allocation.councillor))
    )
    lines = sorted(
        (AllocationLine(a, int(spent.get(a.id) or 0)) for a in allocations),
        key=lambda line: (line.allocation.ward.name, line.allocation.holder),
    )
    by_status = Counter(
        {
            status: count
            for status, count in session.execute(
                select(Bid.status, func.count()).where(Bid.fund_id == fund.id).group_by(Bid.status)
            ).tuples()
        }
    )
    cutoff = now - timedelta(days=days)
    overdue = session.scalars(
        _with_wards(
            select(Bid).where(
                Bid.fund_id == fund.id,
                or_(
                    and_(Bid.status == BidStatus.SUBMITTED, Bid.submitted_at < cutoff),
                    and_(Bid.status == BidStatus.ELIGIBLE, Bid.reviewed_at < cutoff),
                ),
            )
        ).order_by(func.coalesce(Bid.reviewed_at, Bid.submitted_at), Bid.id)
    )
    totals = {
        "allocated": sum(line.allocation.amount_pence for line in lines),
        "committed": sum(line.committed_pence for line in lines),
        "spent": sum(line.spent_pence for line in lines),
        "remaining": sum(line.allocation.remaining_pence for line in lines),
    }
    return Dashboard(lines, by_status, list(overdue), days, totals)


def waiting_since(bid: Bid) -> datetime | None:
    """When the bid started waiting for the decision it is waiting for."""
    return bid.reviewed_at if bid.status is BidStatus.ELIGIBLE else bid.submitted_at


# --- exports -------------------------------------------------------------------------


def export_bids(session: DbSession, fund: Fund) -> list[Bid]:
    return list(
        session.scalars(
            select(Bid)
            .where(Bid.fund_id == fund.id, Bid.status != BidStatus.DRAFT)
            .options(
                selectinload(Bid.wards),
                selectinload(Bid.decided_by),
                selectinload(Bid.allocation),
            )
            .order_by(Bid.id)
        )
    )


def export_decisions(session: DbSession, fund: Fund) -> list[tuple[AuditEntry, Bid]]:
    """Every audited decision on the fund's bids, oldest first."""
    bids = {str(bid.id): bid for bid in session.scalars(select(Bid).where(Bid.fund_id == fund.id))}
    if not bids:
        return []
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_type == "fund_bid", AuditEntry.target_id.in_(list(bids)))
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return [(entry, bids[entry.target_id]) for entry in entries]


# --- ward priorities ------------------------------------------------------------------


def bid_mentions(
    session: DbSession, ward_ids: list[int] | None, start: datetime, end: datetime
) -> Iterator[Mention]:
    """Sent bids as ward-priority mentions: the need residents describe, once per ward
    the bid is for."""
    statement = (
        select(Bid, bid_wards.c.ward_id)
        .join(bid_wards, bid_wards.c.bid_id == Bid.id)
        .where(Bid.submitted_at.is_not(None), Bid.submitted_at >= start, Bid.submitted_at < end)
        .order_by(Bid.submitted_at, Bid.id)
    )
    if ward_ids is not None:
        statement = statement.where(bid_wards.c.ward_id.in_(ward_ids))
    for bid, ward_id in session.execute(statement).tuples():
        assert bid.submitted_at is not None
        yield Mention(
            source="fund",
            ward_id=ward_id,
            occurred_at=bid.submitted_at,
            text=f"{bid.title}\n{bid.local_need}",
            reference=BID_PATH.format(id=bid.id),
        )
