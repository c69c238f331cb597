"""The local fund's rules as plain functions: funds and allocations, bids and their
answers, eligibility, decisions and the ledger.

Services take the session, the acting person and plain data; they flush, never
commit. Anything that moves money runs inside ``engage.db.write_transaction()`` (the
view opens it) and locks what it reads, bid first, then allocation, then fund, always
in that order so two decisions can never wait on each other.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func, select, update

from engage import audit
from engage.accounts.models import User
from engage.db import DbSession
from engage.errors import NotAllowed, RuleViolation
from engage.funds import permissions, rules
from engage.funds.models import (
    STEPS,
    Allocation,
    Bid,
    BidStatus,
    CostLine,
    Fund,
    GrantRule,
    InterestDeclaration,
    LedgerEntry,
    LedgerKind,
    ProposerKind,
)
from engage.wards.models import Ward
from engage.web import format_money

T = TypeVar("T")


def council_date(now: datetime) -> date:
    """The day in the council's own time zone: funds open and close on local days."""
    name = current_app.config.get("COUNCIL_TIMEZONE") if has_app_context() else None
    return now.astimezone(ZoneInfo(name or "Europe/London")).date()


def _locked(session: DbSession, model: type[T], row_id: int) -> T:
    """The row, read afresh and locked until the transaction ends (``FOR UPDATE`` on
    PostgreSQL; on SQLite the transaction already holds the write lock)."""
    found = session.scalars(
        select(model)
        .where(model.id == row_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise RuleViolation("This has been removed. Go back and try again.")
    return found


# --- funds, allocations and rules -------------------------------------------------------


@dataclass(frozen=True)
class FundData:
    name: str
    year_start: int
    total_pence: int
    opens_on: date
    closes_on: date
    corporate_aims: list[str]
    decision_days: int = 28


def _fund_snapshot(fund: Fund) -> dict[str, Any]:
    return {
        "name": fund.name,
        "year_start": fund.year_start,
        "total_pence": fund.total_pence,
        "opens_on": fund.opens_on.isoformat(),
        "closes_on": fund.closes_on.isoformat(),
        "corporate_aims": list(fund.corporate_aims),
        "decision_days": fund.decision_days,
    }


def _check_fund_name(session: DbSession, name: str, fund_id: int | None) -> None:
    clash = session.scalar(select(Fund.id).where(func.lower(Fund.name) == name.lower()))
    if clash is not None and clash != fund_id:
        raise RuleViolation(f"There is already a fund called {name}. Choose another name.")


def create_fund(session: DbSession, *, actor: User | None, data: FundData) -> Fund:
    _check_fund_name(session, data.name, None)
    fund = Fund(created_by_id=actor.id if actor else None, allocated_pence=0)
    _apply_fund_data(fund, data)
    fund.rules = [
        GrantRule(
            key=spec.key,
            description=spec.description,
            enabled=True,
            parameters=dict(spec.defaults),
            position=position,
        )
        for position, spec in enumerate(rules.STANDARD_RULES)
    ]
    session.add(fund)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="fund.create",
        target_type="fund",
        target_id=fund.id,
        after=_fund_snapshot(fund),
    )
    return fund


def update_fund(session: DbSession, *, actor: User, fund_id: int, data: FundData) -> Fund:
    fund = _locked(session, Fund, fund_id)
    _check_fund_name(session, data.name, fund.id)
    if data.total_pence < fund.allocated_pence:
        raise RuleViolation(
            f"The total cannot be less than the {format_money(fund.allocated_pence)} already "
            "allocated to wards and councillors."
        )
    before = _fund_snapshot(fund)
    _apply_fund_data(fund, data)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="fund.update",
        target_type="fund",
        target_id=fund.id,
        before=before,
        after=_fund_snapshot(fund),
    )
    return fund


def _apply_fund_data(fund: Fund, data: FundData) -> None:
    if data.closes_on < data.opens_on:
        raise RuleViolation("The closing date must be on or after the opening date.")
    fund.name, fund.year_start, fund.total_pence = data.name, data.year_start, data.total_pence
    fund.opens_on, fund.closes_on = data.opens_on, data.closes_on
    fund.corporate_aims, fund.decision_days = list(data.corporate_aims), data.decision_days


