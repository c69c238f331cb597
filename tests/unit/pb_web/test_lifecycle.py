"""Guarded transitions on the models: phases, proposal reviews and merges, delivery."""

from __future__ import annotations

import pytest

from engage.accounts.models import User
from engage.errors import RuleViolation
from engage.pb.models import (
    PHASES,
    Delivery,
    DeliveryStatus,
    Phase,
    Process,
    Proposal,
    ProposalStatus,
    Readiness,
)

OFFICER = User(id=7, display_name="Priya Officer")


def at(phase: Phase, **kwargs: object) -> Process:
    return Process(title="Budget", phase=phase, budget_pence=1, archived=False, **kwargs)


def test_phases_move_one_step_forward_only() -> None:
    process = at(Phase.DRAFT)
    for before, target in zip(PHASES, PHASES[1:], strict=False):
        change = process.move_to(target, Readiness(shortlist_size=1, counted=True), actor=OFFICER)
        assert (change.from_phase, change.to_phase, process.phase) == (before, target, target)
    assert [c.to_phase for c in process.phase_changes] == PHASES[1:]
    assert process.phase.next is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Phase.PROPOSALS, Phase.VOTING),  # skipping review and the shortlist
        (Phase.VOTING, Phase.PROPOSALS),  # going back
        (Phase.RESULTS, Phase.RESULTS),
        (Phase.DELIVERY, Phase.DRAFT),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(current: Phase, target: Phase) -> None:
    process = at(current)
    with pytest.raises(RuleViolation, match="phases go in order"):
        process.move_to(target, Readiness(shortlist_size=1, counted=True), actor=OFFICER)
    assert process.phase is current and process.phase_changes == []


def test_the_shortlist_is_published_only_when_every_proposal_is_reviewed() -> None:
    process = at(Phase.REVIEW)
    with pytest.raises(RuleViolation) as refused:
        process.move_to(Phase.SHORTLIST, Readiness(awaiting_review=2), actor=OFFICER)
    assert refused.value.message == (
        "Cannot move to shortlist published: 2 proposals are awaiting review; "
        "the shortlist is empty"
    )


def test_voting_opens_only_when_the_rules_suit_the_shortlist() -> None:
    process = at(Phase.SHORTLIST)
    with pytest.raises(RuleViolation, match="the official counting rule does not suit"):
        process.move_to(
            Phase.VOTING,
            Readiness(rule_problems=("the official counting rule does not suit this ballot",)),
            actor=OFFICER,
        )
    process.move_to(Phase.VOTING, Readiness(), actor=OFFICER)
    assert process.phase is Phase.VOTING and process.rules_locked


def test_results_need_the_count() -> None:
    with pytest.raises(RuleViolation, match="the count has not been run"):
        at(Phase.COUNTING).move_to(Phase.RESULTS, Readiness(counted=False), actor=OFFICER)


def test_archived_processes_never_change() -> None:
    process = at(Phase.RESULTS)
    process.archived = True
    with pytest.raises(RuleViolation, match="archived"):
        process.move_to(Phase.DELIVERY, Readiness(), actor=OFFICER)


def test_a_proposal_is_feasible_with_a_cost_or_not_feasible_with_a_reason() -> None:
    proposal = Proposal(title="Benches", status=ProposalStatus.SUBMITTED, shortlist_position=None)
    with pytest.raises(RuleViolation, match="estimated cost"):
        proposal.review(feasible=True, reason="", cost_pence=None, service="", actor=OFFICER)
    with pytest.raises(RuleViolation, match="reason it is not feasible"):
        proposal.review(feasible=False, reason="", cost_pence=None, service="", actor=OFFICER)
    proposal.review(feasible=True, reason="", cost_pence=50_000, service="Parks", actor=OFFICER)
    proposal.shortlist_position = 1
    proposal.review(
        feasible=False, reason="The land is not ours", cost_pence=None, service="", actor=OFFICER
    )
    assert proposal.status is ProposalStatus.NOT_FEASIBLE
    assert proposal.shortlist_position is None  # off the shortlist when not feasible


def test_merging_credits_both_authors() -> None:
    amy, ben = User(id=1, display_name="Amy"), User(id=2, display_name="Ben")
    first = Proposal(id=1, process_id=1, title="Benches", authors=[amy])
    second = Proposal(id=2, process_id=1, title="More benches", authors=[ben])
    second.status = first.status = ProposalStatus.SUBMITTED
    second.merge_into(first)
    assert second.status is ProposalStatus.MERGED and second.merged_into is first
    assert first.authors == [amy, ben]
    with pytest.raises(RuleViolation, match="cannot be merged again"):
        second.merge_into(first)
    with pytest.raises(RuleViolation, match="different proposal"):
        first.merge_into(first)


def test_delivery_moves_to_an_end_and_stays_there() -> None:
    delivery = Delivery(status=DeliveryStatus.NOT_STARTED, percent_complete=0, cancel_reason="")
    delivery.change(DeliveryStatus.IN_PROGRESS, 40, "")
    assert delivery.percent_complete == 40
    with pytest.raises(RuleViolation, match="from 0 to 99"):
        delivery.change(DeliveryStatus.IN_PROGRESS, 120, "")
    with pytest.raises(RuleViolation, match="why the project was cancelled"):
        delivery.change(DeliveryStatus.CANCELLED, None, "")
    delivery.change(DeliveryStatus.DELIVERED, None, "")
    assert delivery.percent_complete == 100
    with pytest.raises(RuleViolation, match="cannot change now"):
        delivery.change(DeliveryStatus.IN_PROGRESS, 50, "")
