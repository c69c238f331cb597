"""What the ward page and the councillor's ward briefing say about participatory
budgeting: the processes covering the ward, their phase, proposals and turnout."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engage.accounts.models import User
from engage.db import DbSession
from engage.pb import queries
from engage.pb.models import Ballot, BallotStatus, Phase, Process, Proposal
from engage.wards.models import Ward


@dataclass(frozen=True)
class WardProcess:
    process: Process
    proposals_from_ward: int
    ballots_from_ward: int
    ballots_in_total: int
    funded: int

    @property
    def voting_open(self) -> bool:
        return self.process.phase is Phase.VOTING

    @property
    def has_results(self) -> bool:
        return self.process.has_results


def ward_summary(session: DbSession, ward: Ward) -> list[WardProcess]:
    found = queries.processes_for_ward(session, ward)
    ids = [p.id for p in found]
    if not ids:
        return []
    proposals: dict[int, int] = dict(
        session.execute(
            select(Proposal.process_id, func.count())
            .join(User, User.id == Proposal.proposer_id)
            .where(Proposal.process_id.in_(ids), User.ward_id == ward.id)
            .group_by(Proposal.process_id)
        )
        .tuples()
        .all()
    )
    counted = Ballot.status == BallotStatus.COUNTED
    from_ward: dict[int, int] = dict(
        session.execute(
            select(Ballot.process_id, func.count())
            .where(Ballot.process_id.in_(ids), Ballot.ward_id == ward.id, counted)
            .group_by(Ballot.process_id)
        )
        .tuples()
        .all()
    )
    totals: dict[int, int] = dict(
        session.execute(
            select(Ballot.process_id, func.count())
            .where(Ballot.process_id.in_(ids), counted)
            .group_by(Ballot.process_id)
        )
        .tuples()
        .all()
    )
    return [
        WardProcess(
            process=process,
            proposals_from_ward=proposals.get(process.id, 0),
            ballots_from_ward=from_ward.get(process.id, 0),
            ballots_in_total=totals.get(process.id, 0),
            funded=len(process.result.funded) if process.has_results and process.result else 0,
        )
        for process in found
    ]
