"""Open data: a real pabulib election imported as a read-only archive (or not at all),
and a finished budget exported as a .pb file that pabulib-checker accepts, with
nothing in it that links a ballot to a person."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pabulib.checker import Checker
from sqlalchemy import func, select

from engage.extensions import db
from engage.pb import pabulib
from engage.pb.models import Ballot, BallotChannel, BallotChoice, Phase, Process, Proposal
from tests.conftest import World, post_form, sign_in_as
from tests.fixtures.pb import build_process, build_shortlist

PABULIB = Path("/work/shared/pabulib")
ASSEN = PABULIB / "Netherlands_Assen_2024.pb"
needs_files = pytest.mark.skipif(not ASSEN.exists(), reason="pabulib sample files not present")


def _rows() -> tuple[int, int, int]:
    db.session.rollback()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Process, Proposal, Ballot)
    )


def _problems(text: str, tmp_path: Path, name: str = "export") -> object:
    """pabulib-checker's errors and warnings for the text (empty when it passes)."""
    path = tmp_path / f"{name}.pb"
    path.write_text(text, encoding="utf-8")
    report = Checker().process_files([str(path)])
    assert report["metadata"]["processed"] == 1
    found = report[name]["results"]
    return {} if found == "File looks correct!" else {k: v for k, v in found.items() if v}


@needs_files
def test_a_real_election_is_imported_as_a_read_only_archive(
    app: Flask, client: FlaskClient, world: World, tmp_path: Path
) -> None:
    result = app.test_cli_runner().invoke(args=["pb", "import", str(ASSEN)])
    assert result.exit_code == 0, result.output
    assert "Imported Netherlands_Assen_2024.pb as budget" in result.output

    pb = pabulib.read(ASSEN)
    db.session.rollback()
    process = db.session.scalar(select(Process))
    assert process is not None and process.archived and process.phase is Phase.RESULTS
    assert (process.title, process.currency, process.budget_pence) == (
        "Assen Top Idee",
        "EUR",
        100_000 * 100,
    )
    assert len(process.proposals) == len(pb.projects)
    assert _rows()[2] == len(pb.ballots) == 84
    assert process.result is not None
    funded = {p.external_id for p in process.proposals if p.id in process.result.funded}
    assert funded == pabulib.official_selected(pb)

    page = client.get(f"/budgets/{process.id}/results").get_data(as_text=True)
    assert "PopUp Podium" in page and "Why each project" in page
    assert "100,000 EUR" in page and "Assen, Netherlands" in page
    assert "Counted on 15 April 2024" in page  # when voting closed, not when imported

    # Read-only: officers cannot change it.
    sign_in_as(client, world.people["officer"])
    response = post_form(client, f"/budgets/{process.id}/phase", {"to": Phase.DELIVERY.value})
    assert "archived process" in client.get(response.location).get_data(as_text=True)
    assert db.session.get(Process, process.id).phase is Phase.RESULTS  # type: ignore[union-attr]

    # Exported again, it still passes the checker.
    exported = client.get(f"/budgets/{process.id}/ballots.pb").get_data(as_text=True)
    assert _problems(exported, tmp_path) == {}


@needs_files
def test_a_broken_file_reports_the_line_and_imports_nothing(
    app: Flask, app_context: None, tmp_path: Path
) -> None:
    lines = ASSEN.read_text(encoding="utf-8").splitlines()
    votes_at = lines.index("VOTES")
    lines[votes_at + 5] = lines[votes_at + 5].split(";")[0] + ";3,999"  # no project 999
    broken = tmp_path / "broken.pb"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["pb", "import", str(broken)])

    assert result.exit_code != 0
    assert f"Line {votes_at + 6}" in result.output and "Nothing was imported" in result.output
    assert _rows() == (0, 0, 0)


