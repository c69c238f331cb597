"""Bids and decisions as tables for officers: plain rows in, DataFrames out.

``bid_row`` and ``decision_row`` turn models into plain rows; the ``*_frame``
functions are pure. Bytes (and the guard against spreadsheet formulas) come from
``engage.exports``. Times are the council's local time; money is in pounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from engage.audit import AuditEntry
from engage.funds.models import Bid, BidStatus

LONDON = ZoneInfo("Europe/London")

DECISION_LABELS = {
    "fund.bid.submit": "Sent for review",
    "fund.bid.confirm_eligible": "Eligibility confirmed",
    "fund.bid.return": "Returned for changes",
    "fund.bid.declare_interest": "Interest declaration",
    "fund.bid.approve": "Approved",
    "fund.bid.reject": "Rejected",
    "fund.bid.change_amount": "Approved amount changed",
    "fund.bid.start_delivery": "Delivery started",
    "fund.bid.complete": "Completed",
    "fund.bid.withdraw": "Withdrawn",
}


def _when(value: datetime | None) -> str:
    return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if value else ""


def _pounds(pence: int | None) -> float | None:
    return None if pence is None else pence / 100


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _status_label(value: object) -> str:
    try:
        return BidStatus(str(value)).label
    except ValueError:
        return ""


@dataclass(frozen=True)
class BidRow:
    reference: str
    title: str
    status: str
    wards: str
    proposed_by: str
    local_need: str
    deliverables: str
    service: str
    aims: str
    amount_requested: float | None
    one_off: str
    ongoing_cost_per_year: float | None
    paid_to_voluntary_organisation: str
    submitted: str
    allocation: str
    decided_by: str
    decided: str
    decision_reason: str
    amount_approved: float | None
    actual_spend: float | None
    completed: str


def bid_row(bid: Bid) -> BidRow:
    return BidRow(
        reference=bid.reference,
        title=bid.title,
        status=bid.status.label,
        wards=bid.ward_names,
        proposed_by=bid.proposed_by,
        local_need=bid.local_need,
        deliverables=bid.deliverables,
        service=bid.service,
        aims="; ".join(bid.aims),
        amount_requested=_pounds(bid.amount_pence),
        one_off=_yes_no(bid.is_one_off),
        ongoing_cost_per_year=_pounds(bid.ongoing_cost_pence),
        paid_to_voluntary_organisation=_yes_no(bid.pays_voluntary_organisation),
        submitted=_when(bid.submitted_at),
        allocation=bid.allocation.holder if bid.allocation else "",
        decided_by=bid.decided_by.display_name if bid.decided_by else "",
        decided=_when(bid.decided_at),
        decision_reason=bid.decision_reason,
        amount_approved=_pounds(bid.approved_pence),
        actual_spend=_pounds(bid.actual_spend_pence),
        completed=_when(bid.completed_at),
    )


BID_COLUMNS = {
    "reference": "Reference",
    "title": "Title",
    "status": "Status",
    "wards": "Wards",
    "proposed_by": "Proposed by",
    "local_need": "Local need",
    "deliverables": "What will be delivered",
    "service": "Council service",
    "aims": "Corporate aims",
    "amount_requested": "Amount requested (£)",
    "one_off": "One-off",
    "ongoing_cost_per_year": "Ongoing cost a year (£)",
    "paid_to_voluntary_organisation": "Paid to a voluntary organisation",
    "submitted": "Sent",
    "allocation": "Allocation",
    "decided_by": "Decided by",
    "decided": "Decided",
    "decision_reason": "Decision reason",
    "amount_approved": "Amount approved (£)",
    "actual_spend": "Actual spend (£)",
    "completed": "Completed",
}


def bids_frame(rows: Sequence[BidRow]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(row) for row in rows], columns=list(BID_COLUMNS))
    return frame.rename(columns=BID_COLUMNS)


@dataclass(frozen=True)
class DecisionRow:
    when: str
    reference: str
    title: str
    decision: str
    by: str
    status_before: str
    status_after: str
    approved_before: float | None
    approved_after: float | None
    reason: str


def decision_row(entry: AuditEntry, bid: Bid) -> DecisionRow:
    before = entry.details.get("before") or {}
    after = entry.details.get("after") or {}
    decision = DECISION_LABELS.get(entry.action, entry.action)
    if entry.action == "fund.bid.declare_interest":
        decision = (
            "Declared an interest" if entry.details.get("has_interest") else "Declared no interest"
        )
    return DecisionRow(
        when=_when(entry.created_at),
        reference=bid.reference,
        title=bid.title,
        decision=decision,
        by=entry.actor_name,
        status_before=_status_label(before.get("status")),
        status_after=_status_label(after.get("status")),
        approved_before=_pounds(before.get("approved_pence")),
        approved_after=_pounds(after.get("approved_pence")),
        reason=entry.reason,
    )


DECISION_COLUMNS = {
    "when": "When",
    "reference": "Reference",
    "title": "Title",
    "decision": "Decision",
    "by": "By",
    "status_before": "Status before",
    "status_after": "Status after",
    "approved_before": "Approved before (£)",
    "approved_after": "Approved after (£)",
    "reason": "Reason",
}


def decisions_frame(rows: Sequence[DecisionRow]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(row) for row in rows], columns=list(DECISION_COLUMNS))
    return frame.rename(columns=DECISION_COLUMNS)