def set_allocation(
    session: DbSession,
    *,
    actor: User | None,
    fund_id: int,
    ward: Ward,
    councillor: User | None,
    amount_pence: int,
) -> Allocation:
    """Create the allocation for the ward (or one of its councillors), or change its
    amount. The fund's running total is moved by a conditional update, so allocations
    can never add up to more than the fund, whatever runs at the same time."""
    if amount_pence <= 0:
        raise RuleViolation("The amount must be more than £0.")
    if councillor is not None and ward not in councillor.represented_wards:
        raise RuleViolation(f"{councillor.display_name} is not a councillor for {ward.name}.")
    fund = _locked(session, Fund, fund_id)
    allocation = session.scalars(
        select(Allocation)
        .where(
            Allocation.fund_id == fund.id,
            Allocation.ward_id == ward.id,
            Allocation.councillor_id.is_(None)
            if councillor is None
            else Allocation.councillor_id == councillor.id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    before = allocation.amount_pence if allocation else 0
    if allocation is not None and amount_pence < allocation.committed_pence:
        raise RuleViolation(
            f"{format_money(allocation.committed_pence)} of this allocation is already "
            "approved for bids, so it cannot be less than that."
        )
    _move_allocated(session, fund, amount_pence - before)
    if allocation is None:
        allocation = Allocation(
            fund=fund,
            ward=ward,
            councillor=councillor,
            amount_pence=amount_pence,
            committed_pence=0,
        )
        session.add(allocation)
    else:
        allocation.amount_pence = amount_pence
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="fund.allocation.set",
        target_type="fund",
        target_id=fund.id,
        allocation=allocation.holder,
        before={"amount_pence": before},
        after={"amount_pence": amount_pence},
    )
    return allocation


def remove_allocation(session: DbSession, *, actor: User, allocation_id: int) -> None:
    fund_id = session.scalar(select(Allocation.fund_id).where(Allocation.id == allocation_id))
    if fund_id is None:
        raise RuleViolation("This has been removed. Go back and try again.")
    fund = _locked(session, Fund, fund_id)  # the fund before its allocation, as everywhere
    allocation = _locked(session, Allocation, allocation_id)
    used = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.allocation_id == allocation.id)
    )
    if used:
        raise RuleViolation(
            f"Money from {allocation.holder} has been approved for bids, so the allocation "
            "cannot be removed. Change its amount instead."
        )
    _move_allocated(session, fund, -allocation.amount_pence)
    audit.record(
        session,
        actor=actor,
        action="fund.allocation.remove",
        target_type="fund",
        target_id=fund.id,
        allocation=allocation.holder,
        before={"amount_pence": allocation.amount_pence},
    )
    session.delete(allocation)
    session.flush()


def _move_allocated(session: DbSession, fund: Fund, delta: int) -> None:
    if delta == 0:
        return
    result = session.execute(
        update(Fund)
        .where(Fund.id == fund.id, Fund.allocated_pence + delta <= Fund.total_pence)
        .values(allocated_pence=Fund.allocated_pence + delta)
        .execution_options(synchronize_session=False)
    )
    session.refresh(fund, ["allocated_pence"])
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleViolation(
            f"Allocations cannot add up to more than the fund's "
            f"{format_money(fund.total_pence)}. Only {format_money(fund.unallocated_pence)} "
            "is not yet allocated."
        )


def update_rules(
    session: DbSession,
    *,
    actor: User,
    fund: Fund,
    enabled: Collection[str],
    parameters: Mapping[str, int | None],
) -> None:
    before = {rule.key: (rule.enabled, dict(rule.parameters)) for rule in fund.rules}
    for rule in fund.rules:
        rule.enabled = rule.key in enabled
        spec = rules.SPECS.get(rule.key)
        if spec is not None and spec.parameters:
            rule.parameters = {
                p.name: parameters[p.name] or 0 for p in spec.parameters if p.name in parameters
            }
    least = parameters.get("minimum_pence") or 0
    most = parameters.get("maximum_pence") or 0
    if least and most and least > most:
        raise RuleViolation("The smallest amount must not be more than the largest amount.")
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="fund.rules.update",
        target_type="fund",
        target_id=fund.id,
        before={key: {"enabled": on, **numbers} for key, (on, numbers) in before.items()},
        after={rule.key: {"enabled": rule.enabled, **rule.parameters} for rule in fund.rules},
    )


# --- bids: answers and eligibility ------------------------------------------------------


