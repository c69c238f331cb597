"""Read helpers for participatory budgeting pages, hooks and exports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from engage.db import DbSession
from engage.hooks import Mention
from engage.pb.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotStatus,
    Phase,
    Process,
    Proposal,
    ProposalStatus,
    ProposalSupport,
)
from engage.wards.models import Ward

# Sort orders offered on the proposals list; anything else falls back to the first.
PROPOSAL_SORTS = {
    "newest": (Proposal.created_at.desc(), Proposal.id.desc()),
    "oldest": (Proposal.created_at, Proposal.id),
    "title": (Proposal.title, Proposal.id),
}


def processes(session: DbSession, *, include_drafts: bool) -> list[Process]:
    statement = select(Process).order_by(Process.created_at.desc(), Process.id.desc())
    if not include_drafts:
        statement = statement.where(Process.phase != Phase.DRAFT)
    return list(session.scalars(statement))


def processes_for_ward(session: DbSession, ward: Ward) -> list[Process]:
    """Published, current (not archived) processes that cover the ward."""
    statement = (
        select(Process)
        .where(
            Process.phase != Phase.DRAFT,
            Process.archived.is_(False),
            or_(
                Process.ward_id == ward.id,
                Process.area_id == ward.area_id,
                (Process.ward_id.is_(None) & Process.area_id.is_(None)),
            ),
        )
        .order_by(Process.created_at.desc())
    )
    return list(session.scalars(statement))


def wards_covered(session: DbSession, process: Process) -> list[Ward]:
    statement = select(Ward).order_by(Ward.name)
    if process.ward_id is not None:
        statement = statement.where(Ward.id == process.ward_id)
    elif process.area_id is not None:
        statement = statement.where(Ward.area_id == process.area_id)
    return list(session.scalars(statement))


def proposals(
    session: DbSession,
    process: Process,
    *,
    sort: str = "newest",
    category_id: int | None = None,
    include_hidden: bool = False,
) -> list[Proposal]:
    order = PROPOSAL_SORTS.get(sort, PROPOSAL_SORTS["newest"])
    statement = (
        select(Proposal)
        .where(Proposal.process_id == process.id)
        .options(selectinload(Proposal.authors), selectinload(Proposal.category))
        .order_by(*order)
    )
    if category_id is not None:
        statement = statement.where(Proposal.category_id == category_id)
    if not include_hidden:
        statement = statement.where(Proposal.hidden_at.is_(None))
    return list(session.scalars(statement))


def proposal_count(session: DbSession, process: Process) -> int:
    """Proposals the public can see, without loading them."""
    return (
        session.scalar(
            select(func.count()).where(
                Proposal.process_id == process.id, Proposal.hidden_at.is_(None)
            )
        )
        or 0
    )


def support_counts(session: DbSession, proposal_ids: Iterable[int]) -> dict[int, int]:
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(ProposalSupport.proposal_id, func.count())
        .where(ProposalSupport.proposal_id.in_(ids))
        .group_by(ProposalSupport.proposal_id)
    )
    return {proposal_id: count for proposal_id, count in rows}


def supported_by(session: DbSession, user_id: int, proposal_ids: Iterable[int]) -> set[int]:
    ids = list(proposal_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(ProposalSupport.proposal_id).where(
                ProposalSupport.user_id == user_id, ProposalSupport.proposal_id.in_(ids)
            )
        )
    )


def awaiting_review_count(session: DbSession, process: Process) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Proposal.process_id == process.id,
                Proposal.status == ProposalStatus.SUBMITTED,
                Proposal.hidden_at.is_(None),
            )
        )
        or 0
    )


def shortlist(session: DbSession, process: Process) -> list[Proposal]:
    """The projects on the ballot, in shortlist order."""
    return list(
        session.scalars(
            select(Proposal)
            .where(*_on_shortlist(process))
            .options(selectinload(Proposal.category), selectinload(Proposal.authors))
            .order_by(Proposal.shortlist_position)
        )
    )


def shortlist_costs(session: DbSession, process: Process) -> list[tuple[int, str, int, int | None]]:
    """Each project on the ballot as (id, title, cost in pence, category id), in
    shortlist order: all that checking a ballot needs, in one query, because every
    ballot submitted is checked against it."""
    return [
        (id_, title, cost or 0, category_id)
        for id_, title, cost, category_id in session.execute(
            select(Proposal.id, Proposal.title, Proposal.estimated_cost_pence, Proposal.category_id)
            .where(*_on_shortlist(process))
            .order_by(Proposal.shortlist_position)
        ).tuples()
    ]


def _on_shortlist(process: Process) -> tuple[ColumnElement[bool], ...]:
    return (Proposal.process_id == process.id, Proposal.shortlist_position.is_not(None))


def funded_projects(session: DbSession, process: Process) -> list[Proposal]:
    if process.result is None:
        return []
    funded = [int(i) for i in process.result.funded]
    by_id = {p.id: p for p in shortlist(session, process)}
    return [by_id[i] for i in funded if i in by_id]


def merge_targets(session: DbSession, proposal: Proposal) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(
                Proposal.process_id == proposal.process_id,
                Proposal.id != proposal.id,
                Proposal.status != ProposalStatus.MERGED,
            )
            .order_by(Proposal.title)
        )
    )


def ballot_of(session: DbSession, process: Process, voter_id: int) -> Ballot | None:
    return session.scalar(
        select(Ballot)
        .where(Ballot.process_id == process.id, Ballot.voter_id == voter_id)
        .options(selectinload(Ballot.choices))
    )


def counted_ballots(process: Process) -> Select[tuple[Ballot]]:
    return select(Ballot).where(
        Ballot.process_id == process.id, Ballot.status == BallotStatus.COUNTED
    )


def ballots_counted(session: DbSession, process: Process) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Ballot.process_id == process.id, Ballot.status == BallotStatus.COUNTED
            )
        )
        or 0
    )


def ballot_lines(session: DbSession, process: Process) -> Iterator[tuple[int, int, int | None]]:
    """(ballot id, proposal id, points) for every counted ballot, each ballot's lines
    in the voter's order: what the count is made from."""
    return iter(
        session.execute(
            select(BallotChoice.ballot_id, BallotChoice.proposal_id, BallotChoice.points)
            .join(Ballot, Ballot.id == BallotChoice.ballot_id)
            .where(Ballot.process_id == process.id, Ballot.status == BallotStatus.COUNTED)
            .order_by(BallotChoice.ballot_id, BallotChoice.position)
        ).tuples()
    )


