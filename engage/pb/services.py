"""Participatory budgeting rules as plain functions.

Each takes the session, the acting person and plain data; they flush, never commit.
Ballots, paper ballots and phase moves read then write, so their callers run them
inside ``engage.db.write_transaction()``; here they lock what they read on PostgreSQL
(``with_for_update`` is a no-op on SQLite, where the transaction already holds the
write lock).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select

from engage import audit
from engage.accounts.models import User
from engage.db import DbSession, utcnow
from engage.errors import RuleViolation
from engage.pb import ballots as rules
from engage.pb import permissions, queries
from engage.pb.models import (
    PHASES,
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotRevision,
    BallotStatus,
    BallotType,
    Category,
    Delivery,
    DeliveryStatus,
    DeliveryUpdate,
    Phase,
    PhaseChange,
    PhaseDate,
    Process,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalSupport,
    Readiness,
)
from engage.wards.models import Ward
from engage.web import format_money

T = TypeVar("T")


def _locked(session: DbSession, model: type[T], key: int, *, shared: bool = False) -> T:
    """Load a row again, locked for this transaction on PostgreSQL."""
    statement = (
        select(model)
        .where(model.id == key)  # type: ignore[attr-defined]
        .with_for_update(read=shared, of=model)
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).one()


# --- processes -----------------------------------------------------------------------


@dataclass
class ProcessData:
    title: str
    summary: str
    ward_id: int | None
    area_id: int | None
    budget_pence: int
    ballot_type: BallotType
    min_choices: int = 1
    max_choices: int | None = None
    points_total: int | None = None
    points_per_project: int | None = None
    minimum_age: int | None = None
    official_rule: str = "greedy"
    live_turnout: bool = False


RULE_FIELDS = (
    "budget_pence",
    "ballot_type",
    "min_choices",
    "max_choices",
    "points_total",
    "points_per_project",
    "minimum_age",
    "official_rule",
)


def create_process(session: DbSession, *, actor: User, data: ProcessData) -> Process:
    process = Process(created_by_id=actor.id, phase=Phase.DRAFT)
    _apply_process_data(process, data)
    session.add(process)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="pb.process.create",
        target_type="pb_process",
        target_id=process.id,
        title=process.title,
    )
    return process


def update_process(session: DbSession, *, actor: User, process: Process, data: ProcessData) -> None:
    process.ensure_changeable()
    changed = [name for name in RULE_FIELDS if getattr(process, name) != getattr(data, name)]
    if process.rules_locked and changed:
        raise RuleViolation(
            "The budget, ballot and counting rules cannot change once voting has opened"
        )
    if (data.ward_id, data.area_id) != (
        process.ward_id,
        process.area_id,
    ) and process.proposals_open_or_past:
        raise RuleViolation("Who can take part cannot change once proposals have opened")
    set_aside = sum(c.budget_pence or 0 for c in process.categories)
    if set_aside > data.budget_pence:
        raise RuleViolation(
            "The categories' own budgets add up to more than the budget. "
            "Lower them first, or raise the budget"
        )
    _apply_process_data(process, data)
    audit.record(
        session,
        actor=actor,
        action="pb.process.update",
        target_type="pb_process",
        target_id=process.id,
        changed=changed,
    )
    session.flush()


def _apply_process_data(process: Process, data: ProcessData) -> None:
    if data.ward_id is not None and data.area_id is not None:
        raise RuleViolation("Choose a ward or an area, not both")
    if data.budget_pence <= 0:
        raise RuleViolation("Enter a budget of more than £0")
    for name, value in vars(data).items():
        setattr(process, name, value)


def add_category(
    session: DbSession, *, actor: User, process: Process, name: str, budget_pence: int | None
) -> Category:
    process.ensure_changeable()
    if process.rules_locked:
        raise RuleViolation("Categories cannot change once voting has opened")
    if any(c.name.lower() == name.lower() for c in process.categories):
        raise RuleViolation(f"There is already a category called {name}")
    set_aside = sum(c.budget_pence or 0 for c in process.categories) + (budget_pence or 0)
    if set_aside > process.budget_pence:
        raise RuleViolation(
            "The categories' own budgets would add up to more than the whole budget of "
            f"{format_money(process.budget_pence)}"
        )
    category = Category(
        name=name,
        budget_pence=budget_pence,
        position=max((c.position for c in process.categories), default=0) + 1,
    )
    process.categories.append(category)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="pb.category.add",
        target_type="pb_process",
        target_id=process.id,
        category=name,
        budget_pence=budget_pence,
    )
    return category


def remove_category(
    session: DbSession, *, actor: User, process: Process, category: Category
) -> None:
    process.ensure_changeable()
    if process.rules_locked:
        raise RuleViolation("Categories cannot change once voting has opened")
    process.categories.remove(category)
    audit.record(
        session,
        actor=actor,
        action="pb.category.remove",
        target_type="pb_process",
        target_id=process.id,
        category=category.name,
    )
    session.flush()


def set_timeline(
    session: DbSession, *, actor: User, process: Process, dates: dict[Phase, date | None]
) -> None:
    """Planned start dates, in phase order; a blank date means "when an officer moves it"."""
    process.ensure_changeable()
    previous: tuple[Phase, date] | None = None
    for phase in PHASES[1:]:
        when = dates.get(phase)
        if when is None:
            continue
        if previous is not None and when < previous[1]:
            raise RuleViolation(f"{phase.label} must start on or after {previous[0].label.lower()}")
        previous = (phase, when)
    existing = {row.phase: row for row in process.phase_dates}
    for phase in PHASES[1:]:
        when = dates.get(phase)
        row = existing.get(phase)
        if when is None and row is not None:
            process.phase_dates.remove(row)
        elif when is not None and row is None:
            process.phase_dates.append(PhaseDate(phase=phase, starts_on=when))
        elif when is not None and row is not None:
            row.starts_on = when
    audit.record(
        session,
        actor=actor,
        action="pb.timeline.set",
        target_type="pb_process",
        target_id=process.id,
        dates={phase.value: when.isoformat() for phase, when in dates.items() if when},
    )
    session.flush()


def readiness(session: DbSession, process: Process) -> Readiness:
    target = process.phase.next
    if target is Phase.SHORTLIST:
        return Readiness(
            awaiting_review=queries.awaiting_review_count(session, process),
            shortlist_size=len(queries.shortlist(session, process)),
        )
    if target is Phase.VOTING:
        from engage.pb import results

        projects = ballot_projects(session, process)
        return Readiness(
            rule_problems=tuple(
                rules.shortlist_problems(
                    ballot_rules(process),
                    projects,
                    rule_applies=results.rule_applies(process.official_rule, process.ballot_type),
                )
            )
        )
    if target is Phase.RESULTS:
        return Readiness(counted=process.result is not None)
    return Readiness()


def move_phase(
    session: DbSession,
    *,
    actor: User | None,
    process: Process,
    target: Phase,
    automatic: bool = False,
) -> PhaseChange:
    """Move a process to its next phase through the model's guarded transition.

    Closing voting waits for ballots being cast (they hold a shared lock on the
    process row); publishing results runs the official count first.
    """
    process = _locked(session, Process, process.id)
    if target is Phase.RESULTS and process.phase is Phase.COUNTING:
        from engage.pb import results

        results.record_official_count(session, process=process, actor=actor)
    change = process.move_to(target, readiness(session, process), actor=actor, automatic=automatic)
    if target is Phase.RESULTS:
        for proposal in queries.funded_projects(session, process):
            if proposal.delivery is None:
                proposal.delivery = Delivery()
    audit.record(
        session,
        actor=actor,
        action="pb.phase.move",
        target_type="pb_process",
        target_id=process.id,
        reason="Planned date reached" if automatic else "",
        from_phase=change.from_phase.value,
        to_phase=change.to_phase.value,
    )
    session.flush()
    return change


def due_phase(process: Process, today: date) -> Phase | None:
    """The next phase, if its planned start date has come."""
    target = process.phase.next
    if process.archived or target is None:
        return None
    planned = process.planned.get(target)
    return target if planned is not None and planned <= today else None


# --- proposals -----------------------------------------------------------------------


@dataclass
class ProposalData:
    title: str
    description: str
    location: str
    category_id: int | None
    rough_cost_pence: int | None


def _category_of(process: Process, category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    category = next((c for c in process.categories if c.id == category_id), None)
    if category is None:
        raise RuleViolation("Select a category from the list")
    return category


def submit_proposal(
    session: DbSession, *, actor: User, process: Process, data: ProposalData
) -> Proposal:
    process.ensure_phase(Phase.PROPOSALS, doing="propose a project")
    refusal = permissions.take_part_refusal(actor, process)
    if refusal:
        raise RuleViolation(refusal)
    proposal = Proposal(
        process=process,
        title=data.title,
        description=data.description,
        location=data.location,
        category=_category_of(process, data.category_id),
        rough_cost_pence=data.rough_cost_pence,
        proposer=actor,
        authors=[actor],
    )
    session.add(proposal)
    session.flush()
    return proposal


def _ensure_open_for_support(proposal: Proposal) -> None:
    proposal.process.ensure_phase(Phase.PROPOSALS, doing="support proposals")
    if proposal.hidden or proposal.status in (ProposalStatus.MERGED, ProposalStatus.NOT_FEASIBLE):
        raise RuleViolation("This proposal cannot be supported")


def support(session: DbSession, *, actor: User, proposal: Proposal) -> None:
    _ensure_open_for_support(proposal)
    refusal = permissions.take_part_refusal(actor, proposal.process)
    if refusal:
        raise RuleViolation(refusal)
    if actor in proposal.authors:
        raise RuleViolation("You cannot support your own proposal")
    if session.get(ProposalSupport, (proposal.id, actor.id)) is None:
        session.add(ProposalSupport(proposal_id=proposal.id, user_id=actor.id))
        session.flush()


def withdraw_support(session: DbSession, *, actor: User, proposal: Proposal) -> None:
    _ensure_open_for_support(proposal)
    session.execute(
        delete(ProposalSupport).where(
            ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == actor.id
        )
    )


def add_comment(
    session: DbSession, *, actor: User, proposal: Proposal, body: str
) -> ProposalComment:
    proposal.process.ensure_changeable()
    if proposal.hidden:
        raise RuleViolation("This proposal has been hidden, so it cannot take comments")
    comment = ProposalComment(proposal=proposal, author=actor, body=body)
    session.add(comment)
    session.flush()
    return comment


def hide_comment(session: DbSession, *, actor: User, comment: ProposalComment, reason: str) -> None:
    if comment.hidden:
        raise RuleViolation("This comment is already hidden")
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    audit.record(
        session,
        actor=actor,
        action="pb.comment.hide",
        target_type="pb_comment",
        target_id=comment.id,
        reason=reason,
    )
    session.flush()


def hide_proposal(session: DbSession, *, actor: User, proposal: Proposal, reason: str) -> None:
    proposal.process.ensure_changeable()
    if proposal.hidden:
        raise RuleViolation("This proposal is already hidden")
    if proposal.process.rules_locked and proposal.on_shortlist:
        raise RuleViolation("A project on the ballot cannot be hidden once voting has opened")
    proposal.hidden_at = utcnow()
    proposal.hidden_reason = reason
    proposal.shortlist_position = None
    audit.record(
        session,
        actor=actor,
        action="pb.proposal.hide",
        target_type="pb_proposal",
        target_id=proposal.id,
        reason=reason,
    )
    session.flush()


@dataclass
class ReviewData:
    feasible: bool
    reason: str
    estimated_cost_pence: int | None
    delivering_service: str
    category_id: int | None = None


def review_proposal(
    session: DbSession, *, actor: User, proposal: Proposal, data: ReviewData
) -> None:
    proposal.process.ensure_phase(Phase.PROPOSALS, Phase.REVIEW, doing="review proposals")
    proposal.category = _category_of(proposal.process, data.category_id)
    proposal.review(
        feasible=data.feasible,
        reason=data.reason,
        cost_pence=data.estimated_cost_pence if data.feasible else None,
        service=data.delivering_service,
        actor=actor,
    )
    audit.record(
        session,
        actor=actor,
        action="pb.proposal.review",
        target_type="pb_proposal",
        target_id=proposal.id,
        reason=data.reason,
        feasible=data.feasible,
        estimated_cost_pence=proposal.estimated_cost_pence,
        delivering_service=data.delivering_service,
    )
    session.flush()


def merge_proposals(
    session: DbSession, *, actor: User, duplicate: Proposal, target: Proposal, reason: str
) -> None:
    """Fold a duplicate into another proposal: both authors are credited, and the
    duplicate's supporters now support the merged proposal."""
    duplicate.process.ensure_phase(Phase.PROPOSALS, Phase.REVIEW, doing="merge proposals")
    duplicate.merge_into(target)
    already = set(
        session.scalars(
            select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == target.id)
        )
    )
    author_ids = {author.id for author in target.authors}
    for supporter_id in session.scalars(
        select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == duplicate.id)
    ):
        if supporter_id not in already and supporter_id not in author_ids:
            session.add(ProposalSupport(proposal_id=target.id, user_id=supporter_id))
    session.execute(delete(ProposalSupport).where(ProposalSupport.proposal_id == duplicate.id))
    audit.record(
        session,
        actor=actor,
        action="pb.proposal.merge",
        target_type="pb_proposal",
        target_id=duplicate.id,
        reason=reason,
        merged_into=target.id,
    )
    session.flush()


