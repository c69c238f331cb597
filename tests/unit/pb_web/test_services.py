"""PB services on a real database: who may do what, and what each action leaves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.db import write_transaction
from engage.errors import RuleViolation
from engage.extensions import db
from engage.pb import queries, services
from engage.pb.ballots import Choice
from engage.pb.models import (
    Ballot,
    BallotChannel,
    BallotRevision,
    BallotStatus,
    BallotType,
    Category,
    Phase,
    Process,
    ProposalStatus,
    ProposalSupport,
)
from engage.wards.models import Ward
from tests.fixtures.pb import build_process, build_proposal, build_shortlist


@pytest.fixture
def east(make_ward: Callable[..., Ward]) -> Ward:
    return make_ward("Riverside East")


@pytest.fixture
def officer(make_user: Callable[..., User], east: Ward) -> User:
    return make_user(Role.PB_ADMINISTRATOR, ward=east, name="Priya Officer")


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- proposals -----------------------------------------------------------------------


def test_a_resident_of_the_area_proposes_a_project(
    east: Ward, make_user: Callable[..., User]
) -> None:
    resident = make_user(ward=east, name="Jamie")
    process = build_process(ward=east, phase=Phase.PROPOSALS)
    proposal = services.submit_proposal(
        db.session,
        actor=resident,
        process=process,
        data=services.ProposalData("Benches", "Somewhere to sit", "The park", None, 150_000),
    )
    assert proposal.authors == [resident] and proposal.status is ProposalStatus.SUBMITTED
    assert proposal.rough_cost_pence == 150_000


def test_proposals_are_refused_outside_the_area_or_the_proposals_phase(
    east: Ward, make_ward: Callable[..., Ward], make_user: Callable[..., User]
) -> None:
    outsider = make_user(ward=make_ward("Abbey Fields"))
    data = services.ProposalData("Benches", "Somewhere to sit", "", None, None)
    process = build_process(ward=east, phase=Phase.PROPOSALS)
    with pytest.raises(RuleViolation, match="people who live in Riverside East ward"):
        services.submit_proposal(db.session, actor=outsider, process=process, data=data)
    closed = build_process(ward=east, phase=Phase.REVIEW)
    resident = make_user(ward=east)
    with pytest.raises(RuleViolation, match="only propose a project when"):
        services.submit_proposal(db.session, actor=resident, process=closed, data=data)


def test_supporting_counts_once_and_not_for_your_own(
    east: Ward, make_user: Callable[..., User]
) -> None:
    author, neighbour = make_user(ward=east), make_user(ward=east)
    process = build_process(ward=east, phase=Phase.PROPOSALS)
    proposal = build_proposal(process, author=author)
    with pytest.raises(RuleViolation, match="your own proposal"):
        services.support(db.session, actor=author, proposal=proposal)
    services.support(db.session, actor=neighbour, proposal=proposal)
    services.support(db.session, actor=neighbour, proposal=proposal)
    assert queries.support_counts(db.session, [proposal.id]) == {proposal.id: 1}
    services.withdraw_support(db.session, actor=neighbour, proposal=proposal)
    assert queries.support_counts(db.session, [proposal.id]) == {}


def test_merging_duplicates_credits_both_and_keeps_their_supporters(
    east: Ward, officer: User, make_user: Callable[..., User]
) -> None:
    amy, ben, fan, both = (make_user(ward=east, name=n) for n in ("Amy", "Ben", "Fan", "Both"))
    process = build_process(ward=east, phase=Phase.REVIEW)
    keep = build_proposal(process, author=amy, title="Benches in the park")
    duplicate = build_proposal(process, author=ben, title="Park benches")
    for supporter, proposal in (
        (fan, duplicate),
        (both, duplicate),
        (both, keep),
        (amy, duplicate),
    ):
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=supporter.id))
    db.session.commit()

    services.merge_proposals(
        db.session, actor=officer, duplicate=duplicate, target=keep, reason="Same idea"
    )
    db.session.commit()

    assert keep.author_names == "Amy, Ben"
    assert duplicate.status is ProposalStatus.MERGED and duplicate.merged_into is keep
    supporters = set(
        db.session.scalars(
            select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == keep.id)
        )
    )
    assert supporters == {fan.id, both.id}  # Amy is an author now, so not a supporter
    assert audit_actions() == ["pb.proposal.merge"]


def test_reviews_are_audited_and_the_reason_kept_for_the_proposer(
    east: Ward, officer: User, make_user: Callable[..., User]
) -> None:
    process = build_process(ward=east, phase=Phase.REVIEW)
    proposal = build_proposal(process, author=make_user(ward=east))
    services.review_proposal(
        db.session,
        actor=officer,
        proposal=proposal,
        data=services.ReviewData(False, "The land belongs to the railway", None, ""),
    )
    assert proposal.status is ProposalStatus.NOT_FEASIBLE
    assert proposal.review_reason == "The land belongs to the railway"
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.reason, entry.actor_id) == (
        "pb.proposal.review",
        "The land belongs to the railway",
        officer.id,
    )


def test_the_shortlist_takes_feasible_affordable_projects_in_order(
    east: Ward, officer: User
) -> None:
    process = build_process(ward=east, phase=Phase.REVIEW, budget_pence=1_000_000)
    parks = Category(name="Parks", budget_pence=300_000)
    process.categories.append(parks)
    db.session.commit()
    first = build_proposal(process, author=officer, cost_pence=200_000)
    second = build_proposal(process, author=officer, cost_pence=100_000)
    unreviewed = build_proposal(process, author=officer)
    too_dear = build_proposal(process, author=officer, cost_pence=2_000_000)
    dear_park = build_proposal(process, author=officer, cost_pence=400_000, category=parks)
    services.add_to_shortlist(db.session, actor=officer, proposal=first)
    services.add_to_shortlist(db.session, actor=officer, proposal=second)
    assert (first.shortlist_position, second.shortlist_position) == (1, 2)
    with pytest.raises(RuleViolation, match="reviewed as feasible"):
        services.add_to_shortlist(db.session, actor=officer, proposal=unreviewed)
    with pytest.raises(RuleViolation, match="more than the whole budget"):
        services.add_to_shortlist(db.session, actor=officer, proposal=too_dear)
    with pytest.raises(RuleViolation, match="more than the budget for Parks"):
        services.add_to_shortlist(db.session, actor=officer, proposal=dear_park)


# --- processes and phases ------------------------------------------------------------


def test_rules_cannot_change_once_voting_opens(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.VOTING, budget_pence=1_000_000)
    data = services.ProcessData(
        title="New title",
        summary="",
        ward_id=east.id,
        area_id=None,
        budget_pence=1_000_000,
        ballot_type=BallotType.APPROVAL,
    )
    services.update_process(db.session, actor=officer, process=process, data=data)
    assert process.title == "New title"
    data.budget_pence = 2_000_000
    with pytest.raises(RuleViolation, match="cannot change once voting has opened"):
        services.update_process(db.session, actor=officer, process=process, data=data)


def test_categories_cannot_set_aside_more_than_the_budget(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.DRAFT, budget_pence=1_000_000)
    services.add_category(
        db.session, actor=officer, process=process, name="Parks", budget_pence=600_000
    )
    with pytest.raises(RuleViolation, match="more than the whole budget"):
        services.add_category(
            db.session, actor=officer, process=process, name="Youth", budget_pence=500_000
        )
    with pytest.raises(RuleViolation, match="already a category called parks"):
        services.add_category(
            db.session, actor=officer, process=process, name="parks", budget_pence=None
        )


def test_planned_dates_must_follow_the_phase_order(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.DRAFT)
    with pytest.raises(RuleViolation, match="Voting open must start on or after"):
        services.set_timeline(
            db.session,
            actor=officer,
            process=process,
            dates={Phase.PROPOSALS: date(2026, 6, 1), Phase.VOTING: date(2026, 5, 1)},
        )
    services.set_timeline(
        db.session,
        actor=officer,
        process=process,
        dates={Phase.PROPOSALS: date(2026, 6, 1), Phase.VOTING: date(2026, 9, 1)},
    )
    assert process.planned == {Phase.PROPOSALS: date(2026, 6, 1), Phase.VOTING: date(2026, 9, 1)}
    services.set_timeline(
        db.session, actor=officer, process=process, dates={Phase.VOTING: date(2026, 9, 2)}
    )
    assert process.planned == {Phase.VOTING: date(2026, 9, 2)}


def test_a_phase_move_is_guarded_recorded_and_audited(
    app: object, east: Ward, officer: User
) -> None:
    process = build_process(ward=east, phase=Phase.REVIEW)
    build_proposal(process, author=officer)  # awaiting review
    with pytest.raises(RuleViolation, match="1 proposal is awaiting review"), write_transaction():
        services.move_phase(db.session, actor=officer, process=process, target=Phase.SHORTLIST)
    assert db.session.get(Process, process.id).phase is Phase.REVIEW
    assert audit_actions() == []

    shortlisted = build_proposal(process, author=officer, cost_pence=1000, shortlisted=True)
    db.session.delete(next(p for p in process.proposals if p is not shortlisted))
    db.session.commit()
    with write_transaction():
        services.move_phase(db.session, actor=officer, process=process, target=Phase.SHORTLIST)
    process = db.session.get(Process, process.id)
    assert process.phase is Phase.SHORTLIST
    assert [(c.from_phase, c.to_phase, c.actor_id) for c in process.phase_changes] == [
        (Phase.REVIEW, Phase.SHORTLIST, officer.id)
    ]
    assert audit_actions() == ["pb.phase.move"]


def test_due_phase_follows_the_planned_dates(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.INFORMATION)
    services.set_timeline(
        db.session, actor=officer, process=process, dates={Phase.PROPOSALS: date(2026, 6, 1)}
    )
    assert services.due_phase(process, date(2026, 5, 31)) is None
    assert services.due_phase(process, date(2026, 6, 1)) is Phase.PROPOSALS


# --- ballots -------------------------------------------------------------------------


@pytest.fixture
def voting(east: Ward, officer: User) -> tuple[Process, list[int]]:
    process = build_process(ward=east, phase=Phase.VOTING, max_choices=2)
    ids = [p.id for p in build_shortlist(process, officer, [100_000, 200_000, 300_000])]
    return process, ids


def cast(voter: User, process: Process, ids: list[int], age: bool = False) -> Ballot:
    with write_transaction():
        return services.cast_ballot(
            db.session,
            voter=voter,
            process=process,
            choices=[Choice(i) for i in ids],
            age_declared=age,
        )


def test_changing_a_ballot_keeps_one_ballot_and_the_old_choices_as_history(
    voting: tuple[Process, list[int]], east: Ward, make_user: Callable[..., User]
) -> None:
    process, ids = voting
    voter = make_user(ward=east)
    cast(voter, process, ids[:2])
    cast(voter, process, ids[2:])
    ballot = queries.ballot_of(db.session, process, voter.id)
    assert [c.proposal_id for c in ballot.choices] == ids[2:]
    assert ballot.ward_id == east.id and ballot.channel is BallotChannel.ONLINE
    history = db.session.scalars(select(BallotRevision)).all()
    assert [h.choices for h in history] == [[[ids[0], None], [ids[1], None]]]


def test_an_invalid_ballot_is_refused_and_nothing_is_stored(
    voting: tuple[Process, list[int]], east: Ward, make_user: Callable[..., User]
) -> None:
    process, ids = voting
    voter = make_user(ward=east)
    with pytest.raises(RuleViolation, match="Choose no more than 2 projects. You chose 3"):
        cast(voter, process, ids)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_an_unverified_resident_cannot_vote(
    voting: tuple[Process, list[int]], east: Ward, make_user: Callable[..., User]
) -> None:
    process, ids = voting
    with pytest.raises(RuleViolation, match="checked by the council"):
        cast(make_user(ward=east, verified=False), process, ids[:1])


def test_a_minimum_age_needs_the_declaration_which_is_recorded(
    east: Ward, officer: User, make_user: Callable[..., User]
) -> None:
    process = build_process(ward=east, phase=Phase.VOTING, minimum_age=16)
    ids = [p.id for p in build_shortlist(process, officer, [100])]
    voter = make_user(ward=east)
    with pytest.raises(RuleViolation, match="Confirm that you are 16 or over"):
        cast(voter, process, ids)
    assert cast(voter, process, ids, age=True).age_declared


def paper(process: Process, ward: Ward, ids: list[int], reference: str, email: str = "") -> object:
    return services.PaperBallotData(
        reference=reference, ward_id=ward.id, choices=[Choice(i) for i in ids], voter_email=email
    )


def test_a_paper_ballot_linked_to_an_account_stops_an_online_vote(
    voting: tuple[Process, list[int]], east: Ward, officer: User, make_user: Callable[..., User]
) -> None:
    process, ids = voting
    voter = make_user(ward=east, email="sam@example.org")
    with write_transaction():
        services.enter_paper_ballot(
            db.session,
            actor=officer,
            process=process,
            data=paper(process, east, ids[:1], "101", "SAM@example.org"),
        )
    with pytest.raises(RuleViolation, match="paper ballot has been counted"):
        cast(voter, process, ids[1:2])
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "pb.paper_ballot.enter")
    )
    assert entry.actor_id == officer.id and entry.details["reference"] == "101"


def test_a_paper_ballot_from_someone_who_voted_online_is_set_aside_and_flagged(
    voting: tuple[Process, list[int]], east: Ward, officer: User, make_user: Callable[..., User]
) -> None:
    process, ids = voting
    voter = make_user(ward=east, email="sam@example.org", name="Sam Taylor")
    online = cast(voter, process, ids[:1])
    with write_transaction():
        services.enter_paper_ballot(
            db.session,
            actor=officer,
            process=process,
            data=paper(process, east, ids[1:2], "102", "sam@example.org"),
        )
    flagged = queries.flagged_paper_ballots(db.session, process)
    assert [(b.paper_reference, b.duplicate_of_id, b.status_reason) for b in flagged] == [
        ("102", online.id, "Sam Taylor had already voted online")
    ]
    assert queries.ballots_counted(db.session, process) == 1  # counted once, not twice


def test_paper_ballot_numbers_are_unique_until_withdrawn(
    voting: tuple[Process, list[int]], east: Ward, officer: User
) -> None:
    process, ids = voting
    with write_transaction():
        first = services.enter_paper_ballot(
            db.session, actor=officer, process=process, data=paper(process, east, ids[:1], "7")
        )
    with (
        pytest.raises(RuleViolation, match="Paper ballot 7 has already been entered"),
        write_transaction(),
    ):
        services.enter_paper_ballot(
            db.session, actor=officer, process=process, data=paper(process, east, ids[1:2], "7")
        )
    with write_transaction():
        services.void_paper_ballot(
            db.session,
            actor=officer,
            ballot=db.session.get(Ballot, first.id),
            reason="Typed wrongly",
        )
    with write_transaction():
        services.enter_paper_ballot(
            db.session, actor=officer, process=process, data=paper(process, east, ids[1:2], "7")
        )
    statuses = sorted(b.status for b in queries.paper_ballots(db.session, process))
    assert statuses == [BallotStatus.COUNTED, BallotStatus.VOID]


def test_a_paper_csv_is_imported_whole_or_not_at_all(
    voting: tuple[Process, list[int]], east: Ward, officer: User
) -> None:
    process, ids = voting
    bad = (
        "reference,ward,choices\n"
        f"1,Riverside East,{ids[0]};{ids[1]}\n"
        f"2,Nowhere,{ids[0]}\n"
        f"3,Riverside East,{ids[0]};{ids[1]};{ids[2]}\n"
        "4,Riverside East,banana\n"
    )
    with pytest.raises(RuleViolation) as refused, write_transaction():
        services.import_paper_ballots(db.session, actor=officer, process=process, text=bad)
    assert "Line 3: Nowhere is not a ward in Riverside East ward" in refused.value.message
    assert "Line 5: 'banana' is not a project number" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0

    all_three = ";".join(map(str, ids))
    rule_broken = (
        f"reference,ward,choices\n1,Riverside East,{ids[0]}\n2,Riverside East,{all_three}\n"
    )
    with (
        pytest.raises(RuleViolation, match="Line 3: Choose no more than 2 projects"),
        write_transaction(),
    ):
        services.import_paper_ballots(db.session, actor=officer, process=process, text=rule_broken)
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0

    good = (
        f"Reference,Ward,Choices\n1,Riverside East,{ids[0]}\n2,riverside east,{ids[1]}; {ids[2]}\n"
    )
    with write_transaction():
        report = services.import_paper_ballots(
            db.session, actor=officer, process=process, text=good
        )
    assert report.entered == 2
    assert queries.tally(db.session, process) == {ids[0]: (1, 0), ids[1]: (1, 0), ids[2]: (1, 0)}


# --- hooks ---------------------------------------------------------------------------


def test_proposals_become_ward_priority_mentions_weighted_by_support(
    east: Ward, make_user: Callable[..., User]
) -> None:
    author = make_user(ward=east)
    process = build_process(ward=east, phase=Phase.PROPOSALS)
    parks = Category(name="Parks and green spaces")
    process.categories.append(parks)
    db.session.commit()
    proposal = build_proposal(process, author=author, title="Pond clean-up", category=parks)
    for _ in range(2):
        db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=make_user(ward=east).id))
    db.session.commit()
    now = datetime.now(UTC)
    [mention] = queries.proposal_mentions(
        db.session, [east.id], now - timedelta(days=1), now + timedelta(days=1)
    )
    assert (mention.source, mention.ward_id, mention.weight) == ("pb", east.id, 3)
    assert mention.theme_keys == ("parks-and-green-spaces",)
    assert mention.text.startswith("Pond clean-up\n")
    assert mention.reference == f"/budgets/{process.id}/proposals/{proposal.id}"
    assert (
        list(queries.proposal_mentions(db.session, [east.id + 100], now - timedelta(days=1), now))
        == []
    )