def start_bid(
    session: DbSession,
    *,
    actor: User,
    fund: Fund,
    proposer_kind: ProposerKind,
    group_name: str,
    title: str,
    now: datetime,
) -> Bid:
    if not fund.is_open(council_date(now)):
        raise RuleViolation(f"{fund.name} is not taking bids at the moment.")
    bid = Bid(
        fund=fund,
        proposer=actor,
        proposer_kind=proposer_kind,
        status=BidStatus.DRAFT,
        steps_done=[],
        aims=[],
        created_at=now,
    )
    session.add(bid)
    session.flush()
    save_answers(
        session,
        actor=actor,
        bid=bid,
        step="proposer",
        answers={"proposer_kind": proposer_kind, "group_name": group_name, "title": title},
        now=now,
    )
    return bid


def save_answers(
    session: DbSession,
    *,
    actor: User,
    bid: Bid,
    step: str,
    answers: Mapping[str, Any],
    now: datetime,
) -> None:
    """Save one question page to the bid (a draft, or one returned for changes)."""
    if not permissions.can_edit_bid(actor, bid):
        raise RuleViolation(
            f"This bid is {bid.status.label.lower()}, so its answers cannot be changed."
        )
    if step == "proposer":
        kind = ProposerKind(answers["proposer_kind"])
        if kind not in permissions.proposer_kinds(actor):
            raise RuleViolation("Choose who is proposing the project from the list.")
        bid.proposer_kind, bid.title = kind, answers["title"]
        bid.group_name = answers["group_name"] if kind is ProposerKind.COMMUNITY_GROUP else ""
    elif step == "need":
        bid.local_need, bid.deliverables = answers["local_need"], answers["deliverables"]
    elif step == "wards":
        bid.wards = _chosen_wards(session, actor, bid, answers["ward_ids"])
    elif step == "costs":
        lines: Sequence[tuple[str, int]] = answers["cost_lines"]
        if not lines:
            raise RuleViolation("Enter at least one cost.")
        bid.cost_lines = [
            CostLine(position=n, description=text, amount_pence=pence)
            for n, (text, pence) in enumerate(lines)
        ]
        bid.amount_pence = sum(pence for _, pence in lines)
    elif step == "service":
        bid.delivered_by_council = answers["delivered_by_council"]
        bid.service = answers["service"] if bid.delivered_by_council else ""
        bid.pays_voluntary_organisation = answers["pays_voluntary_organisation"]
    elif step == "aims":
        unknown = set(answers["aims"]) - set(bid.fund.corporate_aims)
        if unknown:
            raise RuleViolation("Choose aims from the list.")
        bid.aims = [aim for aim in bid.fund.corporate_aims if aim in answers["aims"]]
    elif step == "ongoing":
        bid.is_one_off, bid.has_ongoing_costs = answers["is_one_off"], answers["has_ongoing_costs"]
        bid.ongoing_cost_pence = answers["ongoing_cost_pence"] if bid.has_ongoing_costs else None
    elif step == "support":
        bid.support_evidence, bid.support_link = (
            answers["support_evidence"],
            answers["support_link"],
        )
    else:
        raise RuleViolation("There is no such question.")
    if step not in bid.steps_done:
        bid.steps_done = [s for s in STEPS if s in {*bid.steps_done, step}]
    bid.updated_at = now
    session.flush()


def _chosen_wards(
    session: DbSession, actor: User, bid: Bid, ward_ids: Collection[int]
) -> list[Ward]:
    if not ward_ids:
        raise RuleViolation("Select at least one ward.")
    funded = {ward.id: ward for ward in fund_wards(session, bid.fund)}
    if not set(ward_ids) <= set(funded):
        raise RuleViolation("Choose wards from the list.")
    wards = [funded[ward_id] for ward_id in ward_ids]
    if bid.proposer_kind is ProposerKind.COUNCILLOR:
        outside = [w.name for w in wards if w not in actor.represented_wards]
        if outside:
            raise RuleViolation(
                "As a councillor you can bid only for wards you represent, not "
                f"{', '.join(outside)}."
            )
    return sorted(wards, key=lambda ward: ward.name)


def fund_wards(session: DbSession, fund: Fund) -> list[Ward]:
    """Wards with money in the fund, by name: the wards a bid can be for."""
    return list(
        session.scalars(
            select(Ward)
            .where(Ward.id.in_(select(Allocation.ward_id).where(Allocation.fund_id == fund.id)))
            .order_by(Ward.name)
        )
    )


def available_pence(session: DbSession, fund: Fund, ward_ids: Collection[int]) -> int | None:
    """The most left in any one allocation for these wards (one allocation pays for a
    bid), or None when none covers them."""
    if not ward_ids:
        return None
    return session.scalar(
        select(func.max(Allocation.amount_pence - Allocation.committed_pence)).where(
            Allocation.fund_id == fund.id, Allocation.ward_id.in_(ward_ids)
        )
    )


