"""Property tests: the engine agrees with pabutools, the research reference, on small
random approval elections (greedy, Equal Shares and its add-one completion).

pabutools is told to break ties the engine's documented way: for greedy, the project
listed first; for Equal Shares, lower cost, then more approvals, then listed first.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
from pabutools.election import Project as RefProject
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule

from engage.pb.counting import Election, Project, count


@st.composite
def elections(draw, budget_multiple_of_voters=False, voters=12, projects=6):
    costs = draw(st.lists(st.integers(1, 30), min_size=1, max_size=projects))
    ids = [f"p{i}" for i in range(len(costs))]
    ballots = draw(
        st.lists(st.sets(st.sampled_from(ids), max_size=len(ids)), min_size=1, max_size=voters)
    )
    budget = draw(st.integers(0, sum(costs)))
    if budget_multiple_of_voters:
        # pabutools starts the add-one search at the budget itself, the engine at the
        # budget rounded down to a whole amount per voter: make them the same.
        budget -= budget % len(ballots)
    return Election(
        projects=tuple(Project(pid, cost) for pid, cost in zip(ids, costs, strict=True)),
        ballots=[tuple(sorted(b)) for b in ballots],
        budget=budget,
    )


def reference(election: Election):
    projects = {p.id: RefProject(p.id, p.cost) for p in election.projects}
    instance = Instance(projects.values(), budget_limit=election.budget)
    profile = ApprovalProfile(
        [ApprovalBallot(projects[pid] for pid in ballot) for ballot in election.ballots]
    )
    order = {p.id: i for i, p in enumerate(election.projects)}
    listed = TieBreakingRule(lambda inst, prof, p: order[p.name])
    shares = TieBreakingRule(lambda inst, prof, p: (p.cost, -prof.approval_score(p), order[p.name]))
    return instance, profile, listed, shares


def names(allocation) -> set[str]:
    return {p.name for p in allocation}


@settings(max_examples=200, deadline=None)
@given(elections())
def test_greedy_agrees_with_pabutools(election):
    instance, profile, listed, _ = reference(election)
    expected = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=listed
    )
    assert set(count(election, "greedy").selected) == names(expected)


@settings(max_examples=200, deadline=None)
@given(elections())
def test_equal_shares_agrees_with_pabutools(election):
    instance, profile, _, shares = reference(election)
    expected = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=shares)
    assert set(count(election, "equalshares").selected) == names(expected)


@settings(max_examples=40, deadline=None)
@given(elections(voters=60, projects=9))
def test_equal_shares_agrees_with_pabutools_on_larger_electorates(election):
    """Many voters with diverging budgets: many distinct amounts and capped payers."""
    instance, profile, _, shares = reference(election)
    expected = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=shares)
    assert set(count(election, "equalshares").selected) == names(expected)


@settings(max_examples=100, deadline=None)
@given(elections(budget_multiple_of_voters=True))
def test_add_one_agrees_with_pabutools_budget_increase(election):
    instance, profile, _, shares = reference(election)
    expected = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        rule_params={"sat_class": Cost_Sat, "tie_breaking": shares},
        exhaustive_stop=False,
        budget_step=len(election.ballots),
    )
    assert set(count(election, "equalshares/add1").selected) == names(expected)
