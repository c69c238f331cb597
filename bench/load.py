"""Load: Engage under gunicorn on PostgreSQL, driven from loopback.

    .venv/bin/python bench/load.py [--workers 4] [--duration 300] [--spike 500]

Steps, in one run:

1. A scratch PostgreSQL database (``--database-url``, wiped) gets the schema, the demo
   borough (which has a budget open for voting and forum threads) and ``--voters``
   verified residents of the wards that budget covers. Each simulated person gets a
   signed session cookie made with the app's own ``login_user`` (the password hash is
   deliberately slow, and sign-in has its own rate limit, so it is left out of the mix).
2. gunicorn serves ``wsgi:app`` with ``--workers`` processes. Rate limits are switched
   off for the run: every request comes from 127.0.0.1, so per-IP limits would refuse
   the load itself (they are tested in tests/web/test_rate_limits.py).
3. Ceiling: ``/health`` (no database, no template) for ``--ceiling-seconds``, closed
   loop, then page views alone the same way (home, forums, the budget, every ward,
   thread and shortlisted project), first by anonymous readers, who share pages each
   process made in the last ``PUBLIC_PAGE_CACHE_SECONDS``, then by signed-in residents,
   whose pages are made afresh every time: each ratio to the ceiling is how much of the
   server's raw capacity a real page leaves.
4. Mix for ``--duration`` seconds: ``--clients`` connections making ``--mix-rate``
   actions a second in all (or flat out with 0): page views (anonymous and signed
   in), forum replies and ballot submissions (each a GET of the form, then the POST,
   as a browser does).
5. Spike: ``--spike`` people who have not voted submit their ballot within
   ``--spike-seconds`` (open loop: requests start on schedule whatever the server does).
6. Check: every ballot the server accepted (a redirect after POST) is stored exactly
   once, and no voter has two ballots.

Prints requests per second, p50/p95/p99 latency and failures per kind of request.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET_KEY = "load-bench-secret-key"
USER_AGENT = "engage-load-bench"
HIDDEN_INPUT = re.compile(rb'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(rb'name="([^"]*)"')
VALUE = re.compile(rb'value="([^"]*)"')


def hidden_fields(page: bytes) -> dict[str, str]:
    """The form's hidden fields (CSRF token, submission key), as a browser sends them."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(page):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1).decode()] = value.group(1).decode() if value else ""
    return fields


@dataclass
class Person:
    user_id: int
    cookie: str


@dataclass
class Plan:
    process_id: int
    ballot_path: str
    valid_ballots: list[list[int]]  # choices the ballot rules accept
    page_paths: list[str]
    reply_paths: list[str]  # reply forms (GET shows the form, POST posts the reply)
    mix_voters: list[Person]
    spike_voters: list[Person]


# --- preparing the database ----------------------------------------------------------


def prepare(database_url: str, voters: int, spike: int) -> Plan:
    from flask_login import login_user
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, select, text

    from engage import create_app, demo
    from engage.accounts.models import User
    from engage.accounts.security import mark_signed_in
    from engage.db import utcnow
    from engage.extensions import db
    from engage.forums.models import Thread
    from engage.pb import services as pb_services
    from engage.pb.models import Phase, Process
    from engage.wards.models import Ward

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        demo.seed(db.session)
        db.session.commit()
        process = db.session.scalars(
            select(Process).where(Process.phase == Phase.VOTING, Process.archived.is_(False))
        ).first()
        if process is None:
            raise SystemExit("the demo data has no budget open for voting")
        wards = [w for w in db.session.scalars(select(Ward)) if process.covers(w.id)]
        valid_ballots = sample_valid_ballots(
            pb_services.ballot_rules(process), pb_services.ballot_projects(db.session, process)
        )
        people = []
        for n in range(voters + spike):
            user = User(
                email=f"voter{n}@load.example",
                display_name=f"Voter {n}",
                password_hash="!",  # never signs in with a password
                ward=wards[n % len(wards)],
                ward_verified_at=utcnow(),
                email_confirmed_at=utcnow(),
            )
            people.append(user)
        db.session.add_all(people)
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        persons = []
        for user in people:
            with app.test_request_context(
                headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
            ):
                from flask import session

                login_user(user)
                mark_signed_in()
                persons.append(Person(user.id, serializer.dumps(dict(session))))
        threads = db.session.scalars(select(Thread)).all()
        proposals = pb_services.ballot_projects(db.session, process)
        with app.test_request_context():
            from flask import url_for

            reply_paths = [url_for("forums.reply", thread_id=t.id) for t in threads[:5]]
            # Every ward, thread and shortlisted project, so a page cache cannot hold
            # the whole site from a handful of addresses.
            page_paths = [
                url_for("pages.home"),
                url_for("forums.index"),
                url_for("pb.show", process_id=process.id),
                *[url_for("wards.show", slug=w.slug) for w in db.session.scalars(select(Ward))],
                *[url_for("forums.thread", thread_id=t.id) for t in threads],
                *[
                    url_for("pb.proposal", process_id=process.id, proposal_id=project_id)
                    for project_id in proposals
                ],
            ]
            ballot_path = url_for("pb.ballot", process_id=process.id)
        return Plan(
            process_id=process.id,
            ballot_path=ballot_path,
            valid_ballots=valid_ballots,
            page_paths=page_paths,
            reply_paths=reply_paths,
            mix_voters=persons[:voters],
            spike_voters=persons[voters:],
        )