def rule_settings(fund: Fund) -> list[rules.RuleSetting]:
    return [
        rules.RuleSetting(rule.key, rule.description, rule.enabled, dict(rule.parameters))
        for rule in fund.rules
    ]


def eligibility(session: DbSession, bid: Bid, now: datetime) -> list[rules.RuleResult]:
    """The fund's rules applied to the bid: as if sent now, or as sent if it was."""
    fund = bid.fund
    facts = rules.BidFacts(
        amount_pence=bid.amount_pence,
        aims=tuple(bid.aims),
        delivered_by_council=bid.delivered_by_council,
        service=bid.service,
        pays_voluntary_organisation=bid.pays_voluntary_organisation,
        is_one_off=bid.is_one_off,
        has_ongoing_costs=bid.has_ongoing_costs,
        ongoing_cost_pence=bid.ongoing_cost_pence,
        submitted_on=council_date(
            bid.submitted_at
            if bid.status not in (BidStatus.DRAFT, BidStatus.RETURNED) and bid.submitted_at
            else now
        ),
    )
    fund_facts = rules.FundFacts(
        name=fund.name,
        opens_on=fund.opens_on,
        closes_on=fund.closes_on,
        corporate_aims=tuple(fund.corporate_aims),
        available_pence=available_pence(session, fund, [ward.id for ward in bid.wards]),
        wards=bid.ward_names or "the wards you chose",
    )
    return rules.evaluate(rule_settings(fund), facts, fund_facts)


def _refuse_failures(results: Sequence[rules.RuleResult], lead: str) -> None:
    failed = rules.failures(results)
    if failed:
        raise RuleViolation(lead + " " + " ".join(result.reason for result in failed))


# --- bids: the lifecycle ------------------------------------------------------------


def _snapshot(bid: Bid) -> dict[str, Any]:
    return {
        "status": bid.status.value,
        "amount_pence": bid.amount_pence,
        "approved_pence": bid.approved_pence,
        "actual_spend_pence": bid.actual_spend_pence,
    }


def _audit_bid(
    session: DbSession,
    *,
    actor: User,
    bid: Bid,
    action: str,
    before: dict[str, Any],
    reason: str = "",
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"fund.bid.{action}",
        target_type="fund_bid",
        target_id=bid.id,
        reason=reason,
        fund_id=bid.fund_id,
        before=before,
        after=_snapshot(bid),
        **details,
    )


def submit_bid(session: DbSession, *, actor: User, bid_id: int, now: datetime) -> Bid:
    bid = _locked(session, Bid, bid_id)
    if bid.proposer_id != actor.id:
        raise NotAllowed("Only the person who proposed the bid can send it.")
    if not bid.is_complete:
        raise RuleViolation("Answer every question before you send your bid.")
    _refuse_failures(eligibility(session, bid, now), "Your bid does not meet the fund's rules yet.")
    before = _snapshot(bid)
    bid.submit(now)
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="submit", before=before)
    return bid


def confirm_eligibility(
    session: DbSession, *, actor: User, bid_id: int, note: str, now: datetime
) -> Bid:
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_review_bid(actor, bid):
        raise NotAllowed("Only fund officers can review bids.")
    if bid.status is BidStatus.SUBMITTED:
        _refuse_failures(
            eligibility(session, bid, now),
            "The bid does not meet the fund's rules, so return it for changes.",
        )
    before = _snapshot(bid)
    bid.confirm_eligible(actor, note, now)
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="confirm_eligible", before=before, reason=note)
    return bid


def return_bid(
    session: DbSession, *, actor: User, bid_id: int, comments: str, now: datetime
) -> Bid:
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_review_bid(actor, bid):
        raise NotAllowed("Only fund officers can review bids.")
    before = _snapshot(bid)
    bid.return_for_changes(actor, comments, now)
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="return", before=before, reason=comments)
    return bid


def declare_interest(
    session: DbSession, *, actor: User, bid_id: int, has_interest: bool, details: str, now: datetime
) -> InterestDeclaration:
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_declare_interest(actor, bid):
        raise NotAllowed("Only a councillor for the bid's ward can declare an interest in it.")
    if bid.status is not BidStatus.ELIGIBLE:
        raise RuleViolation(
            f"This bid is {bid.status.label.lower()}, so there is no decision to declare for."
        )
    if has_interest and not details.strip():
        raise RuleViolation("Enter what your interest is.")
    declaration = InterestDeclaration(
        bid=bid, councillor=actor, has_interest=has_interest, details=details, declared_at=now
    )
    session.add(declaration)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="fund.bid.declare_interest",
        target_type="fund_bid",
        target_id=bid.id,
        reason=details,
        fund_id=bid.fund_id,
        has_interest=has_interest,
    )
    return declaration