def add_to_shortlist(session: DbSession, *, actor: User, proposal: Proposal) -> None:
    process = proposal.process
    process.ensure_phase(Phase.REVIEW, doing="change the shortlist")
    if proposal.on_shortlist:
        return
    if proposal.hidden or proposal.status is not ProposalStatus.FEASIBLE:
        raise RuleViolation("Only proposals reviewed as feasible can go on the shortlist")
    cost = proposal.estimated_cost_pence or 0
    if cost > process.budget_pence:
        raise RuleViolation("This project costs more than the whole budget")
    category = proposal.category
    if category is not None and category.budget_pence is not None and cost > category.budget_pence:
        raise RuleViolation(f"This project costs more than the budget for {category.name}")
    proposal.shortlist_position = (
        session.scalar(
            select(func.max(Proposal.shortlist_position)).where(Proposal.process_id == process.id)
        )
        or 0
    ) + 1
    audit.record(
        session,
        actor=actor,
        action="pb.shortlist.add",
        target_type="pb_proposal",
        target_id=proposal.id,
    )
    session.flush()


def remove_from_shortlist(session: DbSession, *, actor: User, proposal: Proposal) -> None:
    proposal.process.ensure_phase(Phase.REVIEW, doing="change the shortlist")
    if not proposal.on_shortlist:
        return
    proposal.shortlist_position = None
    audit.record(
        session,
        actor=actor,
        action="pb.shortlist.remove",
        target_type="pb_proposal",
        target_id=proposal.id,
    )
    session.flush()


