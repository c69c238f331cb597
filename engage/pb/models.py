"""Participatory budgeting: processes and their phases, proposals, ballots, the
published count and the delivery of funded projects.

Money is integer pence (``BigInteger``: archived city-wide budgets pass 2^31 minor
units). A ballot is one row per voter per process (a unique constraint); when a voter
changes it, the previous choices are kept in ``pb_ballot_revisions`` for audit and
never shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base, CreatedAtMixin, enum_type, utcnow
from engage.errors import RuleViolation
from engage.wards.models import Area, Ward

if TYPE_CHECKING:
    from engage.accounts.models import User


class Phase(enum.StrEnum):
    DRAFT = "draft"
    INFORMATION = "information"
    PROPOSALS = "proposals"
    REVIEW = "review"
    SHORTLIST = "shortlist"
    VOTING = "voting"
    COUNTING = "counting"
    RESULTS = "results"
    DELIVERY = "delivery"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]

    @property
    def position(self) -> int:
        return PHASES.index(self)

    @property
    def next(self) -> Phase | None:
        at = self.position + 1
        return PHASES[at] if at < len(PHASES) else None


PHASE_LABELS = {
    Phase.DRAFT: "Not yet published",
    Phase.INFORMATION: "Information",
    Phase.PROPOSALS: "Proposals open",
    Phase.REVIEW: "Officer review and costing",
    Phase.SHORTLIST: "Shortlist published",
    Phase.VOTING: "Voting open",
    Phase.COUNTING: "Counting",
    Phase.RESULTS: "Results",
    Phase.DELIVERY: "Delivery",
}
PHASES = list(Phase)
# The phases residents see on the timeline (a draft is the officers' own).
PUBLIC_PHASES = PHASES[1:]


class BallotType(enum.StrEnum):
    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    RANKED = "ranked"
    CUMULATIVE = "cumulative"

    @property
    def label(self) -> str:
        return BALLOT_TYPE_LABELS[self]


BALLOT_TYPE_LABELS = {
    BallotType.APPROVAL: "Approval: choose the projects you support",
    BallotType.KNAPSACK: "Budget: choose projects that fit within the budget",
    BallotType.RANKED: "Ranked: put projects in order of preference",
    BallotType.CUMULATIVE: "Points: share points between projects",
}


class ProposalStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    FEASIBLE = "feasible"
    NOT_FEASIBLE = "not_feasible"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return PROPOSAL_STATUS_LABELS[self]


PROPOSAL_STATUS_LABELS = {
    ProposalStatus.SUBMITTED: "Awaiting review",
    ProposalStatus.FEASIBLE: "Feasible",
    ProposalStatus.NOT_FEASIBLE: "Not feasible",
    ProposalStatus.MERGED: "Merged",
}


class BallotChannel(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"
    IMPORTED = "imported"


class BallotStatus(enum.StrEnum):
    COUNTED = "counted"
    # A paper ballot from someone who had already voted online: kept, not counted.
    SET_ASIDE = "set_aside"
    # A paper ballot an officer withdrew (entered by mistake), with a reason.
    VOID = "void"


class DeliveryStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return DELIVERY_STATUS_LABELS[self]

    @property
    def final(self) -> bool:
        return self in (DeliveryStatus.DELIVERED, DeliveryStatus.CANCELLED)


DELIVERY_STATUS_LABELS = {
    DeliveryStatus.NOT_STARTED: "Not started",
    DeliveryStatus.IN_PROGRESS: "In progress",
    DeliveryStatus.DELIVERED: "Delivered",
    DeliveryStatus.CANCELLED: "Cancelled",
}


@dataclass(frozen=True)
class Readiness:
    """Facts about a process that decide whether it may enter its next phase,
    gathered by the services (the model does not query)."""

    awaiting_review: int = 0
    shortlist_size: int = 0
    rule_problems: tuple[str, ...] = ()
    counted: bool = False


class Process(CreatedAtMixin, Base):
    """One participatory budgeting round for a ward, an area or the whole council."""

    __tablename__ = "pb_processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(Text, default="")
    # A ward, a community forum area, or neither (the whole council).
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    budget_pence: Mapped[int] = mapped_column(BigInteger)
    ballot_type: Mapped[BallotType] = mapped_column(enum_type(BallotType))
    min_choices: Mapped[int] = mapped_column(default=1)
    max_choices: Mapped[int | None]
    points_total: Mapped[int | None]
    points_per_project: Mapped[int | None]
    minimum_age: Mapped[int | None]
    # The counting rule chosen before voting opens; the others are shown for comparison.
    official_rule: Mapped[str] = mapped_column(String(40), default="greedy")
    # Show ballots cast so far per ward (never choices) while voting is open.
    live_turnout: Mapped[bool] = mapped_column(default=False)
    phase: Mapped[Phase] = mapped_column(enum_type(Phase), default=Phase.DRAFT, index=True)
    phase_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Imported from a .pb file: shown read-only, never changed.
    archived: Mapped[bool] = mapped_column(default=False)
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    archive_meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    ward: Mapped[Ward | None] = relationship()
    area: Mapped[Area | None] = relationship()
    categories: Mapped[list[Category]] = relationship(
        back_populates="process", order_by="Category.position", cascade="all, delete-orphan"
    )
    phase_dates: Mapped[list[PhaseDate]] = relationship(
        back_populates="process", cascade="all, delete-orphan"
    )
    phase_changes: Mapped[list[PhaseChange]] = relationship(
        back_populates="process", order_by="PhaseChange.id", cascade="all, delete-orphan"
    )
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="process", cascade="all, delete-orphan", foreign_keys="Proposal.process_id"
    )
    result: Mapped[CountResult | None] = relationship(
        back_populates="process", cascade="all, delete-orphan"
    )

    @property
    def where(self) -> str:
        if self.archived:
            # A past election from elsewhere: the place its open data names.
            meta = self.archive_meta
            words = [str(meta.get(k, "")).strip() for k in ("subunit", "unit", "country")]
            return ", ".join(dict.fromkeys(w for w in words if w)) or "An archived election"
        if self.ward is not None:
            return f"{self.ward.name} ward"
        if self.area is not None:
            return f"{self.area.name} area"
        return "The whole council area"

    def covers(self, ward_id: int | None) -> bool:
        if ward_id is None:
            return False
        if self.ward_id is not None:
            return ward_id == self.ward_id
        if self.area is not None:
            return any(ward.id == ward_id for ward in self.area.wards)
        return True

    @property
    def planned(self) -> dict[Phase, date]:
        return {row.phase: row.starts_on for row in self.phase_dates}

    @property
    def is_public(self) -> bool:
        return self.phase is not Phase.DRAFT

    @property
    def proposals_open_or_past(self) -> bool:
        return self.archived or self.phase.position >= Phase.PROPOSALS.position

    @property
    def shortlist_published(self) -> bool:
        return self.archived or self.phase.position >= Phase.SHORTLIST.position

    @property
    def rules_locked(self) -> bool:
        """Budget, ballot rules and the official rule are fixed once voting opens."""
        return self.archived or self.phase.position >= Phase.VOTING.position

    @property
    def voting_closed(self) -> bool:
        return self.archived or self.phase.position > Phase.VOTING.position

    @property
    def has_results(self) -> bool:
        return self.phase in (Phase.RESULTS, Phase.DELIVERY) and self.result is not None

    @property
    def sub_budgets(self) -> dict[int, int]:
        return {c.id: c.budget_pence for c in self.categories if c.budget_pence is not None}

    def ensure_changeable(self) -> None:
        if self.archived:
            raise RuleViolation("This is an archived process: it cannot be changed")

    def ensure_phase(self, *phases: Phase, doing: str) -> None:
        self.ensure_changeable()
        if self.phase not in phases:
            allowed = " or ".join(p.label.lower() for p in phases)
            raise RuleViolation(
                f"You can only {doing} when the process is at {allowed}; "
                f"it is at {self.phase.label.lower()}"
            )

    def move_to(
        self, target: Phase, readiness: Readiness, *, actor: User | None, automatic: bool = False
    ) -> PhaseChange:
        """The only way a process changes phase: one step forward, when ready."""
        self.ensure_changeable()
        if target is not self.phase.next:
            raise RuleViolation(
                f"A process at {self.phase.label.lower()} cannot move to "
                f"{target.label.lower()}; phases go in order"
            )
        problems = move_problems(target, readiness)
        if problems:
            raise RuleViolation(f"Cannot move to {target.label.lower()}: " + "; ".join(problems))
        now = utcnow()
        change = PhaseChange(
            from_phase=self.phase, to_phase=target, actor=actor, automatic=automatic, changed_at=now
        )
        self.phase_changes.append(change)
        self.phase = target
        self.phase_changed_at = now
        return change


def move_problems(target: Phase, readiness: Readiness) -> list[str]:
    """What stops a process entering ``target`` (nothing when the list is empty)."""
    problems: list[str] = []
    if target is Phase.SHORTLIST:
        if readiness.awaiting_review:
            count = readiness.awaiting_review
            problems.append(
                f"{count} {'proposal is' if count == 1 else 'proposals are'} awaiting review"
            )
        if not readiness.shortlist_size:
            problems.append("the shortlist is empty")
    if target is Phase.VOTING:
        problems.extend(readiness.rule_problems)
    if target is Phase.RESULTS and not readiness.counted:
        problems.append("the count has not been run")
    return problems


class Category(Base):
    """A theme within a process, optionally with its own share of the budget."""

    __tablename__ = "pb_categories"
    __table_args__ = (UniqueConstraint("process_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("pb_processes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    budget_pence: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)

    process: Mapped[Process] = relationship(back_populates="categories")


class PhaseDate(Base):
    """When a phase is planned to start; ``pb advance-phases`` applies due moves."""

    __tablename__ = "pb_phase_dates"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("pb_processes.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[Phase] = mapped_column(enum_type(Phase), primary_key=True)
    starts_on: Mapped[date]

    process: Mapped[Process] = relationship(back_populates="phase_dates")


class PhaseChange(Base):
    """A phase move that happened: by an officer, or by date through the command."""

    __tablename__ = "pb_phase_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("pb_processes.id", ondelete="CASCADE"), index=True
    )
    from_phase: Mapped[Phase] = mapped_column(enum_type(Phase))
    to_phase: Mapped[Phase] = mapped_column(enum_type(Phase))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    automatic: Mapped[bool] = mapped_column(default=False)

    process: Mapped[Process] = relationship(back_populates="phase_changes")
    actor: Mapped[User | None] = relationship()


proposal_authors = Table(
    "pb_proposal_authors",
    Base.metadata,
    Column("proposal_id", ForeignKey("pb_proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Proposal(CreatedAtMixin, Base):
    """A project idea from a resident; once costed and shortlisted, a project on the ballot."""

    __tablename__ = "pb_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("pb_processes.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("pb_categories.id", ondelete="SET NULL"), index=True
    )
    rough_cost_pence: Mapped[int | None] = mapped_column(BigInteger)
    # Whose ward the idea counts toward in ward priorities; null for archived projects.
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus), default=ProposalStatus.SUBMITTED
    )
    # Shown to the proposer (and publicly) when it is not feasible.
    review_reason: Mapped[str] = mapped_column(Text, default="")
    estimated_cost_pence: Mapped[int | None] = mapped_column(BigInteger)
    delivering_service: Mapped[str] = mapped_column(String(120), default="")
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("pb_proposals.id", ondelete="SET NULL")
    )
    # Its place on the shortlist (null when not on it); the last tie-break in the count.
    shortlist_position: Mapped[int | None]
    # The project id in a .pb file this came from (archived processes).
    external_id: Mapped[str | None] = mapped_column(String(64))
    # Hidden by an officer (abusive or personal information), with the reason shown.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    process: Mapped[Process] = relationship(back_populates="proposals", foreign_keys=[process_id])
    category: Mapped[Category | None] = relationship()
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    authors: Mapped[list[User]] = relationship(
        secondary=proposal_authors, order_by="User.display_name"
    )
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id])
    comments: Mapped[list[ProposalComment]] = relationship(
        back_populates="proposal", order_by="ProposalComment.id", cascade="all, delete-orphan"
    )
    delivery: Mapped[Delivery | None] = relationship(
        back_populates="proposal", cascade="all, delete-orphan"
    )

    @property
    def on_shortlist(self) -> bool:
        return self.shortlist_position is not None

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_names(self) -> str:
        return ", ".join(author.display_name for author in self.authors)

    def review(
        self, *, feasible: bool, reason: str, cost_pence: int | None, service: str, actor: User
    ) -> None:
        if self.status is ProposalStatus.MERGED:
            raise RuleViolation("This proposal was merged into another, so it cannot be reviewed")
        if feasible and cost_pence is None:
            raise RuleViolation("Enter the estimated cost of a feasible proposal")
        if not feasible and not reason:
            raise RuleViolation("Enter the reason it is not feasible; the proposer will see it")
        self.status = ProposalStatus.FEASIBLE if feasible else ProposalStatus.NOT_FEASIBLE
        self.review_reason = reason
        self.estimated_cost_pence = cost_pence
        self.delivering_service = service
        self.reviewed_by_id = actor.id
        self.reviewed_at = utcnow()
        if not feasible:
            self.shortlist_position = None

    def merge_into(self, target: Proposal) -> None:
        if target.id == self.id:
            raise RuleViolation("Choose a different proposal to merge into")
        if target.process_id != self.process_id:
            raise RuleViolation("Proposals can only be merged within the same process")
        if ProposalStatus.MERGED in (self.status, target.status):
            raise RuleViolation("A merged proposal cannot be merged again")
        self.status = ProposalStatus.MERGED
        self.merged_into = target
        self.shortlist_position = None
        for author in self.authors:
            if author not in target.authors:
                target.authors.append(author)


class ProposalSupport(Base):
    __tablename__ = "pb_proposal_supports"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("pb_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalComment(CreatedAtMixin, Base):
    __tablename__ = "pb_proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("pb_proposals.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class Ballot(Base):
    """A voter's current ballot in a process; at most one per person per process."""

    __tablename__ = "pb_ballots"
    __table_args__ = (
        UniqueConstraint("process_id", "voter_id"),
        UniqueConstraint("process_id", "paper_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("pb_processes.id", ondelete="CASCADE"), index=True
    )
    # Null for paper ballots from people without an account, imported ballots and
    # ballots of deleted accounts (they stay counted, unlinked).
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The voter's ward when they voted: turnout by ward, never who.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    channel: Mapped[BallotChannel] = mapped_column(enum_type(BallotChannel))
    status: Mapped[BallotStatus] = mapped_column(
        enum_type(BallotStatus), default=BallotStatus.COUNTED
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # The number written on a paper ballot or festival-stand slip.
    paper_reference: Mapped[str | None] = mapped_column(String(40))
    # The online ballot a set-aside paper ballot duplicates (shown to officers).
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("pb_ballots.id", ondelete="SET NULL")
    )
    age_declared: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    choices: Mapped[list[BallotChoice]] = relationship(
        back_populates="ballot", cascade="all, delete-orphan", order_by="BallotChoice.position"
    )
    ward: Mapped[Ward | None] = relationship()
    voter: Mapped[User | None] = relationship(foreign_keys=[voter_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    duplicate_of: Mapped[Ballot | None] = relationship(remote_side=[id])


class BallotChoice(Base):
    """One project on a ballot: its place (ranked ballots list in order) and points."""

    __tablename__ = "pb_ballot_choices"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballots.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("pb_proposals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    points: Mapped[int | None]

    ballot: Mapped[Ballot] = relationship(back_populates="choices")
    proposal: Mapped[Proposal] = relationship()


class BallotRevision(Base):
    """The choices a ballot had before its voter changed it: kept for audit, not shown."""

    __tablename__ = "pb_ballot_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("pb_ballots.id", ondelete="CASCADE"), index=True
    )
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    # [[proposal_id, points or null], ...] in ballot order.
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    age_declared: Mapped[bool] = mapped_column(default=False)


class CountResult(Base):
    """The official count, frozen when results are published, with what the other
    rules would have funded and each project's explanation."""

    __tablename__ = "pb_count_results"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("pb_processes.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(40))
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
    counted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ballots_counted: Mapped[int] = mapped_column(default=0)
    # Proposal ids funded by the official rule, in the order the rule chose them.
    funded: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # {proposal id: score} and {proposal id: plain-English explanation}.
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {rule: [proposal ids]} for every other rule that applies to the ballots.
    comparison: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    process: Mapped[Process] = relationship(back_populates="result")


class Delivery(Base):
    """How a funded project is getting on: "you voted, we delivered"."""

    __tablename__ = "pb_deliveries"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("pb_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_type(DeliveryStatus), default=DeliveryStatus.NOT_STARTED
    )
    percent_complete: Mapped[int] = mapped_column(default=0)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="delivery")
    updates: Mapped[list[DeliveryUpdate]] = relationship(
        back_populates="delivery",
        order_by="DeliveryUpdate.posted_on.desc(), DeliveryUpdate.id.desc()",
        cascade="all, delete-orphan",
    )

    def change(self, status: DeliveryStatus, percent: int | None, reason: str) -> None:
        if self.status.final and status is not self.status:
            raise RuleViolation(
                f"This project is {self.status.label.lower()}; its status cannot change now"
            )
        if status is DeliveryStatus.CANCELLED and not reason:
            raise RuleViolation("Enter why the project was cancelled; residents will see it")
        if status is DeliveryStatus.IN_PROGRESS:
            if percent is None or not 0 <= percent <= 99:
                raise RuleViolation("Enter how complete the project is, from 0 to 99 per cent")
            self.percent_complete = percent
        elif status is DeliveryStatus.DELIVERED:
            self.percent_complete = 100
        elif status is DeliveryStatus.NOT_STARTED:
            self.percent_complete = 0
        self.status = status
        self.cancel_reason = reason if status is DeliveryStatus.CANCELLED else ""
        self.updated_at = utcnow()


class DeliveryUpdate(Base):
    """A dated progress note on a funded project, shown publicly."""

    __tablename__ = "pb_delivery_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("pb_deliveries.proposal_id", ondelete="CASCADE"), index=True
    )
    posted_on: Mapped[date]
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus))
    percent_complete: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    delivery: Mapped[Delivery] = relationship(back_populates="updates")
