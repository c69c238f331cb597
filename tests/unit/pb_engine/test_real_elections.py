"""The engine against the official outcomes of real elections (Pabulib files).

For every shared file whose rule the engine implements, the engine's selection must
equal the file's official ``selected=1`` set. Files whose rule departs from a plain
rule (greedy-custom, greedy-exclusive, unknown) or that record no official outcome are
reported as skipped with the reason, not guessed.
"""

from __future__ import annotations

import pytest

from engage.pb import counting, pabulib
from tests.unit.pb_engine.conftest import FILES, PABULIB, pb_file

pytestmark = pytest.mark.skipif(not FILES, reason=f"no .pb files in {PABULIB}")

REPEATED_APPROVALS = {
    "Netherlands_Amsterdam_604.pb": {"42346": 1, "42350": 1, "42355": 1, "42360": 1}
}


@pytest.mark.parametrize("path", FILES, ids=[p.stem[:60] for p in FILES])
def test_engine_reproduces_the_official_outcome(path):
    pb = pb_file(path.name)
    rule = pabulib.official_rule(pb)
    if rule not in counting.RULES:
        pytest.skip(f"not reproducible: rule {rule!r} departs from a plain rule")
    if not any("selected" in row for row in pb.projects.values()):
        pytest.skip("not reproducible: the file records no official outcome (no selected)")
    election = pabulib.to_election(pb)
    outcome = counting.count(election, rule)
    assert set(outcome.selected) == pabulib.official_selected(pb)
    assert outcome.spent <= election.budget
    # Every project has its verdict, consistent with the selection, and its reason.
    assert set(outcome.verdicts) == set(pb.projects)
    for pid, verdict in outcome.verdicts.items():
        assert verdict.funded == (pid in outcome.selected)
        assert f"ranked {verdict.rank} of {len(pb.projects)}" in verdict.explanation
        assert ("Funded" in verdict.explanation) == verdict.funded


@pytest.mark.parametrize("path", FILES, ids=[p.stem[:60] for p in FILES])
def test_engine_scores_match_the_files_recorded_votes_and_scores(path):
    """Approvals match the ``votes`` column; points (cumulative, and ranked ballots
    scored 3-2-1 in Kraków) match the ``score`` column."""
    pb = pb_file(path.name)
    election = pabulib.to_election(pb)
    tally = counting._Tally.build(election)
    # Amsterdam 604: one ballot (line 1927) repeats four approvals; the file's votes
    # column counts the repeats, the engine counts an approval once.
    repeats = REPEATED_APPROVALS.get(path.name, {})
    checked = 0
    for j, (pid, row) in enumerate(pb.projects.items()):
        if row.get("votes", "").isdigit():
            assert tally.approvals[j] + repeats.get(pid, 0) == int(row["votes"]), pid
            checked += 1
        if row.get("score", "").isdigit() and pb.vote_type in ("cumulative", "ordinal"):
            if pabulib.official_rule(pb) == "unknown":
                continue  # Stanford files: score column of unstated meaning
            assert tally.scores[j] == int(row["score"]), pid
            checked += 1
    if not checked:
        pytest.skip("the file records neither votes nor scores per project")


def test_kraków_ranked_ballots_score_three_two_one():
    pb = pb_file("Poland_Krakow_2023_Lagiewniki-Borek_Falecki.pb")
    scores = counting.scores(pabulib.to_election(pb))
    first = next(iter(pb.projects))
    assert scores[first] == int(pb.projects[first]["score"]) == 2129


def test_wieliczka_keeps_equal_shares_after_the_comparison_with_greedy():
    pb = pb_file("Poland_Wieliczka_2023_Green_Budget.pb")
    election = pabulib.to_election(pb)
    outcome = counting.count(election, "equalshares/add1-comparison")
    plain = counting.count(election, "equalshares/add1")
    greedy = counting.count(election, "greedy")
    assert outcome.selected == plain.selected
    assert set(outcome.selected) != set(greedy.selected)
    assert "so Equal Shares was kept" in outcome.summary


def test_wieliczka_explanations_say_what_supporters_had_and_spent_elsewhere():
    pb = pb_file("Poland_Wieliczka_2023_Green_Budget.pb")
    outcome = counting.count(pabulib.to_election(pb), "equalshares/add1-comparison")
    unfunded = outcome.verdicts["21"]  # 496 votes, 100,000 PLN, not funded
    assert not unfunded.funded
    assert unfunded.explanation.startswith("496 votes, ranked 7 of 64 by votes. Not funded:")
    assert "left at the end, less than its cost of 100,000 PLN" in unfunded.explanation
    assert "They had spent" in unfunded.explanation and "towards" in unfunded.explanation
    funded = outcome.verdicts["24"]
    assert funded.funded and "Funded in round 1 of 30" in funded.explanation


def test_warsaw_2026_threshold_explanations_name_the_threshold():
    pb = pb_file("Poland_Warszawa_2026.pb")
    election = pabulib.to_election(pb)
    outcome = counting.count(election, "greedy-threshold")
    below = [v for v in outcome.verdicts.values() if v.score < election.min_project_score_threshold]
    assert below and not any(v.funded for v in below)
    assert all("to be eligible" in v.explanation for v in below)


def test_compare_counts_every_applicable_rule_on_a_real_file():
    pb = pb_file("Netherlands_Assen_2024.pb")
    outcomes = counting.compare(pabulib.to_election(pb))
    assert list(outcomes) == [r for r in counting.RULES if r != "greedy-threshold"]
    assert set(outcomes["equalshares/add1"].selected) == pabulib.official_selected(pb)
    assert outcomes["greedy"].selected != outcomes["equalshares/add1"].selected
