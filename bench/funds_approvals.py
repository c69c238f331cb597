"""Contended fund approvals: N councillors' approvals released at once against one
allocation, on SQLite (a scratch file) and, with --database-url, on PostgreSQL (the
database is wiped).

    .venv/bin/python bench/funds_approvals.py [--bids 200] [--room 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch]

The allocation has room for --room of the --bids approvals. Prints, per backend, the
wall time, approvals decided per second, how many were approved and refused, and
checks that the allocation was never overspent and the ledger adds up.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ASKED = 100_000


def run(url: str, bids: int, room: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from engage import create_app
    from engage.accounts.models import Role, User, UserRole
    from engage.db import utcnow, write_transaction
    from engage.errors import RuleViolation
    from engage.extensions import db
    from engage.funds import services
    from engage.funds.models import ProposerKind
    from engage.wards.models import Area, Ward

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    instance = tempfile.mkdtemp()
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 40},
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        s = db.session
        ward = Ward(name="Riverside East", slug="riverside-east", area=Area(name="R", slug="r"))
        people = [
            User(
                email=f"{n}@bench.example",
                display_name=n,
                password_hash="-",  # noqa: S106 (matches no password: nobody signs in)
                ward=ward,
                email_confirmed_at=utcnow(),
            )
            for n in ("resident", "officer", "councillor")
        ]
        people[1].roles = [UserRole(role=Role.FUND_OFFICER)]
        people[2].roles = [UserRole(role=Role.COUNCILLOR)]
        people[2].represented_wards = [ward]
        s.add_all(people)
        s.flush()
        resident, officer, councillor = people
        today = services.council_date(utcnow())
        fund = services.create_fund(
            s,
            actor=officer,
            data=services.FundData(
                name="Bench fund",
                year_start=today.year,
                total_pence=ASKED * bids,
                opens_on=today,
                closes_on=today,
                corporate_aims=["Aim"],
            ),
        )
        allocation = services.set_allocation(
            s, actor=officer, fund_id=fund.id, ward=ward, councillor=None, amount_pence=ASKED * room
        )
        answers = {
            "need": {"local_need": "n", "deliverables": "d"},
            "wards": {"ward_ids": [ward.id]},
            "costs": {"cost_lines": [("Works", ASKED)]},
            "service": {
                "delivered_by_council": True,
                "service": "Highways",
                "pays_voluntary_organisation": False,
            },
            "aims": {"aims": ["Aim"]},
            "ongoing": {"is_one_off": True, "has_ongoing_costs": False, "ongoing_cost_pence": None},
            "support": {"support_evidence": "", "support_link": ""},
        }
        for rule in fund.rules:
            rule.enabled = rule.key != "amount_limits"
        bid_ids = []
        for n in range(bids):
            bid = services.start_bid(
                s,
                actor=resident,
                fund=fund,
                proposer_kind=ProposerKind.RESIDENT,
                group_name="",
                title=f"Bid {n}",
                now=utcnow(),
            )
            for step, values in answers.items():
                services.save_answers(
                    s, actor=resident, bid=bid, step=step, answers=values, now=utcnow()
                )
            services.submit_bid(s, actor=resident, bid_id=bid.id, now=utcnow())
            services.confirm_eligibility(s, actor=officer, bid_id=bid.id, note="", now=utcnow())
            services.declare_interest(
                s, actor=councillor, bid_id=bid.id, has_interest=False, details="", now=utcnow()
            )
            bid_ids.append(bid.id)
        s.commit()
        ids = (councillor.id, allocation.id)

    barrier = threading.Barrier(bids + 1)
    outcome = {"approved": 0, "refused": 0, "failed": 0}
    lock = threading.Lock()

    def approve(bid_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with write_transaction():
                    services.approve_bid(
                        db.session,
                        actor=db.session.get(User, ids[0]),
                        bid_id=bid_id,
                        allocation_id=ids[1],
                        amount_pence=ASKED,
                        reason="Bench",
                        now=utcnow(),
                    )
                key = "approved"
            except RuleViolation:
                key = "refused"
            except Exception:  # noqa: BLE001 (counted and reported)
                key = "failed"
            with lock:
                outcome[key] += 1
            db.session.remove()

    threads = [threading.Thread(target=approve, args=(bid_id,)) for bid_id in bid_ids]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with app.app_context():
        check = services.check_ledger(db.session)
        from engage.funds.models import Allocation

        committed = db.session.get(Allocation, ids[1]).committed_pence
        db.engine.dispose()
    backend = url.split(":", 1)[0]
    print(
        f"{backend}: {bids} approvals released at once in {elapsed:.2f}s "
        f"({bids / elapsed:.0f} decided/s); approved {outcome['approved']} (room for {room}), "
        f"refused {outcome['refused']}, failed {outcome['failed']}; committed "
        f"£{committed / 100:,.0f} of £{ASKED * room / 100:,.0f}; ledger "
        f"{'adds up' if not check.problems else check.problems}"
    )
    assert outcome["approved"] == room and committed == ASKED * room and not check.problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--room", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    run(f"sqlite:///{tempfile.mkdtemp()}/bench.db", args.bids, args.room)
    if args.database_url:
        run(args.database_url, args.bids, args.room)


if __name__ == "__main__":
    main()