# --- ballots -------------------------------------------------------------------------


def ballot_rules(process: Process) -> rules.BallotRules:
    return rules.BallotRules(
        kind=process.ballot_type,
        budget=process.budget_pence,
        min_choices=process.min_choices,
        max_choices=process.max_choices,
        points_total=process.points_total,
        points_per_project=process.points_per_project,
        sub_budgets={
            c.id: (c.name, c.budget_pence) for c in process.categories if c.budget_pence is not None
        },
    )


def ballot_projects(session: DbSession, process: Process) -> dict[int, rules.Project]:
    """The shortlist as the ballot rules see it, in shortlist order."""
    return {
        id_: rules.Project(id=id_, title=title, cost=cost, category_id=category_id)
        for id_, title, cost, category_id in queries.shortlist_costs(session, process)
    }


def describe_rules(process: Process, shortlist: Sequence[Proposal]) -> list[str]:
    """The ballot's rules in plain words, as the ballot page and paper ballot show them."""
    return rules.describe(ballot_rules(process), len(shortlist))


def _checked_choices(
    session: DbSession, process: Process, choices: Sequence[rules.Choice]
) -> list[rules.Choice]:
    ballot_rules_ = ballot_rules(process)
    errors = rules.validate(ballot_rules_, ballot_projects(session, process), choices)
    if errors:
        raise RuleViolation(". ".join(errors))
    return rules.normalise(ballot_rules_, choices)