def test_a_file_the_engine_cannot_count_imports_nothing(
    app: Flask, app_context: None, tmp_path: Path
) -> None:
    scoring = tmp_path / "scoring.pb"
    scoring.write_text(
        "META\nkey;value\ndescription;Scores\ncountry;Poland\nunit;Test\ninstance;2024\n"
        "num_projects;1\nnum_votes;1\nbudget;100\nvote_type;scoring\nrule;greedy\n"
        "PROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote;points\n1;1;3\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["pb", "import", str(scoring)])
    assert result.exit_code != 0 and "scoring" in result.output
    assert _rows() == (0, 0, 0)


def test_officers_import_through_the_page_and_see_errors_with_line_numbers(
    client: FlaskClient, world: World
) -> None:
    sign_in_as(client, world.people["officer"])
    bad = (
        b"META\nkey;value\ndescription;x\nbudget;100\nvote_type;approval\n"
        b"PROJECTS\nproject_id;cost\n1;abc\nVOTES\nvoter_id;vote\n1;1\n"
    )
    response = post_form(client, "/budgets/import", {"file": (io.BytesIO(bad), "bad.pb")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "bad.pb: Line 8: the cost of project" in html and "Nothing was imported" in html
    assert _rows() == (0, 0, 0)


def _finished_budget(world: World) -> Process:
    process = build_process(
        ward=world.ward, phase=Phase.COUNTING, budget_pence=1_000_000, title="Riverside Decides"
    )
    benches, club, trees = build_shortlist(
        process, world.people["officer"], [600_000, 500_000, 300_000], ["Benches", "Club", "Trees"]
    )
    from engage.pb import services
    from engage.pb.models import Ballot as BallotModel

    voters = [world.people[name] for name in ("resident", "councillor", "other_resident")]
    for voter, choices in zip(voters, ([benches, club], [club, trees], [trees]), strict=True):
        ballot = BallotModel(
            process_id=process.id, voter_id=voter.id, ward_id=world.ward.id,
            channel=BallotChannel.ONLINE,
        )  # fmt: skip
        ballot.choices = [
            BallotChoice(proposal_id=p.id, position=i) for i, p in enumerate(choices, 1)
        ]
        db.session.add(ballot)
    paper = BallotModel(
        process_id=process.id, ward_id=world.ward.id, channel=BallotChannel.PAPER,
        paper_reference="F-001",
    )  # fmt: skip
    paper.choices = [BallotChoice(proposal_id=benches.id, position=1)]
    db.session.add(paper)
    db.session.commit()
    services.move_phase(
        db.session, actor=world.people["officer"], process=process, target=Phase.RESULTS
    )
    db.session.commit()
    return process


def test_an_exported_budget_passes_the_checker_and_names_no_one(
    app: Flask, client: FlaskClient, world: World, tmp_path: Path
) -> None:
    process = _finished_budget(world)
    output = tmp_path / "riverside.pb"

    result = app.test_cli_runner().invoke(
        args=["pb", "export", str(process.id), "--output", str(output)]
    )

    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert _problems(text, tmp_path, "riverside") == {}
    exported = pabulib.parse(text)
    assert exported.meta["currency"] == "GBP" and exported.meta["budget"] == "10000"
    assert {row["name"]: row["selected"] for row in exported.projects.values()} == {
        "Benches": "0",
        "Club": "1",
        "Trees": "1",
    }
    # Every counted ballot, under the numbers 1..4, and nothing about who cast it.
    assert sorted(len(b) for b in exported.ballots) == [1, 1, 2, 2]
    assert sorted(row["voter_id"] for row in exported.votes()) == ["1", "2", "3", "4"]
    assert sorted(row["voting_method"] for row in exported.votes()) == [
        "internet",
        "internet",
        "internet",
        "paper",
    ]
    for person in filter(None, world.people.values()):
        assert person.email not in text and person.display_name not in text
    assert "F-001" not in text

    # The same file is open data on the site once results are published.
    response = client.get(f"/budgets/{process.id}/ballots.pb")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert pabulib.parse(response.get_data(as_text=True)).meta["rule"] == "greedy"


def test_a_budget_without_results_cannot_be_exported(
    app: Flask, app_context: None, world: World
) -> None:
    process = build_process(ward=world.ward, phase=Phase.VOTING)
    result = app.test_cli_runner().invoke(args=["pb", "export", str(process.id)])
    assert result.exit_code != 0 and "no published results" in result.output
    result = app.test_cli_runner().invoke(args=["pb", "export", "999999"])
    assert result.exit_code != 0 and "There is no budget 999999" in result.output