def tally(session: DbSession, process: Process) -> dict[int, tuple[int, int]]:
    """{proposal id: (ballots choosing it, points given)} over counted ballots."""
    rows = session.execute(
        select(
            BallotChoice.proposal_id,
            func.count(),
            func.coalesce(func.sum(BallotChoice.points), 0),
        )
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .where(Ballot.process_id == process.id, Ballot.status == BallotStatus.COUNTED)
        .group_by(BallotChoice.proposal_id)
    )
    return {proposal_id: (int(count), int(points)) for proposal_id, count, points in rows}


def turnout_by_ward(session: DbSession, process: Process) -> list[tuple[str, int]]:
    """Counted ballots per ward (ward name, count), largest first; ballots with no
    ward (imported) are "Not recorded"."""
    rows = session.execute(
        select(Ward.name, func.count(Ballot.id))
        .select_from(Ballot)
        .outerjoin(Ward, Ward.id == Ballot.ward_id)
        .where(Ballot.process_id == process.id, Ballot.status == BallotStatus.COUNTED)
        .group_by(Ward.name)
    )
    found = [(name or "Not recorded", int(count)) for name, count in rows]
    return sorted(found, key=lambda row: (-row[1], row[0]))


def turnout_by_channel(session: DbSession, process: Process) -> dict[BallotChannel, int]:
    rows = session.execute(
        select(Ballot.channel, func.count())
        .where(Ballot.process_id == process.id, Ballot.status == BallotStatus.COUNTED)
        .group_by(Ballot.channel)
    )
    return {channel: int(count) for channel, count in rows}


def paper_ballots(session: DbSession, process: Process) -> list[Ballot]:
    return list(
        session.scalars(
            select(Ballot)
            .where(Ballot.process_id == process.id, Ballot.channel == BallotChannel.PAPER)
            .options(
                selectinload(Ballot.choices),
                selectinload(Ballot.ward),
                selectinload(Ballot.entered_by),
            )
            .order_by(Ballot.id.desc())
        )
    )


def flagged_paper_ballots(session: DbSession, process: Process) -> list[Ballot]:
    return [b for b in paper_ballots(session, process) if b.status is BallotStatus.SET_ASIDE]


def proposal_mentions(
    session: DbSession, ward_ids: list[int] | None, start: datetime, end: datetime
) -> Iterator[Mention]:
    """PB proposals as ward-priority mentions: once, plus once per supporter, in the
    proposer's ward, themed by the proposal's category where it names a theme."""
    from engage.accounts.models import User

    statement = (
        select(Proposal, User.ward_id)
        .join(User, User.id == Proposal.proposer_id)
        .where(
            Proposal.created_at >= start,
            Proposal.created_at < end,
            Proposal.hidden_at.is_(None),
            Proposal.status != ProposalStatus.MERGED,
        )
        .options(selectinload(Proposal.category))
    )
    if ward_ids is not None:
        statement = statement.where(User.ward_id.in_(ward_ids))
    found = list(session.execute(statement).tuples())
    supports = support_counts(session, [proposal.id for proposal, _ in found])
    for proposal, ward_id in found:
        yield Mention(
            source="pb",
            ward_id=ward_id,
            occurred_at=proposal.created_at,
            text=f"{proposal.title}\n{proposal.description}",
            weight=1 + supports.get(proposal.id, 0),
            theme_keys=(theme_key(proposal.category.name),) if proposal.category else (),
            reference=f"/budgets/{proposal.process_id}/proposals/{proposal.id}",
        )


def theme_key(category_name: str) -> str:
    """A category named like a ward-priority theme ("Parks and green spaces") maps to
    that theme's key; other names are classified from the proposal's words."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", category_name.lower()).strip("-")