def _fill(ballot: Ballot, choices: Sequence[rules.Choice]) -> None:
    ballot.choices = [
        BallotChoice(proposal_id=choice.project_id, position=position, points=choice.points)
        for position, choice in enumerate(choices, start=1)
    ]


def _keep_revision(session: DbSession, ballot: Ballot, now: datetime) -> None:
    session.add(
        BallotRevision(
            ballot_id=ballot.id,
            replaced_at=now,
            choices=[[c.proposal_id, c.points] for c in ballot.choices],
            age_declared=ballot.age_declared,
        )
    )


def cast_ballot(
    session: DbSession,
    *,
    voter: User,
    process: Process,
    choices: Sequence[rules.Choice],
    age_declared: bool,
) -> Ballot:
    """Store a voter's ballot, or replace their earlier one (keeping it as history).

    Run inside ``write_transaction()``: the process row is share-locked (so voting
    cannot close half-way) and the voter's row locked, so two tabs submitting at
    once are applied one after the other; the unique constraint on (process, voter)
    backs this up.
    """
    process = _locked(session, Process, process.id, shared=True)
    voter = _locked(session, User, voter.id)
    existing = session.scalar(
        select(Ballot).where(Ballot.process_id == process.id, Ballot.voter_id == voter.id)
    )
    refusal = permissions.voting_refusal(voter, process, existing)
    if refusal:
        raise RuleViolation(refusal)
    if process.minimum_age and not age_declared:
        raise RuleViolation(f"Confirm that you are {process.minimum_age} or over")
    checked = _checked_choices(session, process, choices)
    now = utcnow()
    if existing is None:
        ballot = Ballot(
            process_id=process.id,
            voter_id=voter.id,
            ward_id=voter.ward_id,
            channel=BallotChannel.ONLINE,
            submitted_at=now,
        )
        session.add(ballot)
    else:
        ballot = existing
        _keep_revision(session, ballot, now)
    ballot.changed_at = now
    ballot.age_declared = age_declared
    _fill(ballot, checked)
    session.flush()
    return ballot


