"""Ballot validity rules: what each type of ballot allows, in the words voters read."""

from __future__ import annotations

import pytest

from engage.pb.ballots import (
    BallotRules,
    Choice,
    Project,
    describe,
    normalise,
    shortlist_problems,
    validate,
)
from engage.pb.models import BallotType

PROJECTS = {
    1: Project(1, "Benches in Riverside Park", 400_000, category_id=10),
    2: Project(2, "Youth club kit", 300_000),
    3: Project(3, "Street trees", 500_000, category_id=10),
    4: Project(4, "Bike racks", 100_000),
}


def chosen(*ids: int) -> list[Choice]:
    return [Choice(i) for i in ids]


def test_approval_takes_between_the_fewest_and_the_most() -> None:
    rules = BallotRules(BallotType.APPROVAL, budget=1_000_000, min_choices=2, max_choices=3)
    assert validate(rules, PROJECTS, chosen(1, 2)) == []
    assert validate(rules, PROJECTS, chosen(1)) == ["Choose at least 2 projects. You chose 1"]
    assert validate(rules, PROJECTS, chosen(1, 2, 3, 4)) == [
        "Choose no more than 3 projects. You chose 4"
    ]
    assert validate(rules, PROJECTS, []) == ["Choose a project"]


def test_projects_not_on_the_ballot_or_chosen_twice_are_refused() -> None:
    rules = BallotRules(BallotType.APPROVAL, budget=1_000_000)
    assert validate(rules, PROJECTS, chosen(99)) == ["Choose only projects on this ballot"]
    assert validate(rules, PROJECTS, chosen(1, 1)) == ["Choose each project only once"]


def test_knapsack_must_fit_the_budget_and_says_by_how_much_it_does_not() -> None:
    rules = BallotRules(BallotType.KNAPSACK, budget=1_000_000)
    assert validate(rules, PROJECTS, chosen(1, 2, 4)) == []
    assert validate(rules, PROJECTS, chosen(1, 2, 3)) == [
        "The projects you chose cost £12,000, which is £2,000 more than the budget of "
        "£10,000. Remove a project and try again"
    ]


def test_knapsack_respects_a_categorys_own_budget() -> None:
    rules = BallotRules(BallotType.KNAPSACK, budget=2_000_000, sub_budgets={10: ("Parks", 600_000)})
    errors = validate(rules, PROJECTS, chosen(1, 3))
    assert errors == [
        "The Parks projects you chose cost £9,000, which is more than the £6,000 set aside "
        "for Parks. Remove one and try again"
    ]


def test_ranked_counts_rankings_against_the_limit() -> None:
    rules = BallotRules(BallotType.RANKED, budget=1_000_000, min_choices=1, max_choices=2)
    assert validate(rules, PROJECTS, chosen(3, 1)) == []
    assert validate(rules, PROJECTS, chosen(3, 1, 2)) == [
        "Rank no more than 2 projects. You ranked 3"
    ]
    assert validate(rules, PROJECTS, []) == ["Rank at least 1 project"]


def test_cumulative_shares_points_within_the_limits() -> None:
    rules = BallotRules(
        BallotType.CUMULATIVE, budget=1_000_000, points_total=10, points_per_project=5
    )
    assert validate(rules, PROJECTS, [Choice(1, 5), Choice(2, 5)]) == []
    assert validate(rules, PROJECTS, [Choice(1, 5), Choice(2, 4)]) == []  # need not use all
    assert validate(rules, PROJECTS, [Choice(1, 6)]) == [
        "Give Benches in Riverside Park no more than 5 points"
    ]
    assert validate(rules, PROJECTS, [Choice(1, 5), Choice(2, 5), Choice(3, 1)]) == [
        "You have 10 points to share. You gave 11. Take some away and try again"
    ]
    assert validate(rules, PROJECTS, [Choice(1, 0)]) == ["Give at least 1 point to a project"]


def test_projects_given_no_points_are_not_stored() -> None:
    rules = BallotRules(BallotType.CUMULATIVE, budget=1, points_total=10)
    assert normalise(rules, [Choice(1, 3), Choice(2, 0)]) == [Choice(1, 3)]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            BallotRules(BallotType.APPROVAL, budget=1, min_choices=1, max_choices=3),
            "Choose up to 3 projects you would like to see funded.",
        ),
        (
            BallotRules(BallotType.APPROVAL, budget=1, min_choices=2, max_choices=3),
            "Choose between 2 and 3 projects you would like to see funded.",
        ),
        (
            BallotRules(BallotType.KNAPSACK, budget=2_500_000),
            "Choose the projects you would fund with the budget of £25,000.",
        ),
        (
            BallotRules(BallotType.RANKED, budget=1, max_choices=3),
            "Put up to 3 projects in order: 1 for your favourite, 2 for your next choice, "
            "and so on.",
        ),
        (
            BallotRules(BallotType.CUMULATIVE, budget=1, points_total=10, points_per_project=4),
            "You have 10 points to share between the projects you support.",
        ),
    ],
)
def test_the_rules_are_described_in_plain_words(rules: BallotRules, expected: str) -> None:
    assert describe(rules, project_count=4)[0] == expected


def test_before_the_shortlist_exists_the_settings_are_described() -> None:
    limited = BallotRules(kind=BallotType.APPROVAL, budget=1000, max_choices=3)
    assert describe(limited, project_count=0)[0].startswith("Choose up to 3 projects")
    unlimited = BallotRules(kind=BallotType.APPROVAL, budget=1000)
    assert describe(unlimited, project_count=0)[0] == (
        "Choose any of the projects you would like to see funded."
    )
    ranked = BallotRules(kind=BallotType.RANKED, budget=1000)
    assert describe(ranked, project_count=0)[0].startswith("Put up to all the projects in order")


def test_a_limit_above_the_shortlist_is_described_as_the_shortlist() -> None:
    rules = BallotRules(BallotType.APPROVAL, budget=1, max_choices=10)
    assert describe(rules, project_count=4)[0].startswith("Choose up to 4 projects")


def test_voting_cannot_open_with_rules_the_shortlist_cannot_meet() -> None:
    rules = BallotRules(BallotType.APPROVAL, budget=1_000_000, min_choices=5)
    assert shortlist_problems(rules, PROJECTS, rule_applies=True) == [
        "voters must choose at least 5 projects but only 4 projects are on the shortlist"
    ]
    assert shortlist_problems(rules, {}, rule_applies=True) == ["the shortlist is empty"]
    fine = BallotRules(BallotType.APPROVAL, budget=1_000_000)
    assert shortlist_problems(fine, PROJECTS, rule_applies=False) == [
        "the official counting rule does not suit this type of ballot"
    ]
    small = BallotRules(BallotType.KNAPSACK, budget=450_000, min_choices=1)
    assert shortlist_problems(small, PROJECTS, rule_applies=True) == [
        "these cost more than the whole budget: Street trees"
    ]
    points = BallotRules(BallotType.CUMULATIVE, budget=1_000_000)
    assert "set how many points each voter has to share" in shortlist_problems(
        points, PROJECTS, rule_applies=True
    )
