"""The counting rules on small elections whose outcomes can be worked out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engage.pb.counting import (
    RULES,
    Election,
    Project,
    applicable_rules,
    compare,
    count,
    format_money,
    scores,
)


def election(costs, ballots, budget, **kwargs):
    projects = tuple(Project(id=pid, cost=cost, name=pid.title()) for pid, cost in costs)
    return Election(projects=projects, ballots=ballots, budget=budget, **kwargs)


# a: 3 votes, b: 2 votes, c: 2 votes, d: 1 vote
POPULAR = election(
    [("a", 600), ("b", 500), ("c", 300), ("d", 100)],
    [("a", "b"), ("a", "c"), ("a", "b", "c"), ("d",)],
    1000,
)


def test_greedy_skips_what_does_not_fit_and_carries_on():
    outcome = count(POPULAR, "greedy")
    assert outcome.selected == ("a", "c", "d")
    assert outcome.spent == 1000
    assert not outcome.verdicts["b"].funded


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    outcome = count(POPULAR, "greedy-no-skip")
    assert outcome.selected == ("a",)
    assert "counting stopped before reaching it" in outcome.verdicts["c"].explanation
    assert "“B” did not fit" in outcome.verdicts["c"].explanation


def test_greedy_threshold_excludes_projects_below_the_threshold():
    outcome = count(
        election(
            [("a", 600), ("b", 500), ("c", 300), ("d", 100)],
            POPULAR.ballots,
            1000,
            min_project_score_threshold=2,
        ),
        "greedy-threshold",
    )
    assert outcome.selected == ("a", "c")
    assert "needed at least 2 votes to be eligible and had 1 vote" in (
        outcome.verdicts["d"].explanation
    )


def test_greedy_ties_go_to_the_project_listed_first():
    tied = election([("x", 100), ("y", 100)], [("y",), ("x",)], 100)
    assert count(tied, "greedy").selected == ("x",)
    swapped = election([("y", 100), ("x", 100)], [("y",), ("x",)], 100)
    assert count(swapped, "greedy").selected == ("y",)


def test_greedy_explanation_gives_score_rank_and_remaining_budget():
    verdict = count(POPULAR, "greedy").verdicts["b"]
    assert verdict.score == 2 and verdict.rank == 2
    assert verdict.explanation == (
        "2 votes, ranked 2 of 4 by votes. Not funded: when it was reached only £4 of the "
        "budget was left and it cost £5."
    )
    funded = count(POPULAR, "greedy").verdicts["a"].explanation
    assert "when it was reached £10 of the budget was left and it cost £6, leaving £4" in funded


def test_cumulative_ballots_score_the_points():
    cumulative = election(
        [("a", 50), ("b", 50), ("c", 50)],
        [("a", "b"), ("b", "c"), ("c",)],
        100,
        vote_type="cumulative",
        points=[(1, 4), (2, 3), (5,)],
    )
    assert scores(cumulative) == {"a": 1, "b": 6, "c": 8}
    assert count(cumulative, "greedy").selected == ("c", "b")
    assert "8 points" in count(cumulative, "greedy").verdicts["c"].explanation


def test_ordinal_ballots_score_by_rank_position():
    ranked = election(
        [("a", 10), ("b", 10), ("c", 10)],
        [("a", "b", "c"), ("c", "b", "a"), ("c", "a", "b")],
        20,
        vote_type="ordinal",
    )
    # Three choices: 3 points for a first choice, 2 for a second, 1 for a third.
    assert scores(ranked) == {"a": 3 + 1 + 2, "b": 2 + 2 + 1, "c": 1 + 3 + 3}
    assert count(ranked, "greedy").selected == ("c", "a")


def test_equal_shares_lets_a_minority_fund_its_project():
    # 6 voters want a and b; 4 voters want c. Greedy gives the majority everything.
    ballots = [("a", "b")] * 6 + [("c",)] * 4
    shares = election([("a", 400), ("b", 400), ("c", 400)], ballots, 1000)
    assert count(shares, "greedy").selected == ("a", "b")
    outcome = count(shares, "equalshares")
    # Each voter holds 100: the six pay 400 for a (66.67 each); the four pay c in full.
    assert outcome.selected == ("a", "c")
    explanation = outcome.verdicts["b"].explanation
    assert "its 6 supporters started with £6 between them" in explanation
    assert "had £2 left at the end, less than its cost of £4" in explanation
    assert "They had spent £4 towards “A”" in explanation
    assert outcome.verdicts["c"].explanation.endswith("each paying at most £1.")


def test_equal_shares_ties_go_to_lower_cost_then_more_approvals_then_listed_first():
    # Everyone approves both: equal payment per unit of cost; the cheaper wins first.
    cheap_first = election([("big", 60), ("small", 30)], [("big", "small")] * 3, 60)
    assert count(cheap_first, "equalshares").selected == ("small",)
    same = election([("p", 30), ("q", 30)], [("p", "q")] * 2, 30)
    assert count(same, "equalshares").selected == ("p",)


def test_add1_raises_the_budget_per_voter_while_the_outcome_fits():
    # Two voters with 50 each: a (60) is out of its one supporter's reach, b (30) not.
    # With 60 each (virtual budget 120) both are bought, and 90 fits the real 100.
    tight = election([("a", 60), ("b", 30)], [("a",), ("b",)], 100)
    assert count(tight, "equalshares").selected == ("b",)
    outcome = count(tight, "equalshares/add1")
    assert outcome.selected == ("b", "a")
    assert outcome.spent == 90
    assert "the budget was raised by £0.01 per voter at a time, to £1.20" in outcome.summary


def test_add1_stops_when_every_project_is_bought():
    everything = election([("a", 10), ("b", 10)], [("a",), ("b",)], 1000)
    assert set(count(everything, "equalshares/add1").selected) == {"a", "b"}


def test_comparison_step_switches_to_greedy_when_more_voters_prefer_it():
    # Equal Shares funds the minority's c; four voters lose b, but only... three gain c.
    ballots = [("a", "b")] * 4 + [("c",)] * 3
    close = election([("a", 300), ("b", 300), ("c", 300)], ballots, 600)
    shares = count(close, "equalshares/add1")
    greedy = count(close, "greedy")
    assert set(shares.selected) == {"a", "c"} and greedy.selected == ("a", "b")
    outcome = count(close, "equalshares/add1-comparison")
    assert outcome.selected == greedy.selected
    assert "4 voters had more of their projects funded by most votes first" in outcome.summary


def test_rules_for_each_ballot_type():
    assert applicable_rules("approval") == RULES
    assert applicable_rules("choose-1") == RULES
    assert applicable_rules("cumulative") == ("greedy", "greedy-no-skip", "greedy-threshold")
    with pytest.raises(ValueError, match="Unknown ballot type"):
        applicable_rules("scoring")


def test_unknown_or_unsuitable_rules_are_refused_clearly():
    with pytest.raises(ValueError, match="Unknown counting rule 'borda'"):
        count(POPULAR, "borda")
    ranked = election([("a", 1)], [("a",)], 1, vote_type="ordinal")
    with pytest.raises(ValueError, match="needs approval or choose-1 ballots"):
        count(ranked, "equalshares")


@pytest.mark.parametrize(
    ("ballots", "message"),
    [
        ([("a", "zzz")], "names 'zzz', which is not a project"),
        ([("a", "a")], "names a project twice"),
    ],
)
def test_malformed_ballots_are_refused(ballots, message):
    with pytest.raises(ValueError, match=message):
        count(election([("a", 1)], ballots, 1), "greedy")


def test_a_choose_one_ballot_with_two_choices_is_refused():
    two = election([("a", 1), ("b", 1)], [("a", "b")], 1, vote_type="choose-1")
    with pytest.raises(ValueError, match="chooses more than one project"):
        count(two, "greedy")


def test_cumulative_ballots_need_points_for_every_ballot():
    missing = election([("a", 1)], [("a",)], 1, vote_type="cumulative", points=None)
    with pytest.raises(ValueError, match="need points for every ballot"):
        count(missing, "greedy")


def test_compare_counts_every_applicable_rule_and_skips_a_zero_threshold():
    outcomes = compare(POPULAR)
    assert list(outcomes) == [r for r in RULES if r != "greedy-threshold"]
    assert outcomes["greedy"].selected == ("a", "c", "d")
    with_threshold = compare(
        election(
            [("a", 600), ("b", 500), ("c", 300), ("d", 100)],
            POPULAR.ballots,
            1000,
            min_project_score_threshold=3,
        )
    )
    assert with_threshold["greedy-threshold"].selected == ("a",)
    assert list(compare(POPULAR, rules=["equalshares", "greedy"])) == ["greedy", "equalshares"]


def test_no_ballots_funds_nothing_under_equal_shares():
    empty = election([("a", 10)], [], 100)
    assert count(empty, "equalshares/add1").selected == ()
    assert "nobody voted for it" in count(empty, "equalshares").verdicts["a"].explanation


def test_money_is_worded_in_the_councils_currency():
    assert format_money(123456, "GBP", 100) == "£1,234.56"
    assert format_money(120000, "GBP", 100) == "£1,200"
    assert format_money(Fraction(1, 3), "GBP", 100) == "£0.00"
    assert format_money(143756251, "PLN", 100) == "1,437,562.51 PLN"
    assert format_money(5, "", 1) == "5"