@dataclass
class PaperBallotData:
    reference: str
    ward_id: int
    choices: list[rules.Choice]
    voter_email: str = ""
    age_declared: bool = False


def enter_paper_ballot(
    session: DbSession, *, actor: User, process: Process, data: PaperBallotData
) -> Ballot:
    """An officer types in a paper or festival-stand ballot. Run inside
    ``write_transaction()``. If the voter has an account, the ballot is linked to it
    so they cannot also vote online; if they already have, it is set aside and
    flagged for officers instead of counting twice."""
    process = _locked(session, Process, process.id, shared=True)
    process.ensure_phase(Phase.VOTING, Phase.COUNTING, doing="enter paper ballots")
    if session.scalar(
        select(Ballot.id).where(
            Ballot.process_id == process.id, Ballot.paper_reference == data.reference
        )
    ):
        raise RuleViolation(f"Paper ballot {data.reference} has already been entered")
    ward = session.get(Ward, data.ward_id)
    if ward is None or not process.covers(ward.id):
        raise RuleViolation(f"Select a ward in {process.where}")
    if process.minimum_age and not data.age_declared:
        raise RuleViolation(f"The voter must have declared they are {process.minimum_age} or over")
    checked = _checked_choices(session, process, data.choices)
    ballot = Ballot(
        process_id=process.id,
        ward_id=ward.id,
        channel=BallotChannel.PAPER,
        paper_reference=data.reference,
        age_declared=data.age_declared,
        entered_by_id=actor.id,
    )
    if data.voter_email:
        from engage.accounts.services import find_by_email

        voter = find_by_email(session, data.voter_email)
        if voter is None:
            raise RuleViolation(
                "No account uses that email address. Leave it blank if the voter has no account"
            )
        voter = _locked(session, User, voter.id)
        online = session.scalar(
            select(Ballot).where(Ballot.process_id == process.id, Ballot.voter_id == voter.id)
        )
        if online is None:
            ballot.voter_id = voter.id
        else:
            ballot.status = BallotStatus.SET_ASIDE
            ballot.duplicate_of_id = online.id
            ballot.status_reason = (
                f"{voter.display_name} had already voted "
                f"{'online' if online.channel is BallotChannel.ONLINE else 'on paper'}"
            )
    _fill(ballot, checked)
    session.add(ballot)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="pb.paper_ballot.enter",
        target_type="pb_ballot",
        target_id=ballot.id,
        reason=ballot.status_reason,
        process_id=process.id,
        reference=data.reference,
        ward=ward.name,
        linked_to_account=ballot.voter_id is not None,
        set_aside=ballot.status is BallotStatus.SET_ASIDE,
    )
    return ballot


