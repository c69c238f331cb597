"""Reading and writing the pabulib .pb format, checked by the official validator."""

from __future__ import annotations

import contextlib
import io

import pytest
from pabulib.checker import Checker

from engage.pb import counting, pabulib
from tests.unit.pb_engine.conftest import FILES, pb_file

SMALL = """META
key;value
description;Ward budget
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;selected
BO.1/24;600;"Park; benches";1
c12;500;"The ""big"" tree";0
VOTES
voter_id;vote
v1;BO.1/24
v2;c12,BO.1/24
"""


def checker_errors(text: str) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        results = Checker().process_files([text])
    (key,) = [k for k in results if k not in ("metadata", "summary")]
    return results[key]["results"]["errors"]


def test_parse_reads_sections_quoted_values_and_string_ids():
    pb = pabulib.parse(SMALL)
    assert pb.meta["budget"] == "1000"
    assert list(pb.projects) == ["BO.1/24", "c12"]
    assert pb.projects["BO.1/24"]["name"] == "Park; benches"
    assert pb.projects["c12"]["name"] == 'The "big" tree'
    assert pb.ballots == [("BO.1/24",), ("c12", "BO.1/24")]
    assert list(pb.votes()) == [
        {"voter_id": "v1", "vote": "BO.1/24"},
        {"voter_id": "v2", "vote": "c12,BO.1/24"},
    ]
    assert pabulib.official_selected(pb) == {"BO.1/24"}
    assert pabulib.official_rule(pb) == "greedy"


def test_windows_line_endings_and_a_byte_order_mark_read_the_same():
    assert pabulib.parse("\ufeff" + SMALL.replace("\n", "\r\n")) == pabulib.parse(SMALL)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("META\n", "PROJECTS\n"), 1, "expected the META section, found PROJECTS"),
        (("c12,BO.1/24", "c12,nope"), 14, "the vote names 'nope', which is not a project"),
        (("c12;500;", "c12;lots;"), 10, "the cost of project 'c12' must be a number"),
        (("v2;", "v1;"), 14, "voter 'v1' appears twice"),
        (("c12;500;", "BO.1/24;500;"), 10, "project 'BO.1/24' appears twice"),
        (("v1;BO.1/24", "v1;BO.1/24;extra"), 13, "expected 2 values separated by ';', found 3"),
        (("project_id;cost", "id;cost"), 8, "the PROJECTS header must start with 'project_id'"),
        (("budget;1000\n", ""), 0, "META has no 'budget'"),
        (("VOTES\nvoter_id;vote\nv1;BO.1/24\nv2;c12,BO.1/24\n", ""), 0, "no VOTES section"),
        (('"Park; benches"', '"Park; benches'), 9, "a quoted value is not closed"),
        (('"Park; benches"', '"Park" benches'), 9, "badly quoted value"),
    ],
)
def test_parse_errors_name_the_line(change, line, message):
    with pytest.raises(pabulib.PbParseError) as caught:
        pabulib.parse(SMALL.replace(*change))
    assert caught.value.line == line
    assert message in caught.value.message


def test_cumulative_points_must_match_the_vote():
    text = SMALL.replace("vote_type;approval", "vote_type;cumulative")
    text = text.replace("voter_id;vote\n", "voter_id;vote;points\n")
    text = text.replace("v1;BO.1/24\n", "v1;BO.1/24;3\n").replace("BO.1/24\n", "BO.1/24;1\n")
    with pytest.raises(pabulib.PbParseError, match="Line 14: voter 'v2' has 2 projects but 1"):
        pabulib.parse(text)


def test_decimal_money_is_scaled_to_whole_units():
    pb = pb_file("Poland_Krakow_2023_Lagiewniki-Borek_Falecki.pb")
    election = pabulib.to_election(pb)
    assert election.budget == 143756251 and election.minor_units == 100


def test_trailing_zero_decimals_do_not_change_the_units():
    pb = pb_file(
        "France_Toulouse_2022_9_-_Trois_Cocus_Borderouge_Croix-Daurade_Paleficat_Grand_Selve.pb"
    )
    election = pabulib.to_election(pb)
    assert election.minor_units == 1
    assert election.budget == int(float(pb.meta["budget"]))


