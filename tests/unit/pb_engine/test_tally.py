"""``pb tally``: count a .pb file from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engage.pb.tally import tally_command
from tests.unit.pb_engine.conftest import PABULIB, pb_file
from tests.unit.pb_engine.test_pabulib import SMALL


def run(*args):
    return CliRunner().invoke(tally_command, [str(a) for a in args])


def test_tally_prints_the_selected_ids_under_the_files_rule():
    pb_file("Poland_Gdynia_2021_Karwiny__small.pb")
    result = run(PABULIB / "Poland_Gdynia_2021_Karwiny__small.pb")
    assert result.exit_code == 0
    pb = pb_file("Poland_Gdynia_2021_Karwiny__small.pb")
    funded = {pid for pid, row in pb.projects.items() if row["selected"] == "1"}
    assert set(result.output.split()) == funded


def test_tally_json_with_another_rule(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    result = run(path, "--json", "--rule", "equalshares")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"rule": "equalshares", "selected": ["BO.1/24"]}
    assert result.output.count("\n") == 1


def test_tally_reports_an_unreproducible_rule_and_bad_files(tmp_path):
    pb_file("Poland_Lodz_2020.pb")
    result = run(PABULIB / "Poland_Lodz_2020.pb")
    assert result.exit_code == 1
    assert "rule 'greedy-custom' cannot be reproduced" in result.output
    broken = tmp_path / "broken.pb"
    broken.write_text(SMALL.replace("c12;500", "c12;lots"), encoding="utf-8")
    result = run(broken)
    assert result.exit_code == 1
    assert "Line 10: the cost of project 'c12' must be a number" in result.output
    assert "Traceback" not in result.output


def test_tally_refuses_a_rule_the_ballots_cannot_use(tmp_path):
    path = tmp_path / "ranked.pb"
    path.write_text(SMALL.replace("approval", "ordinal"), encoding="utf-8")
    result = run(path, "--rule", "equalshares")
    assert result.exit_code == 1
    assert "needs approval or choose-1 ballots" in result.output


def test_flask_pb_tally_counts_a_file_from_the_command_line(app):
    pb_file("Netherlands_Assen_2024.pb")
    result = app.test_cli_runner().invoke(
        args=["pb", "tally", str(PABULIB / "Netherlands_Assen_2024.pb"), "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["rule"] == "equalshares/add1"
    assert set(answer["selected"]) == {
        pid
        for pid, row in pb_file("Netherlands_Assen_2024.pb").projects.items()
        if row["selected"] == "1"
    }
