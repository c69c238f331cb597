"""Benchmark: participatory budgeting open data and the count from stored ballots.

Prints, on a scratch SQLite database (or DATABASE_URL if set):

- importing real pabulib files as archived budgets (``pb import``), then exporting
  them again (``pb export``), in seconds, with the number of voters;
- counting an Engage budget from its stored ballots (``results.count_process``: every
  rule, as the results page's comparison does) for 5,000 and 20,000 synthetic voters.

    .venv/bin/python bench/pb_web.py
    .venv/bin/python bench/pb_web.py --files Netherlands_Assen_2024.pb Poland_Lodz_2020.pb
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "pabulib"
DEFAULT_FILES = (
    "Netherlands_Assen_2024.pb",
    "Poland_Czestochowa_2025_Tysiaclecie.pb",
    "Netherlands_Amsterdam_631.pb",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", default=list(DEFAULT_FILES))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp()) / "bench.db"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")

    from flask_migrate import upgrade

    from engage import create_app
    from engage.extensions import db
    from engage.pb import archives, pabulib, results
    from engage.pb.models import Ballot, BallotChannel, BallotChoice, Phase, Process, Proposal

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        print(f"{'file':<48} {'voters':>8} {'import s':>9} {'export s':>9}")
        for name in args.files:
            path = DATA / name
            text = path.read_text(encoding="utf-8-sig")
            voters = len(pabulib.parse(text).ballots)
            start = time.perf_counter()
            process = archives.import_archive(db.session, actor=None, text=text, source=name)
            db.session.commit()
            imported = time.perf_counter() - start
            start = time.perf_counter()
            archives.export_pb(db.session, process, council="Bench")
            exported = time.perf_counter() - start
            print(f"{name[:48]:<48} {voters:>8,} {imported:>9.2f} {exported:>9.2f}")

        print(f"\n{'Engage budget, approval, 20 projects':<48} {'voters':>8} {'count s':>9}")
        generator = random.Random(1)  # noqa: S311 (repeatable bench data)
        for voters in (5_000, 20_000):
            process = Process(
                title=f"Bench {voters}", budget_pence=50_000_00, ballot_type="approval",
                phase=Phase.COUNTING, official_rule="equalshares/add1",
            )  # fmt: skip
            db.session.add(process)
            projects = [
                Proposal(
                    process=process,
                    title=f"Project {i}",
                    shortlist_position=i,
                    estimated_cost_pence=generator.randrange(2_000, 15_000) * 100,
                )  # fmt: skip
                for i in range(1, 21)
            ]
            db.session.add_all(projects)
            db.session.flush()
            for _ in range(voters):
                ballot = Ballot(process_id=process.id, channel=BallotChannel.ONLINE)
                picks = generator.sample(projects, generator.randrange(1, 6))
                ballot.choices = [
                    BallotChoice(proposal_id=p.id, position=i) for i, p in enumerate(picks, 1)
                ]
                db.session.add(ballot)
            db.session.commit()
            start = time.perf_counter()
            results.count_process(db.session, process)
            counted = time.perf_counter() - start
            print(f"{'':<48} {voters:>8,} {counted:>9.2f}")


if __name__ == "__main__":
    main()