def test_an_unsupported_ballot_type_is_refused_on_conversion():
    with pytest.raises(ValueError, match="'scoring' cannot be counted"):
        pabulib.to_election(pabulib.parse(SMALL.replace("approval", "scoring")))
    with pytest.raises(ValueError, match="need a points column"):
        pabulib.to_election(pabulib.parse(SMALL.replace("approval", "cumulative")))


META = {
    "description": "Ward budget in Testford",
    "country": "United Kingdom",
    "unit": "Testford",
    "instance": "2025",
    "date_begin": "01.05.2025",
    "date_end": "31.05.2025",
    "language": "en",
}


@pytest.mark.parametrize(
    ("rule", "vote_type", "points"),
    [
        ("greedy", "approval", None),
        ("equalshares/add1", "approval", None),
        ("equalshares/add1-comparison", "choose-1", None),
        ("greedy-threshold", "cumulative", True),
        ("greedy-no-skip", "ordinal", None),
        ("greedy", "ordinal", "fixed"),
    ],
)
def test_export_passes_the_official_checker_and_reads_back(rule, vote_type, points):
    projects = (
        counting.Project("p1", 1200, "New benches; Market Square"),
        counting.Project("p2", 2500, 'A "green" roof'),
        counting.Project("p3", 900, "Street lights"),
        counting.Project("p4", 3000, "Skate park"),
    )
    single = [("p1",), ("p2",), ("p3",), ("p2",), ("p4",), ("p2",), ("p1",)]
    ballots = (
        single
        if vote_type == "choose-1"
        else [("p1", "p2"), ("p2", "p3"), ("p3",), ("p2", "p1"), ("p4", "p1"), ("p2",), ("p1",)]
    )
    election = counting.Election(
        projects=projects,
        ballots=ballots,
        budget=5000,
        vote_type=vote_type,
        points=[tuple(3 for _ in b) for b in ballots] if points is True else None,
        min_project_score_threshold=6 if rule == "greedy-threshold" else 0,
        # Engage's ranked ballots may fix a first choice at 3 points, even on short ballots.
        ordinal_points=3 if points == "fixed" else 0,
    )
    outcome = counting.count(election, rule)
    text = pabulib.export(election, outcome, META)
    assert checker_errors(text) == {}
    again = pabulib.parse(text)
    assert pabulib.official_selected(again) == set(outcome.selected)
    assert pabulib.official_rule(again) == rule
    back = pabulib.to_election(again)
    assert [(p.id, p.cost, p.name) for p in back.projects] == [
        (p.id, p.cost // 100, p.name) for p in projects
    ]
    assert sorted(back.ballots) == sorted(ballots)
    assert counting.scores(back) == counting.scores(election)
    assert counting.count(back, rule).selected == outcome.selected


def test_export_writes_pence_as_decimal_pounds():
    election = counting.Election(
        projects=(counting.Project("a", 12345), counting.Project("b", 10000)),
        ballots=[("a",), ("b",)],
        budget=20050,
    )
    text = pabulib.export(election, counting.count(election, "greedy"), META)
    assert "budget;200.50" in text and "a;123.45;1;a;1" in text and "b;100;1;b;0" in text
    assert checker_errors(text) == {}
    assert pabulib.to_election(pabulib.parse(text)).budget == 20050


SMALL_FILES = [
    p for p in FILES if p.stat().st_size < 400_000 and "equalshares" not in p.read_text()
]


@pytest.mark.parametrize("path", SMALL_FILES, ids=[p.stem[:60] for p in SMALL_FILES])
def test_real_files_survive_a_write_and_read_round_trip_through_the_checker(path):
    pb = pb_file(path.name)
    text = pabulib.write(pb.meta, list(pb.projects.values()), list(pb.votes()))
    assert checker_errors(text) == {}
    again = pabulib.parse(text)
    assert again.meta == pb.meta
    assert again.projects == pb.projects
    assert again.ballots == pb.ballots and again.points == pb.points
