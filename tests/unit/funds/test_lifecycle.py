"""The bid state machine: every legal move succeeds and every illegal one is refused
by the model with a message, leaving the bid as it was. No database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from engage.accounts.models import User
from engage.errors import RuleViolation
from engage.funds.models import STEPS, TRANSITIONS, Allocation, Bid, BidStatus

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
OFFICER = User(email="o@example.org", display_name="Officer")
COUNCILLOR = User(email="c@example.org", display_name="Councillor")


def _bid(status: BidStatus) -> Bid:
    return Bid(
        status=status,
        steps_done=list(STEPS),
        amount_pence=200_000,
        approved_pence=150_000 if status in (BidStatus.APPROVED, BidStatus.IN_DELIVERY) else None,
    )


MOVES: dict[BidStatus, Callable[[Bid], None]] = {
    BidStatus.SUBMITTED: lambda bid: bid.submit(NOW),
    BidStatus.ELIGIBLE: lambda bid: bid.confirm_eligible(OFFICER, "Checked", NOW),
    BidStatus.RETURNED: lambda bid: bid.return_for_changes(OFFICER, "Name the service", NOW),
    BidStatus.APPROVED: lambda bid: bid.approve(COUNCILLOR, Allocation(), 100_000, "Good", NOW),
    BidStatus.REJECTED: lambda bid: bid.reject(COUNCILLOR, "Not needed", NOW),
    BidStatus.IN_DELIVERY: lambda bid: bid.start_delivery(NOW),
    BidStatus.COMPLETED: lambda bid: bid.complete(100_000, "Delivered", "", NOW),
    BidStatus.WITHDRAWN: lambda bid: bid.withdraw("Changed plans", NOW),
}
PAIRS = [(start, end) for start in BidStatus for end in MOVES]


@pytest.mark.parametrize(("start", "end"), [p for p in PAIRS if p[1] in TRANSITIONS[p[0]]])
def test_every_legal_move_succeeds(start: BidStatus, end: BidStatus) -> None:
    bid = _bid(start)
    MOVES[end](bid)
    assert bid.status is end
    assert bid.updated_at == NOW


@pytest.mark.parametrize(("start", "end"), [p for p in PAIRS if p[1] not in TRANSITIONS[p[0]]])
def test_every_illegal_move_is_refused(start: BidStatus, end: BidStatus) -> None:
    bid = _bid(start)
    with pytest.raises(RuleViolation, match=f"This bid is {start.label.lower()}, so it cannot"):
        MOVES[end](bid)
    assert bid.status is start


def test_the_legal_moves_are_the_ones_the_issue_describes() -> None:
    assert TRANSITIONS[BidStatus.DRAFT] == {BidStatus.SUBMITTED, BidStatus.WITHDRAWN}
    assert TRANSITIONS[BidStatus.ELIGIBLE] == {
        BidStatus.APPROVED,
        BidStatus.REJECTED,
        BidStatus.WITHDRAWN,
    }
    for final in (BidStatus.REJECTED, BidStatus.COMPLETED, BidStatus.WITHDRAWN):
        assert TRANSITIONS[final] == frozenset()


def test_an_incomplete_draft_cannot_be_sent() -> None:
    bid = _bid(BidStatus.DRAFT)
    bid.steps_done = ["proposer", "need"]
    with pytest.raises(RuleViolation, match="Answer every question"):
        bid.submit(NOW)
    assert bid.status is BidStatus.DRAFT


@pytest.mark.parametrize(
    ("amount", "message"),
    [(0, "more than £0"), (-5, "more than £0"), (200_001, "more than the bid asked for")],
)
def test_approval_needs_an_amount_within_what_was_asked(amount: int, message: str) -> None:
    bid = _bid(BidStatus.ELIGIBLE)
    with pytest.raises(RuleViolation, match=message):
        bid.approve(COUNCILLOR, Allocation(), amount, "Good", NOW)
    assert bid.status is BidStatus.ELIGIBLE and bid.approved_pence is None


def test_an_approval_for_less_than_asked_is_kept() -> None:
    bid = _bid(BidStatus.ELIGIBLE)
    bid.approve(COUNCILLOR, Allocation(), 120_000, "Part funded", NOW)
    assert (bid.approved_pence, bid.decision_reason, bid.funded_pence) == (
        120_000,
        "Part funded",
        120_000,
    )


@pytest.mark.parametrize(
    "move",
    [
        lambda bid: bid.reject(COUNCILLOR, "  ", NOW),
        lambda bid: bid.approve(COUNCILLOR, Allocation(), 1000, "", NOW),
        lambda bid: bid.withdraw("", NOW),
    ],
)
def test_decisions_need_a_reason(move: Callable[[Bid], None]) -> None:
    bid = _bid(BidStatus.ELIGIBLE)
    with pytest.raises(RuleViolation, match="Enter a reason"):
        move(bid)
    assert bid.status is BidStatus.ELIGIBLE


def test_completion_cannot_spend_more_than_approved_or_skip_the_report() -> None:
    bid = _bid(BidStatus.IN_DELIVERY)
    with pytest.raises(RuleViolation, match="more than the approved amount"):
        bid.complete(150_001, "Delivered", "", NOW)
    with pytest.raises(RuleViolation, match="short report"):
        bid.complete(100_000, " ", "", NOW)
    assert bid.status is BidStatus.IN_DELIVERY
    bid.complete(100_000, "Delivered", "", NOW)
    assert bid.funded_pence == 100_000  # the underspend no longer counts against it


def test_the_approved_amount_changes_only_while_funded() -> None:
    bid = _bid(BidStatus.APPROVED)
    with pytest.raises(RuleViolation, match="different from the one approved"):
        bid.change_amount(150_000, NOW)
    bid.change_amount(90_000, NOW)
    assert bid.approved_pence == 90_000
    with pytest.raises(RuleViolation, match="cannot be changed"):
        _bid(BidStatus.ELIGIBLE).change_amount(90_000, NOW)