def void_paper_ballot(session: DbSession, *, actor: User, ballot: Ballot, reason: str) -> None:
    process = _locked(session, Process, ballot.process_id)
    process.ensure_phase(Phase.VOTING, Phase.COUNTING, doing="withdraw paper ballots")
    if ballot.channel is not BallotChannel.PAPER:
        raise RuleViolation("Only paper ballots can be withdrawn by officers")
    if ballot.status is BallotStatus.VOID:
        raise RuleViolation("This paper ballot has already been withdrawn")
    audit.record(
        session,
        actor=actor,
        action="pb.paper_ballot.void",
        target_type="pb_ballot",
        target_id=ballot.id,
        reason=reason,
        process_id=process.id,
        reference=ballot.paper_reference,
    )
    ballot.status = BallotStatus.VOID
    ballot.status_reason = f"Ballot {ballot.paper_reference} withdrawn: {reason}"
    # Free the voter's account, and the slip number, for a corrected entry.
    ballot.voter_id = None
    ballot.paper_reference = None
    session.flush()


@dataclass
class PaperImport:
    entered: int = 0
    set_aside: list[str] = field(default_factory=list)


PAPER_COLUMNS = ("reference", "ward", "choices")


def parse_paper_csv(
    text: str, *, process: Process, wards: Sequence[Ward]
) -> list[tuple[int, PaperBallotData]]:
    """Rows of a paper-ballot CSV as ballot data, with the line each came from.

    Columns: reference, ward, choices (project numbers separated by semicolons, in
    order of preference for ranked ballots; ``number:points`` for points ballots),
    and optionally email and age_declared (yes/no). Every problem is collected with
    its line number; nothing is returned unless the whole file is right.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    missing = [name for name in PAPER_COLUMNS if name not in columns]
    if missing:
        raise RuleViolation(f"Line 1: the file needs the columns {', '.join(PAPER_COLUMNS)}")
    by_name = {ward.name.lower(): ward for ward in wards}
    errors: list[str] = []
    rows: list[tuple[int, PaperBallotData]] = []
    seen: set[str] = set()

    def cell(row: dict[str, Any], name: str) -> str:
        return (row.get(columns.get(name, ""), "") or "").strip()

    for row in reader:
        line = reader.line_num
        reference = cell(row, "reference")
        ward = by_name.get(cell(row, "ward").lower())
        problems = []
        if not reference or len(reference) > 40:
            problems.append("enter a ballot reference of up to 40 characters")
        elif reference in seen:
            problems.append(f"ballot {reference} appears twice in the file")
        if ward is None or not process.covers(ward.id):
            problems.append(f"{cell(row, 'ward') or 'the ward'} is not a ward in {process.where}")
        try:
            choices = parse_choice_list(cell(row, "choices"), process.ballot_type)
        except ValueError as error:
            problems.append(str(error))
            choices = []
        age = cell(row, "age_declared").lower()
        if age not in ("", "yes", "no", "y", "n", "true", "false", "1", "0"):
            problems.append("age_declared must be yes or no")
        if problems:
            errors.append(f"Line {line}: " + "; ".join(problems))
            continue
        seen.add(reference)
        assert ward is not None
        rows.append(
            (
                line,
                PaperBallotData(
                    reference=reference,
                    ward_id=ward.id,
                    choices=choices,
                    voter_email=cell(row, "email"),
                    age_declared=age in ("yes", "y", "true", "1"),
                ),
            )
        )
    if errors:
        raise RuleViolation(". ".join(errors[:20]) + (" (and more)" if len(errors) > 20 else ""))
    if not rows:
        raise RuleViolation("The file has no ballots in it")
    return rows


def parse_choice_list(text: str, kind: BallotType) -> list[rules.Choice]:
    """ "12; 7; 3" -> projects 12, 7, 3 in that order; "12:3; 7:2" for points ballots."""
    choices = []
    for part in (p.strip() for p in text.replace(",", ";").split(";")):
        if not part:
            continue
        number, _, points = part.partition(":")
        if not number.strip().isdigit():
            raise ValueError(f"{part!r} is not a project number")
        if kind is BallotType.CUMULATIVE:
            if not points.strip().isdigit():
                raise ValueError(f"give points for project {number.strip()}, like {number}:3")
            choices.append(rules.Choice(int(number), int(points)))
        else:
            if points:
                raise ValueError(f"{part!r}: points are only for points ballots")
            choices.append(rules.Choice(int(number)))
    return choices


def import_paper_ballots(
    session: DbSession, *, actor: User, process: Process, text: str
) -> PaperImport:
    """All the ballots in a CSV, or none: run inside ``write_transaction()``."""
    process.ensure_phase(Phase.VOTING, Phase.COUNTING, doing="enter paper ballots")
    rows = parse_paper_csv(text, process=process, wards=queries.wards_covered(session, process))
    report = PaperImport()
    for line, data in rows:
        try:
            ballot = enter_paper_ballot(session, actor=actor, process=process, data=data)
        except RuleViolation as error:
            raise RuleViolation(f"Line {line}: {error.message}. Nothing was imported") from error
        report.entered += 1
        if ballot.status is BallotStatus.SET_ASIDE:
            report.set_aside.append(data.reference)
    return report


# --- delivery ------------------------------------------------------------------------


@dataclass
class DeliveryData:
    status: DeliveryStatus
    percent_complete: int | None
    cancel_reason: str
    update: str
    posted_on: date


def update_delivery(
    session: DbSession, *, actor: User, proposal: Proposal, data: DeliveryData
) -> None:
    proposal.process.ensure_phase(Phase.RESULTS, Phase.DELIVERY, doing="report on delivery")
    delivery = proposal.delivery
    if delivery is None:
        raise RuleViolation("Only funded projects have delivery updates")
    before = (delivery.status, delivery.percent_complete)
    delivery.change(data.status, data.percent_complete, data.cancel_reason)
    if before == (delivery.status, delivery.percent_complete) and not data.update:
        raise RuleViolation("Enter an update, or change the status")
    delivery.updates.append(
        DeliveryUpdate(
            posted_on=data.posted_on,
            body=data.update or delivery.cancel_reason or delivery.status.label,
            status=delivery.status,
            percent_complete=delivery.percent_complete,
            author_id=actor.id,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="pb.delivery.update",
        target_type="pb_proposal",
        target_id=proposal.id,
        reason=data.cancel_reason,
        status=delivery.status.value,
        percent_complete=delivery.percent_complete,
    )
    session.flush()
