"""Councillors' local fund: funds, allocations, grant rules, bids, interests and the
ledger.

Money is integer pence. The ledger is append-only; what is left of an allocation is
derived from it. Each allocation row also carries ``committed_pence``, the running
sum of its ledger, written in the same transaction as each ledger entry: a CHECK
constraint keeps it between nought and the allocation, so even a bug in a service
cannot overspend (see ``services.commit_money``). The fund row does the same for the
sum of its allocations.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engage.db import Base, CreatedAtMixin, enum_type, utcnow
from engage.errors import RuleViolation
from engage.wards.models import Ward

if TYPE_CHECKING:
    from engage.accounts.models import User


class Fund(CreatedAtMixin, Base):
    __tablename__ = "funds"
    __table_args__ = (
        CheckConstraint("total_pence > 0", name="total_positive"),
        CheckConstraint("allocated_pence >= 0", name="allocated_not_negative"),
        CheckConstraint("allocated_pence <= total_pence", name="allocations_within_total"),
        CheckConstraint("opens_on <= closes_on", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    # The financial year starting 1 April of this year: 2026 is "2026/27".
    year_start: Mapped[int]
    total_pence: Mapped[int] = mapped_column(BigInteger)
    # The sum of the allocations' amounts, kept with them (see the module docstring).
    allocated_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    corporate_aims: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Bids waiting longer than this for a decision are flagged on the dashboard.
    decision_days: Mapped[int] = mapped_column(default=28)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="fund", cascade="all, delete-orphan", order_by="Allocation.id"
    )
    rules: Mapped[list[GrantRule]] = relationship(
        back_populates="fund", cascade="all, delete-orphan", order_by="GrantRule.position"
    )
    bids: Mapped[list[Bid]] = relationship(back_populates="fund")

    @property
    def financial_year(self) -> str:
        return f"{self.year_start}/{(self.year_start + 1) % 100:02d}"

    @property
    def year_starts(self) -> date:
        return date(self.year_start, 4, 1)

    @property
    def year_ends(self) -> date:
        return date(self.year_start + 1, 3, 31)

    @property
    def unallocated_pence(self) -> int:
        return self.total_pence - self.allocated_pence

    def is_open(self, on: date) -> bool:
        return self.opens_on <= on <= self.closes_on


class Allocation(Base):
    """Money in a fund for one ward, held by the ward's councillors together or by one
    named councillor (e.g. each of three ward councillors holds £5,000)."""

    __tablename__ = "fund_allocations"
    __table_args__ = (
        UniqueConstraint("fund_id", "ward_id", "councillor_id"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("committed_pence >= 0", name="committed_not_negative"),
        CheckConstraint("committed_pence <= amount_pence", name="never_overspent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    councillor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    # The sum of this allocation's ledger entries: approved money not released.
    committed_pence: Mapped[int] = mapped_column(BigInteger, default=0)

    fund: Mapped[Fund] = relationship(back_populates="allocations")
    ward: Mapped[Ward] = relationship()
    councillor: Mapped[User | None] = relationship()

    @property
    def remaining_pence(self) -> int:
        return self.amount_pence - self.committed_pence

    @property
    def holder(self) -> str:
        if self.councillor is None:
            return f"{self.ward.name} ward"
        return f"Councillor {self.councillor.display_name}, {self.ward.name}"


class GrantRule(Base):
    """A rule as data: which check (``key``), what applicants read, on or off, numbers."""

    __tablename__ = "fund_rules"
    __table_args__ = (UniqueConstraint("fund_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
    parameters: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    fund: Mapped[Fund] = relationship(back_populates="rules")


class ProposerKind(enum.StrEnum):
    RESIDENT = "resident"
    COMMUNITY_GROUP = "community_group"
    OFFICER = "officer"
    COUNCILLOR = "councillor"

    @property
    def label(self) -> str:
        return PROPOSER_LABELS[self]


PROPOSER_LABELS = {
    ProposerKind.RESIDENT: "A resident",
    ProposerKind.COMMUNITY_GROUP: "A community group",
    ProposerKind.OFFICER: "A council officer, for their service",
    ProposerKind.COUNCILLOR: "A ward councillor",
}


class BidStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ELIGIBLE = "eligible"
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_DELIVERY = "in_delivery"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_LABELS = {
    BidStatus.DRAFT: "Draft",
    BidStatus.SUBMITTED: "Awaiting officer review",
    BidStatus.RETURNED: "Returned for changes",
    BidStatus.ELIGIBLE: "Awaiting councillor decision",
    BidStatus.APPROVED: "Approved",
    BidStatus.REJECTED: "Rejected",
    BidStatus.IN_DELIVERY: "In delivery",
    BidStatus.COMPLETED: "Completed",
    BidStatus.WITHDRAWN: "Withdrawn",
}
STATUS_COLOURS = {
    BidStatus.DRAFT: "govuk-tag--grey",
    BidStatus.SUBMITTED: "govuk-tag--blue",
    BidStatus.RETURNED: "govuk-tag--orange",
    BidStatus.ELIGIBLE: "govuk-tag--purple",
    BidStatus.APPROVED: "govuk-tag--green",
    BidStatus.REJECTED: "govuk-tag--red",
    BidStatus.IN_DELIVERY: "govuk-tag--turquoise",
    BidStatus.COMPLETED: "govuk-tag--green",
    BidStatus.WITHDRAWN: "govuk-tag--grey",
}

# Every legal move; anything else is refused by ``Bid._move``.
TRANSITIONS: dict[BidStatus, frozenset[BidStatus]] = {
    BidStatus.DRAFT: frozenset({BidStatus.SUBMITTED, BidStatus.WITHDRAWN}),
    BidStatus.SUBMITTED: frozenset({BidStatus.ELIGIBLE, BidStatus.RETURNED, BidStatus.WITHDRAWN}),
    BidStatus.RETURNED: frozenset({BidStatus.SUBMITTED, BidStatus.WITHDRAWN}),
    BidStatus.ELIGIBLE: frozenset({BidStatus.APPROVED, BidStatus.REJECTED, BidStatus.WITHDRAWN}),
    BidStatus.APPROVED: frozenset({BidStatus.IN_DELIVERY, BidStatus.WITHDRAWN}),
    BidStatus.IN_DELIVERY: frozenset({BidStatus.COMPLETED, BidStatus.WITHDRAWN}),
    BidStatus.REJECTED: frozenset(),
    BidStatus.COMPLETED: frozenset(),
    BidStatus.WITHDRAWN: frozenset(),
}
# Shown on the public register: grants the council has made.
PUBLIC_STATUSES = frozenset({BidStatus.APPROVED, BidStatus.IN_DELIVERY, BidStatus.COMPLETED})
# The applicant may change their answers only in these.
EDITABLE_STATUSES = frozenset({BidStatus.DRAFT, BidStatus.RETURNED})
# Money from an allocation is committed to the bid.
FUNDED_STATUSES = frozenset({BidStatus.APPROVED, BidStatus.IN_DELIVERY, BidStatus.COMPLETED})

# The question pages, in order; a bid is complete when every one has been answered.
STEPS = ("proposer", "need", "wards", "costs", "service", "aims", "ongoing", "support")


bid_wards = Table(
    "fund_bid_wards",
    Base.metadata,
    Column("bid_id", ForeignKey("fund_bids.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True),
)

_VERBS = {
    BidStatus.SUBMITTED: "sent",
    BidStatus.RETURNED: "returned for changes",
    BidStatus.ELIGIBLE: "confirmed as eligible",
    BidStatus.APPROVED: "approved",
    BidStatus.REJECTED: "rejected",
    BidStatus.IN_DELIVERY: "moved into delivery",
    BidStatus.COMPLETED: "completed",
    BidStatus.WITHDRAWN: "withdrawn",
}


class Bid(CreatedAtMixin, Base):
    __tablename__ = "fund_bids"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        CheckConstraint("approved_pence > 0", name="approved_positive"),
        CheckConstraint("actual_spend_pence >= 0", name="spend_not_negative"),
        CheckConstraint("ongoing_cost_pence >= 0", name="ongoing_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposer_kind: Mapped[ProposerKind] = mapped_column(enum_type(ProposerKind))
    # The community group that proposes it (never the recipient: see the rules).
    group_name: Mapped[str] = mapped_column(String(150), default="")
    status: Mapped[BidStatus] = mapped_column(
        enum_type(BidStatus), default=BidStatus.DRAFT, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Which question pages have been answered, so a draft can be resumed.
    steps_done: Mapped[list[str]] = mapped_column(JSON, default=list)

    title: Mapped[str] = mapped_column(String(150), default="")
    local_need: Mapped[str] = mapped_column(Text, default="")
    deliverables: Mapped[str] = mapped_column(Text, default="")
    # The total of the cost lines.
    amount_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_by_council: Mapped[bool | None]
    service: Mapped[str] = mapped_column(String(150), default="")
    pays_voluntary_organisation: Mapped[bool | None]
    aims: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_one_off: Mapped[bool | None]
    has_ongoing_costs: Mapped[bool | None]
    ongoing_cost_pence: Mapped[int | None] = mapped_column(BigInteger)
    support_evidence: Mapped[str] = mapped_column(Text, default="")
    # A page on this site (a forum thread, a PB proposal): a path, never another site.
    support_link: Mapped[str] = mapped_column(String(300), default="")

    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comments: Mapped[str] = mapped_column(Text, default="")

    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    approved_pence: Mapped[int | None] = mapped_column(BigInteger)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("fund_allocations.id"))

    delivery_started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    actual_spend_pence: Mapped[int | None] = mapped_column(BigInteger)
    outcome_report: Mapped[str] = mapped_column(Text, default="")
    completion_evidence: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    fund: Mapped[Fund] = relationship(back_populates="bids")
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    allocation: Mapped[Allocation | None] = relationship()
    wards: Mapped[list[Ward]] = relationship(secondary=bid_wards, order_by="Ward.name")
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="CostLine.position"
    )
    interests: Mapped[list[InterestDeclaration]] = relationship(
        back_populates="bid", order_by="InterestDeclaration.id"
    )

    # --- reading -----------------------------------------------------------------

    @property
    def reference(self) -> str:
        return f"LF{self.id:05d}"

    @property
    def ward_names(self) -> str:
        return ", ".join(ward.name for ward in self.wards)

    @property
    def missing_steps(self) -> list[str]:
        return [step for step in STEPS if step not in self.steps_done]

    @property
    def is_complete(self) -> bool:
        return not self.missing_steps

    @property
    def funded_pence(self) -> int:
        """What this bid holds of its allocation now: its share of the ledger."""
        if self.status is BidStatus.COMPLETED:
            return self.actual_spend_pence or 0
        if self.status in (BidStatus.APPROVED, BidStatus.IN_DELIVERY):
            return self.approved_pence or 0
        return 0

    @property
    def proposed_by(self) -> str:
        """How the proposer is named in public: groups and councillors by name,
        residents and officers by what they are."""
        if self.proposer_kind is ProposerKind.COMMUNITY_GROUP:
            return f"{self.group_name} (community group)"
        if self.proposer_kind is ProposerKind.COUNCILLOR:
            return f"Councillor {self.proposer.display_name}"
        return self.proposer_kind.label

    def can_move_to(self, status: BidStatus) -> bool:
        return status in TRANSITIONS[self.status]

    # --- lifecycle (services add the ledger and the audit entries) ----------------

    def _move(self, to: BidStatus, now: datetime) -> None:
        if not self.can_move_to(to):
            raise RuleViolation(
                f"This bid is {self.status.label.lower()}, so it cannot be {_VERBS[to]}."
            )
        self.status = to
        self.updated_at = now

    def submit(self, now: datetime) -> None:
        if self.status in EDITABLE_STATUSES and not self.is_complete:
            raise RuleViolation("Answer every question before you send your bid.")
        self._move(BidStatus.SUBMITTED, now)
        self.submitted_at = now

    def confirm_eligible(self, officer: User, note: str, now: datetime) -> None:
        self._move(BidStatus.ELIGIBLE, now)
        self.reviewed_at, self.reviewed_by, self.review_comments = now, officer, note

    def return_for_changes(self, officer: User, comments: str, now: datetime) -> None:
        if not comments.strip():
            raise RuleViolation("Enter what the applicant needs to change.")
        self._move(BidStatus.RETURNED, now)
        self.reviewed_at, self.reviewed_by, self.review_comments = now, officer, comments

    def approve(
        self,
        councillor: User,
        allocation: Allocation,
        amount_pence: int,
        reason: str,
        now: datetime,
    ) -> None:
        self._check_amount(amount_pence)
        self._need_reason(reason)
        self._move(BidStatus.APPROVED, now)
        self.approved_pence, self.allocation = amount_pence, allocation
        self.decided_at, self.decided_by, self.decision_reason = now, councillor, reason

    def reject(self, councillor: User, reason: str, now: datetime) -> None:
        self._need_reason(reason)
        self._move(BidStatus.REJECTED, now)
        self.decided_at, self.decided_by, self.decision_reason = now, councillor, reason

    def change_amount(self, amount_pence: int, now: datetime) -> None:
        if self.status not in (BidStatus.APPROVED, BidStatus.IN_DELIVERY):
            raise RuleViolation(
                f"This bid is {self.status.label.lower()}, so its amount cannot be changed."
            )
        self._check_amount(amount_pence)
        if amount_pence == self.approved_pence:
            raise RuleViolation("Enter an amount different from the one approved.")
        self.approved_pence = amount_pence
        self.updated_at = now

    def start_delivery(self, now: datetime) -> None:
        self._move(BidStatus.IN_DELIVERY, now)
        self.delivery_started_at = now

    def complete(self, actual_spend_pence: int, outcome: str, evidence: str, now: datetime) -> None:
        if self.status is BidStatus.IN_DELIVERY and actual_spend_pence > (self.approved_pence or 0):
            raise RuleViolation(
                "The actual spend cannot be more than the approved amount. Ask the "
                "councillor to change the amount first."
            )
        if not outcome.strip():
            raise RuleViolation("Enter a short report of what was delivered.")
        self._move(BidStatus.COMPLETED, now)
        self.actual_spend_pence, self.outcome_report = actual_spend_pence, outcome
        self.completion_evidence, self.completed_at = evidence, now

    def withdraw(self, reason: str, now: datetime) -> None:
        self._need_reason(reason)
        self._move(BidStatus.WITHDRAWN, now)
        self.withdrawn_at, self.withdrawal_reason = now, reason

    def _check_amount(self, amount_pence: int) -> None:
        if amount_pence <= 0:
            raise RuleViolation("The amount must be more than £0.")
        if amount_pence > self.amount_pence:
            raise RuleViolation("The amount cannot be more than the bid asked for.")

    @staticmethod
    def _need_reason(reason: str) -> None:
        if not reason.strip():
            raise RuleViolation("Enter a reason.")


class CostLine(Base):
    __tablename__ = "fund_bid_cost_lines"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("fund_bids.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(String(150))
    amount_pence: Mapped[int] = mapped_column(BigInteger)

    bid: Mapped[Bid] = relationship(back_populates="cost_lines")


class InterestDeclaration(Base):
    """A councillor's declaration before deciding a bid (Nolan principles). Append-only:
    a declared interest blocks that councillor from deciding the bid for good."""

    __tablename__ = "fund_interest_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("fund_bids.id"), index=True)
    councillor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    has_interest: Mapped[bool]
    details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="interests")
    councillor: Mapped[User] = relationship()


class LedgerKind(enum.StrEnum):
    APPROVAL = "approval"
    CHANGE = "change"
    RELEASE = "release"

    @property
    def label(self) -> str:
        return {"approval": "Approved", "change": "Amount changed", "release": "Released"}[
            self.value
        ]


class LedgerEntry(Base):
    """One movement of money on an allocation: plus when committed, minus when
    released. Rows are only ever inserted (see the flush guard below)."""

    __tablename__ = "fund_ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_pence <> 0", name="amount_not_zero"),
        CheckConstraint("committed_after_pence >= 0", name="committed_after_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocations.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("fund_bids.id"), index=True)
    kind: Mapped[LedgerKind] = mapped_column(enum_type(LedgerKind))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    # The allocation's committed total once this entry is applied.
    committed_after_pence: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    allocation: Mapped[Allocation] = relationship()
    bid: Mapped[Bid] = relationship()
    actor: Mapped[User | None] = relationship()


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, LedgerEntry | InterestDeclaration) and (
            obj in session.deleted or session.is_modified(obj)
        ):
            raise RuleViolation("Ledger entries and declarations cannot be changed or deleted.")