def decision_allocations(bid: Bid, councillor: User) -> list[Allocation]:
    """Allocations this councillor may spend on the bid: their own, or the whole
    ward's, for a ward of the bid they represent."""
    represented = {ward.id for ward in councillor.represented_wards}
    bid_wards = {ward.id for ward in bid.wards}
    return [
        allocation
        for allocation in bid.fund.allocations
        if allocation.ward_id in bid_wards & represented
        and allocation.councillor_id in (None, councillor.id)
    ]


def _may_decide(actor: User, bid: Bid) -> None:
    if not permissions.can_decide_bid(actor, bid):
        if permissions.has_declared_interest(actor, bid):
            raise NotAllowed("You declared an interest in this bid, so you cannot decide it.")
        raise NotAllowed("Only a councillor for the bid's ward can decide it.")
    if not permissions.has_declared_no_interest(actor, bid):
        raise RuleViolation("Declare whether you have an interest in this bid before deciding it.")


def approve_bid(
    session: DbSession,
    *,
    actor: User,
    bid_id: int,
    allocation_id: int,
    amount_pence: int,
    reason: str,
    now: datetime,
) -> Bid:
    """Approve the bid for ``amount_pence`` from the allocation. Call inside
    ``write_transaction()``: the bid and the allocation are locked, the bid must still
    be awaiting a decision (a second tab finds it decided), and the money is committed
    by a conditional update the database also checks."""
    bid = _locked(session, Bid, bid_id)
    _may_decide(actor, bid)
    allocation = _locked(session, Allocation, allocation_id)
    if allocation not in decision_allocations(bid, actor):
        raise RuleViolation("Choose an allocation you can spend from for this bid.")
    before = _snapshot(bid)
    bid.approve(actor, allocation, amount_pence, reason, now)
    commit_money(
        session,
        allocation=allocation,
        bid=bid,
        amount_pence=amount_pence,
        kind=LedgerKind.APPROVAL,
        actor=actor,
        reason=reason,
        now=now,
    )
    _audit_bid(
        session,
        actor=actor,
        bid=bid,
        action="approve",
        before=before,
        reason=reason,
        allocation=allocation.holder,
    )
    return bid


def reject_bid(session: DbSession, *, actor: User, bid_id: int, reason: str, now: datetime) -> Bid:
    bid = _locked(session, Bid, bid_id)
    _may_decide(actor, bid)
    before = _snapshot(bid)
    bid.reject(actor, reason, now)
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="reject", before=before, reason=reason)
    return bid


def change_amount(
    session: DbSession, *, actor: User, bid_id: int, amount_pence: int, reason: str, now: datetime
) -> Bid:
    """A councillor changes an approved amount (up or down) from the same allocation."""
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_change_amount(actor, bid):
        raise NotAllowed("Only the councillor who approved the bid can change its amount.")
    if not reason.strip():
        raise RuleViolation("Enter a reason.")
    assert bid.allocation_id is not None  # approved bids always have one
    allocation = _locked(session, Allocation, bid.allocation_id)
    before = _snapshot(bid)
    delta = amount_pence - (bid.approved_pence or 0)
    bid.change_amount(amount_pence, now)
    commit_money(
        session,
        allocation=allocation,
        bid=bid,
        amount_pence=delta,
        kind=LedgerKind.CHANGE,
        actor=actor,
        reason=reason,
        now=now,
    )
    _audit_bid(session, actor=actor, bid=bid, action="change_amount", before=before, reason=reason)
    return bid


def start_delivery(session: DbSession, *, actor: User, bid_id: int, now: datetime) -> Bid:
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_manage_delivery(actor):
        raise NotAllowed("Only fund officers can record delivery.")
    before = _snapshot(bid)
    bid.start_delivery(now)
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="start_delivery", before=before)
    return bid


