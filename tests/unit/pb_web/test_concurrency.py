"""One ballot per person per process under real concurrency, on every backend.

Setup is committed first; then threads, each with its own app context (so its own
session and connection, like separate web requests), wait at a barrier and call the
same service the ballot page calls, inside the same write transaction.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence

from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.db import write_transaction
from engage.extensions import db
from engage.pb import queries, services
from engage.pb.ballots import Choice
from engage.pb.models import Ballot, BallotChoice, BallotRevision, Phase, Process
from engage.wards.models import Ward
from tests.fixtures.pb import build_process, build_shortlist


def _vote_at_once(app: Flask, process_id: int, votes: Sequence[tuple[int, list[int]]]) -> list:
    """Cast every (voter id, project ids) at the same moment; returns the errors."""
    barrier = threading.Barrier(len(votes))
    errors: list[BaseException] = []

    def vote(voter_id: int, project_ids: list[int]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                with write_transaction():
                    services.cast_ballot(
                        db.session,
                        voter=db.session.get(User, voter_id),
                        process=db.session.get(Process, process_id),
                        choices=[Choice(pid) for pid in project_ids],
                        age_declared=False,
                    )
            except BaseException as error:  # noqa: BLE001 (reported by the test)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=vote_args) for vote_args in votes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_twenty_tabs_submitting_one_voters_ballot_leave_one_ballot_and_its_history(
    app: Flask,
    make_ward: Callable[..., Ward],
    make_user: Callable[..., User],
) -> None:
    ward = make_ward("Riverside East")
    voter = make_user(ward=ward)
    process = build_process(ward=ward, phase=Phase.VOTING, max_choices=3)
    projects = [p.id for p in build_shortlist(process, voter, [1000, 2000, 3000, 4000])]
    submissions = [[projects[i % 4], projects[(i + 1) % 4]] for i in range(20)]

    errors = _vote_at_once(app, process.id, [(voter.id, ids) for ids in submissions])

    assert errors == []
    db.session.rollback()  # a fresh snapshot: the threads committed after ours began
    ballots = db.session.scalars(select(Ballot).where(Ballot.process_id == process.id)).all()
    assert len(ballots) == 1 and ballots[0].voter_id == voter.id
    revisions = db.session.scalar(select(func.count()).select_from(BallotRevision))
    assert revisions == 19
    # The ballot that counts is one of those submitted, whole: no mixing of two tabs.
    assert [c.proposal_id for c in ballots[0].choices] in submissions


def test_two_hundred_voters_at_once_are_all_counted_exactly(
    app: Flask,
    make_ward: Callable[..., Ward],
    make_user: Callable[..., User],
) -> None:
    ward = make_ward("Riverside East")
    officer = make_user(ward=ward)
    process = build_process(ward=ward, phase=Phase.VOTING, max_choices=3)
    projects = [p.id for p in build_shortlist(process, officer, [1000, 2000, 3000, 4000, 5000])]
    voters = [make_user(ward=ward) for _ in range(200)]
    votes = [
        (v.id, [projects[i % 5], projects[(i * 3 + 1) % 5]][: 1 + i % 2])
        for i, v in enumerate(voters)
    ]
    votes = [(voter_id, list(dict.fromkeys(ids))) for voter_id, ids in votes]

    errors = _vote_at_once(app, process.id, votes)

    assert errors == []
    db.session.rollback()  # a fresh snapshot: the threads committed after ours began
    assert queries.ballots_counted(db.session, process) == 200
    expected = Counter(pid for _, ids in votes for pid in ids)
    tally = {pid: chosen for pid, (chosen, _) in queries.tally(db.session, process).items()}
    assert tally == dict(expected)
    lines = db.session.scalar(select(func.count()).select_from(BallotChoice))
    assert sum(tally.values()) == lines == sum(len(ids) for _, ids in votes)