# --- the client ----------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    accepted_ballots: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if not ok:
                self.failures[kind] += 1


class Browser:
    """One keep-alive connection carrying one person's cookie, as a browser tab does."""

    def __init__(self, port: int, person: Person | None) -> None:
        self.port = port
        self.cookie = person.cookie if person else None
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict[str, object] | None = None):
        headers = {"User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        payload = None
        if body is not None:
            payload = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, payload, headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # gunicorn closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0].removeprefix("session=")
        return response.status, data

    def timed(self, results: Results, kind: str, method: str, path: str, body=None, ok=(200,)):
        start = time.perf_counter()
        try:
            status, data = self.request(method, path, body)
        except OSError:
            results.add(kind, time.perf_counter() - start, False)
            return None, b""
        results.add(kind, time.perf_counter() - start, status in ok)
        return status, data


def sample_valid_ballots(rules, projects, wanted: int = 200) -> list[list[int]]:
    """Random choices that the ballot's own rules accept (say, fitting a budget ballot's
    budget), so every refused submission in the run is the server's doing."""
    from engage.pb import ballots

    rng = random.Random(1)
    ids = list(projects)
    found: list[list[int]] = []
    for _ in range(wanted * 50):
        chosen = rng.sample(ids, k=rng.randint(1, len(ids)))
        if not ballots.validate(rules, projects, [ballots.Choice(i) for i in chosen]):
            found.append(chosen)
            if len(found) == wanted:
                break
    if not found:
        raise SystemExit("could not make a valid ballot for the demo budget")
    return found


def ballot_choices(plan: Plan, rng: random.Random) -> list[int]:
    return rng.choice(plan.valid_ballots)


def vote(browser: Browser, plan: Plan, person: Person, results: Results, rng: random.Random):
    status, page = browser.timed(results, "ballot page", "GET", plan.ballot_path)
    if status == 200:
        submit(browser, plan, person, results, rng, hidden_fields(page))


def submit(browser, plan, person, results, rng, hidden: dict[str, str]) -> None:
    body = {**hidden, "projects": ballot_choices(plan, rng), "age_declared": "y"}
    status, _ = browser.timed(
        results, "ballot submission", "POST", plan.ballot_path, body, ok=(302, 303)
    )
    if status in (302, 303):
        with results.lock:
            results.accepted_ballots[person.user_id] += 1


def reply(browser: Browser, plan: Plan, results: Results, rng: random.Random) -> None:
    path = rng.choice(plan.reply_paths)
    status, page = browser.timed(results, "reply form", "GET", path)
    if status == 200:
        body = {**hidden_fields(page), "body": f"Load test reply {rng.random()}", "agree": "y"}
        browser.timed(results, "forum reply", "POST", path, body, ok=(302, 303))


def closed_loop(
    port: int, clients: int, seconds: float, step: Callable[..., None], rate: float = 0
) -> Results:
    """``clients`` connections each doing ``step`` again and again for ``seconds``: as
    fast as the server answers, or, with ``rate``, that many steps a second in all
    (each client keeps to its own timetable, catching up if it falls behind)."""
    results = Results()
    start = time.monotonic()
    deadline = start + seconds
    interval = clients / rate if rate else 0.0

    def run(n: int) -> None:
        rng = random.Random(n)
        state: dict[str, Browser] = {}
        due = start + interval * n / clients
        while time.monotonic() < deadline:
            time.sleep(max(0.0, due - time.monotonic()))
            step(port, n, rng, results, state)
            due += interval

    workers = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def mixed_step(plan: Plan) -> Callable[..., None]:
    voters: queue.Queue[Person] = queue.Queue()
    for person in plan.mix_voters:
        voters.put(person)

    def step(port: int, n: int, rng: random.Random, results: Results, state) -> None:
        roll = rng.random()
        if roll < 0.15 and not voters.empty():
            person = voters.get()
            vote(Browser(port, person), plan, person, results, rng)
            return
        person = plan.mix_voters[n % len(plan.mix_voters)]
        browser = state.setdefault("reader", Browser(port, person))
        if roll < 0.30:
            reply(browser, plan, results, rng)
        elif roll < 0.65:
            anonymous = state.setdefault("anonymous", Browser(port, None))
            anonymous.timed(results, "page view, anonymous", "GET", rng.choice(plan.page_paths))
        else:
            browser.timed(results, "page view, signed in", "GET", rng.choice(plan.page_paths))

    return step


def spike(port: int, plan: Plan, seconds: float) -> Results:
    """Every spike voter has the ballot page open; all submit within ``seconds``."""
    results = Results()
    ready: list[tuple[Browser, Person, dict[str, str]]] = []
    for person in plan.spike_voters:
        browser = Browser(port, person)
        status, page = browser.request("GET", plan.ballot_path)
        if status == 200:
            ready.append((browser, person, hidden_fields(page)))
    start = time.monotonic()
    gap = seconds / max(len(ready), 1)

    def go(index: int, browser: Browser, person: Person, hidden: dict[str, str]) -> None:
        time.sleep(max(0.0, start + index * gap - time.monotonic()))
        submit(browser, plan, person, results, random.Random(index), hidden)

    threads = [threading.Thread(target=go, args=(i, *entry)) for i, entry in enumerate(ready)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- reporting -----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(title: str, results: Results, seconds: float) -> dict[str, float]:
    print(f"\n{title} ({seconds:.0f} s)")
    print(
        f"  {'request':<18}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'failed':>8}"
    )
    rates = {}
    for kind, values in sorted(results.latencies.items()):
        rates[kind] = len(values) / seconds
        print(
            f"  {kind:<18}{len(values):>8}{rates[kind]:>9.1f}"
            f"{percentile(values, 0.50) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}"
            f"{percentile(values, 0.99) * 1000:>9.1f}{results.failures[kind]:>8}"
        )
    return rates


def check_ballots(database_url: str, plan: Plan, accepted: dict[int, int]) -> bool:
    from sqlalchemy import create_engine, func, select

    from engage.pb.models import Ballot

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Ballot.voter_id, func.count())
            .where(Ballot.process_id == plan.process_id, Ballot.voter_id.is_not(None))
            .group_by(Ballot.voter_id)
        ).all()
    engine.dispose()
    stored = dict(rows)
    ours = {p.user_id for p in plan.mix_voters + plan.spike_voters}
    stored_ours = {voter: n for voter, n in stored.items() if voter in ours}
    duplicated = [voter for voter, n in stored_ours.items() if n > 1]
    lost = [voter for voter in accepted if voter not in stored_ours]
    unexpected = [voter for voter in stored_ours if voter not in accepted]
    print(
        f"\nBallots: {len(accepted)} voters had a ballot accepted, {len(stored_ours)} stored; "
        f"lost {len(lost)}, duplicated {len(duplicated)}, stored without acceptance "
        f"{len(unexpected)}"
    )
    return not (lost or duplicated or unexpected)


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            Browser(port, None).request("GET", "/health")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/engage_load",
        help="a scratch PostgreSQL database: it is wiped",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--ceiling-seconds", type=float, default=30)
    parser.add_argument(
        "--mix-rate",
        type=float,
        default=30,
        help="actions a second in the mix (a ballot or reply is two requests); 0: flat out",
    )
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--spike", type=int, default=500)
    parser.add_argument("--spike-seconds", type=float, default=10)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    ensure_database(args.database_url)
    print(f"Preparing {args.voters + args.spike} voters on {args.database_url} ...")
    plan = prepare(args.database_url, args.voters, args.spike)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": SECRET_KEY,
        "RATELIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(args.port)
        print(
            f"gunicorn with {args.workers} workers; {args.clients} client connections; "
            f"{os.cpu_count()} CPUs shared by server, database and clients"
        )

        def health(port, n, rng, results, state) -> None:
            browser = state.setdefault("b", Browser(port, None))
            browser.timed(results, "health (ceiling)", "GET", "/health")

        ceiling = report(
            "Ceiling: trivial route",
            closed_loop(args.port, args.clients, args.ceiling_seconds, health),
            args.ceiling_seconds,
        )["health (ceiling)"]

        def page_views(signed_in: bool) -> Callable[..., None]:
            def step(port, n, rng, results, state) -> None:
                person = plan.mix_voters[n % len(plan.mix_voters)] if signed_in else None
                browser = state.setdefault("b", Browser(port, person))
                browser.timed(results, "page view", "GET", rng.choice(plan.page_paths))

            return step

        for title, signed_in in (("anonymous readers", False), ("signed-in residents", True)):
            pages = report(
                f"Page views alone, {title} ({len(plan.page_paths)} pages)",
                closed_loop(args.port, args.clients, args.ceiling_seconds, page_views(signed_in)),
                args.ceiling_seconds,
            )["page view"]
            print(f"  page views are {pages / ceiling:.0%} of the trivial-route ceiling")

        mix = closed_loop(
            args.port, args.clients, args.duration, mixed_step(plan), rate=args.mix_rate
        )
        report(
            f"Mix at {args.mix_rate:g} actions a second: page views, forum replies, ballots",
            mix,
            args.duration,
        )
        burst = spike(args.port, plan, args.spike_seconds)
        report(f"Spike: {args.spike} ballots at voting close", burst, args.spike_seconds)
    finally:
        server.terminate()
        server.wait()
    accepted = {**mix.accepted_ballots, **burst.accepted_ballots}
    ok = check_ballots(args.database_url, plan, accepted)
    print("Every accepted ballot stored exactly once" if ok else "BALLOTS LOST OR DUPLICATED")
    sys.exit(0 if ok else 1)


def ensure_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("the load benchmark runs on PostgreSQL")
    server = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))


if __name__ == "__main__":
    main()