def complete_bid(
    session: DbSession,
    *,
    actor: User,
    bid_id: int,
    actual_spend_pence: int,
    outcome: str,
    evidence: str,
    now: datetime,
) -> Bid:
    """Record what was spent and delivered; any underspend goes back to the allocation."""
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_manage_delivery(actor):
        raise NotAllowed("Only fund officers can record delivery.")
    before = _snapshot(bid)
    approved = bid.approved_pence or 0
    bid.complete(actual_spend_pence, outcome, evidence, now)
    if approved > actual_spend_pence:
        assert bid.allocation_id is not None
        commit_money(
            session,
            allocation=_locked(session, Allocation, bid.allocation_id),
            bid=bid,
            amount_pence=actual_spend_pence - approved,
            kind=LedgerKind.RELEASE,
            actor=actor,
            reason="Underspend returned on completion",
            now=now,
        )
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="complete", before=before, reason=outcome)
    return bid


def withdraw_bid(
    session: DbSession, *, actor: User, bid_id: int, reason: str, now: datetime
) -> Bid:
    """Withdraw the bid; money already approved for it goes back to the allocation."""
    bid = _locked(session, Bid, bid_id)
    if not permissions.can_withdraw_bid(actor, bid):
        raise NotAllowed("You cannot withdraw this bid.")
    before = _snapshot(bid)
    held = bid.funded_pence
    bid.withdraw(reason, now)
    if held:
        assert bid.allocation_id is not None
        commit_money(
            session,
            allocation=_locked(session, Allocation, bid.allocation_id),
            bid=bid,
            amount_pence=-held,
            kind=LedgerKind.RELEASE,
            actor=actor,
            reason=reason,
            now=now,
        )
    session.flush()
    _audit_bid(session, actor=actor, bid=bid, action="withdraw", before=before, reason=reason)
    return bid


# --- the ledger ---------------------------------------------------------------------


def commit_money(
    session: DbSession,
    *,
    allocation: Allocation,
    bid: Bid,
    amount_pence: int,
    kind: LedgerKind,
    actor: User | None,
    reason: str,
    now: datetime,
) -> LedgerEntry:
    """Move ``amount_pence`` (negative to release) on the allocation and write the
    ledger entry, in the caller's transaction.

    Three layers keep an allocation from being overspent: the caller's lock (nothing
    else can read-then-write the allocation meanwhile), this conditional UPDATE (which
    changes no row unless the money is there, evaluated by the database on the row's
    current value), and the CHECK constraint ``committed_pence <= amount_pence``.
    """
    result = session.execute(
        update(Allocation)
        .where(
            Allocation.id == allocation.id,
            Allocation.committed_pence + amount_pence <= Allocation.amount_pence,
            Allocation.committed_pence + amount_pence >= 0,
        )
        .values(committed_pence=Allocation.committed_pence + amount_pence)
        .execution_options(synchronize_session=False)
    )
    session.refresh(allocation, ["committed_pence"])
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleViolation(
            f"There is not enough left in the allocation for {allocation.holder}: "
            f"{format_money(allocation.remaining_pence)} is left, and this needs "
            f"{format_money(amount_pence)}."
        )
    entry = LedgerEntry(
        allocation_id=allocation.id,
        bid=bid,
        kind=kind,
        amount_pence=amount_pence,
        committed_after_pence=allocation.committed_pence,
        actor_id=actor.id if actor else None,
        reason=reason,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class LedgerCheck:
    allocations: int = 0
    problems: list[str] = field(default_factory=list)


def check_ledger(session: DbSession) -> LedgerCheck:
    """Each allocation's committed total against the sum of its ledger, and each
    fund's allocated total against its allocations (a reconciliation for auditors)."""
    check = LedgerCheck()
    sums: dict[int, int] = dict(
        session.execute(
            select(LedgerEntry.allocation_id, func.sum(LedgerEntry.amount_pence)).group_by(
                LedgerEntry.allocation_id
            )
        )
        .tuples()
        .all()
    )
    for allocation in session.scalars(select(Allocation).order_by(Allocation.id)):
        check.allocations += 1
        ledger = int(sums.get(allocation.id) or 0)
        if ledger != allocation.committed_pence:
            check.problems.append(
                f"{allocation.fund.name}, {allocation.holder}: committed "
                f"{format_money(allocation.committed_pence)} but the ledger adds up to "
                f"{format_money(ledger)}"
            )
    for fund in session.scalars(select(Fund).order_by(Fund.id)):
        total = sum(allocation.amount_pence for allocation in fund.allocations)
        if total != fund.allocated_pence:
            check.problems.append(
                f"{fund.name}: allocated {format_money(fund.allocated_pence)} but the "
                f"allocations add up to {format_money(total)}"
            )
    return check
