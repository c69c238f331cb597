"""The count of stored ballots through the counting engine: which ballots count, how
each ballot type reaches the engine, ties, categories with their own budget, and the
published count that results pages read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.errors import RuleViolation
from engage.extensions import db
from engage.pb import queries, results, services
from engage.pb.models import (
    BallotChannel,
    BallotStatus,
    BallotType,
    Category,
    Phase,
    Process,
)
from engage.wards.models import Ward
from tests.fixtures.pb import build_ballot, build_process, build_shortlist


@pytest.fixture
def east(make_ward: Callable[..., Ward]) -> Ward:
    return make_ward("Riverside East")


@pytest.fixture
def officer(make_user: Callable[..., User], east: Ward) -> User:
    return make_user(Role.PB_ADMINISTRATOR, ward=east, name="Priya Officer")


def titles(process: Process, ids: list[int]) -> list[str]:
    by_id = {p.id: p.title for p in process.proposals}
    return [by_id[i] for i in ids]


def test_most_votes_first_skips_what_no_longer_fits_and_explains_it(
    east: Ward, officer: User
) -> None:
    process = build_process(ward=east, phase=Phase.COUNTING, budget_pence=1_000_000)
    benches, club, trees = build_shortlist(
        process, officer, [600_000, 500_000, 300_000], ["Benches", "Youth club", "Trees"]
    )
    for choices in ([benches, club], [benches], [club, trees], [benches, trees], [club]):
        build_ballot(process, choices, ward=east)

    count = results.count_process(db.session, process)

    # Benches and the youth club tie on 3 votes: the cheaper club is reached first,
    # and then the benches no longer fit, but the trees do.
    assert count.scores == {benches.id: 3, club.id: 3, trees.id: 2}
    assert titles(process, count.funded) == ["Youth club", "Trees"]
    assert count.ballots_counted == 5
    assert count.explanations[benches.id] == (
        "3 votes, ranked 2 of 3 by votes. Not funded: when it was reached only £5,000 of "
        "the budget was left and it cost £6,000."
    )
    assert set(count.comparison) == {
        "greedy",
        "greedy-no-skip",
        "equalshares",
        "equalshares/add1",
        "equalshares/add1-comparison",
    }
    assert titles(process, count.comparison["greedy-no-skip"]) == ["Youth club"]


def test_a_tie_goes_to_the_cheaper_project_then_the_one_shortlisted_first(
    east: Ward, officer: User
) -> None:
    process = build_process(ward=east, phase=Phase.COUNTING, budget_pence=500_000)
    dear, cheap, twin = build_shortlist(
        process, officer, [400_000, 300_000, 300_000], ["Dear", "Cheap", "Twin"]
    )
    build_ballot(process, [dear, cheap, twin], ward=east)

    count = results.count_process(db.session, process)

    # All three have one vote; only one fits after the first, so the order decides.
    assert titles(process, count.funded) == ["Cheap"]
    assert "Not funded" in count.explanations[twin.id]


def test_only_counted_ballots_count(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.COUNTING, budget_pence=1_000_000)
    benches, trees = build_shortlist(process, officer, [600_000, 600_000], ["Benches", "Trees"])
    build_ballot(process, [benches], ward=east)
    for status, reference in ((BallotStatus.SET_ASIDE, "P1"), (BallotStatus.VOID, "P2")):
        ballot = build_ballot(
            process, [trees], ward=east, channel=BallotChannel.PAPER, reference=reference
        )
        ballot.status = status
    db.session.commit()

    count = results.count_process(db.session, process)

    assert count.ballots_counted == 1
    assert count.scores == {benches.id: 1, trees.id: 0}
    assert titles(process, count.funded) == ["Benches"]


def test_budget_ballots_are_counted_as_approvals_by_equal_shares(east: Ward, officer: User) -> None:
    process = build_process(
        ward=east,
        phase=Phase.COUNTING,
        ballot_type=BallotType.KNAPSACK,
        budget_pence=900_000,
        official_rule="equalshares",
    )
    big, small_a, small_b = build_shortlist(
        process, officer, [600_000, 300_000, 300_000], ["Big", "Small A", "Small B"]
    )
    # Two voters want the big project; one wants both small ones. Equal Shares gives
    # each voter £3,000: the big project's two supporters can pay for it, and the
    # third voter can pay for one small project.
    build_ballot(process, [big], ward=east)
    build_ballot(process, [big], ward=east)
    build_ballot(process, [small_a, small_b], ward=east)

    count = results.count_process(db.session, process)

    assert count.rule == "equalshares"
    assert titles(process, count.funded) == ["Big", "Small A"]
    assert count.explanations[small_b.id].startswith("1 vote")


def test_ranked_ballots_give_a_first_choice_as_many_points_as_places(
    east: Ward, officer: User
) -> None:
    process = build_process(
        ward=east,
        phase=Phase.COUNTING,
        ballot_type=BallotType.RANKED,
        budget_pence=1_000_000,
        max_choices=3,
    )
    a, b, c = build_shortlist(process, officer, [500_000, 500_000, 500_000], ["A", "B", "C"])
    build_ballot(process, [a, b, c], ward=east)  # 3, 2, 1 points
    build_ballot(process, [b], ward=east)  # 3 points: a short ballot loses nothing

    count = results.count_process(db.session, process)

    assert count.scores == {a.id: 3, b.id: 5, c.id: 1}
    assert titles(process, count.funded) == ["B", "A"]


def test_points_ballots_are_counted_by_points(east: Ward, officer: User) -> None:
    process = build_process(
        ward=east,
        phase=Phase.COUNTING,
        ballot_type=BallotType.CUMULATIVE,
        budget_pence=500_000,
        points_total=10,
    )
    a, b = build_shortlist(process, officer, [500_000, 500_000], ["A", "B"])
    build_ballot(process, [(a, 2), (b, 8)], ward=east)
    build_ballot(process, [(a, 7)], ward=east)

    count = results.count_process(db.session, process)

    assert count.scores == {a.id: 9, b.id: 8}
    assert titles(process, count.funded) == ["A"]
    assert count.explanations[a.id].startswith("9 points")


def test_a_category_with_its_own_budget_is_counted_against_it(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.COUNTING, budget_pence=1_000_000)
    youth = Category(name="Young people", budget_pence=300_000, position=1)
    process.categories.append(youth)
    db.session.commit()
    club, skate, benches, trees = build_shortlist(
        process,
        officer,
        [200_000, 200_000, 400_000, 300_000],
        ["Club", "Skate", "Benches", "Trees"],
    )
    for project in (club, skate):
        project.category = youth
    db.session.commit()
    # Everyone loves the youth projects, but only £3,000 is set aside for them; the
    # £7,000 left funds the most popular of the rest, and no more.
    for choices in ([club, skate, benches], [club, skate, trees], [club, skate, benches]):
        build_ballot(process, choices, ward=east)

    count = results.count_process(db.session, process)

    assert sorted(titles(process, count.funded)) == ["Benches", "Club", "Trees"]
    assert count.explanations[skate.id].startswith(
        "Counted against the £3,000 set aside for Young people."
    )
    assert "only £1,000 of the budget was left" in count.explanations[skate.id]
    assert count.explanations[trees.id].startswith("Counted against the budget left")
    assert sorted(titles(process, count.comparison["greedy"])) == ["Benches", "Club", "Trees"]


def test_the_official_rule_must_suit_the_ballots(east: Ward, officer: User) -> None:
    process = build_process(
        ward=east,
        phase=Phase.COUNTING,
        ballot_type=BallotType.RANKED,
        official_rule="equalshares",
    )
    build_shortlist(process, officer, [1000])
    assert not results.rule_applies("equalshares", BallotType.RANKED)
    assert results.rule_applies("equalshares", BallotType.KNAPSACK)
    assert not results.rule_applies("greedy-threshold", BallotType.APPROVAL)
    with pytest.raises(RuleViolation, match="needs approval"):
        results.count_process(db.session, process)


def test_publishing_results_freezes_the_official_count(east: Ward, officer: User) -> None:
    process = build_process(ward=east, phase=Phase.COUNTING, budget_pence=1_000_000)
    benches, trees = build_shortlist(process, officer, [600_000, 600_000], ["Benches", "Trees"])
    build_ballot(process, [benches], ward=east)

    services.move_phase(db.session, actor=officer, process=process, target=Phase.RESULTS)
    db.session.commit()

    assert process.phase is Phase.RESULTS and process.result is not None
    assert titles(process, list(process.result.funded)) == ["Benches"]
    assert benches.delivery is not None and trees.delivery is None
    assert [p.title for p in queries.funded_projects(db.session, process)] == ["Benches"]
    page = results.results_view(db.session, process)
    assert (page.spent, page.leftover, page.ballots_counted) == (600_000, 400_000, 1)
    assert page.turnout == [("Riverside East", 1)]
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "pb.phase.move"))
