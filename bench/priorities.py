"""Benchmark: ward priorities and their export over a million conversations.

Generates 1,000,000 conversations (1 to 3 themes each) over 20 wards and 3 years,
plus mentions from a stand-in for the other services, then times:

- computing the ranked priorities of every ward for the last year (target < 2 s);
- exporting them to an Excel workbook, a summary sheet and one sheet per ward
  (target < 30 s);
- for information, exporting the year's anonymised conversation log to Excel.

    .venv/bin/python bench/priorities.py                      # SQLite, a temp file
    .venv/bin/python bench/priorities.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench --reset

The PostgreSQL database must exist and is emptied with --reset.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from engage import create_app  # noqa: E402
from engage.conversations import exports, priorities, queries  # noqa: E402
from engage.conversations.models import (  # noqa: E402
    Conversation,
    ConversationSource,
    ConversationTheme,
    Event,
    EventKind,
    Sentiment,
    Theme,
)
from engage.conversations.services import ensure_standard_themes  # noqa: E402
from engage.exports import to_xlsx_bytes  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.hooks import Mention  # noqa: E402
from engage.wards.models import Area, Ward  # noqa: E402

CHUNK = 20_000
PHRASES = (
    "Fly-tipping behind the shops again",
    "Needs stricter enforcement on parking",
    "The play area is lovely since it was fixed",
    "Potholes on the main road",
    "Nothing for teenagers in the evenings",
    "Bus to the hospital is too infrequent",
    "Worried about energy bills this winter",
    "Damp in the flat and repairs take months",
    "Feels unsafe walking home at night",
    "More benches in the park please",
)


def _timed(label: str, action, repeat: int = 1):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    detail = f" (median of {repeat}; first {times[0]:.2f} s)" if repeat > 1 else ""
    print(f"{label}: {median:.2f} s{detail}", flush=True)
    return result, median


def _reset(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _borough(wards: int) -> list[int]:
    area = Area(name="Bench area", slug="bench-area")
    db.session.add(area)
    rows = [
        Ward(name=f"Ward {n:02d}", slug=f"ward-{n:02d}", area=area) for n in range(1, wards + 1)
    ]
    db.session.add_all(rows)
    ensure_standard_themes(db.session)
    db.session.commit()
    return [ward.id for ward in rows]


def _events(ward_ids: list[int], start: datetime, days: int, rng: random.Random) -> list[int]:
    """A stand in each ward about once a month."""
    rows = []
    for month in range(days // 30):
        for ward_id in ward_ids:
            when = start + timedelta(days=month * 30 + rng.randrange(30), hours=10)
            rows.append(
                {
                    "title": f"Stand {month} in ward {ward_id}",
                    "kind": EventKind.FESTIVAL_STAND,
                    "starts_at": when,
                    "ends_at": when + timedelta(hours=6),
                    "place": "The square",
                    "description": "",
                    "organiser": "Engagement team",
                    "created_at": when,
                }
            )
    db.session.execute(insert(Event), rows)
    db.session.commit()
    return list(db.session.scalars(select(Event.id)))


def _conversation_rows(
    count: int, ward_ids: list[int], event_ids: list[int], theme_ids: list[int], start, days, rng
) -> Iterator[tuple[list[dict], list[dict]]]:
    conversations, tags = [], []
    span = days * 86400
    sentiments = list(Sentiment)
    for n in range(1, count + 1):
        when = start + timedelta(seconds=rng.randrange(span))
        conversations.append(
            {
                "id": n,
                "event_id": rng.choice(event_ids),
                "occurred_at": when,
                "ward_id": None if rng.random() < 0.05 else rng.choice(ward_ids),
                "summary": rng.choice(PHRASES),
                "sentiment": rng.choice(sentiments),
                "wants_reply": False,
                "idempotency_key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "source": ConversationSource.IMPORT,
                "created_at": when,
            }
        )
        for theme_id in rng.sample(theme_ids, rng.choices((1, 2, 3), (60, 30, 10))[0]):
            tags.append(
                {
                    "conversation_id": n,
                    "theme_id": theme_id,
                    "ward_id": conversations[-1]["ward_id"],
                    "occurred_at": when,
                }
            )
        if len(conversations) == CHUNK:
            yield conversations, tags
            conversations, tags = [], []
    if conversations:
        yield conversations, tags


def generate(count: int, wards: int, years: int, seed: int) -> list[int]:
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not security)
    now = datetime.now(UTC)
    days = 365 * years
    start = now - timedelta(days=days)
    ward_ids = _borough(wards)
    event_ids = _events(ward_ids, start, days, rng)
    theme_ids = list(db.session.scalars(select(Theme.id)))
    connection = db.session.connection()
    done = 0
    for conversations, tags in _conversation_rows(
        count, ward_ids, event_ids, theme_ids, start, days, rng
    ):
        connection.execute(insert(Conversation), conversations)
        connection.execute(insert(ConversationTheme), tags)
        done += len(conversations)
        if done % 200_000 == 0:
            print(f"  {done:,} conversations", flush=True)
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT setval('conversations_id_seq', (SELECT max(id) FROM conversations))")
        )
    db.session.commit()
    # Fresh statistics (and on PostgreSQL a visibility map, for index-only scans), as
    # autovacuum would give a real database.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
        statement = "VACUUM ANALYZE" if autocommit.dialect.name == "postgresql" else "ANALYZE"
        autocommit.execute(text(statement))
    return ward_ids


def stand_in_source(mentions: int, ward_ids: list[int], seed: int):  # type: ignore[no-untyped-def]
    """Forum-like mentions with no theme keys, so the keyword classifier runs."""
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not security)
    now = datetime.now(UTC)
    items = [
        Mention(
            source="forum",
            ward_id=rng.choice(ward_ids),
            occurred_at=now - timedelta(seconds=rng.randrange(2 * 365 * 86400)),
            text=rng.choice(PHRASES) + " — posted in the ward forum",
        )
        for _ in range(mentions)
    ]

    def source(session, wanted, start, end):  # type: ignore[no-untyped-def]
        return (m for m in items if start <= m.occurred_at < end)

    return source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary file")
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--wards", type=int, default=20)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--source-mentions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database")
    parser.add_argument("--skip-log-export", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="engage-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    if args.reset:
        _reset(url)
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": workdir,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        if db.session.scalar(select(func.count()).select_from(Conversation)):
            sys.exit("The database already has conversations: use an empty one or --reset.")
        print(f"Database: {db.engine.dialect.name} ({db.engine.url.render_as_string()})")
        print(
            f"Generating {args.conversations:,} conversations over {args.wards} wards "
            f"and {args.years} years ..."
        )
        _, _ = _timed(
            "Generate and insert",
            lambda: generate(args.conversations, args.wards, args.years, args.seed),
        )
        tags = db.session.scalar(select(func.count()).select_from(ConversationTheme))
        print(f"Theme tags: {tags:,}; stand-in forum mentions: {args.source_mentions:,}")
        ward_ids = list(db.session.scalars(select(Ward.id)))
        sources = {"forum": stand_in_source(args.source_mentions, ward_ids, args.seed)}
        now = datetime.now(UTC)
        chosen = priorities.choose_period("year", now)

        def compute_conversations_only():  # type: ignore[no-untyped-def]
            return priorities.compute_priorities(db.session, period=chosen.period, sources={})

        def compute_all():  # type: ignore[no-untyped-def]
            return priorities.compute_priorities(db.session, period=chosen.period, sources=sources)

        _timed("All ward priorities for a year, conversations only", compute_conversations_only, 3)
        results, compute_time = _timed(
            "All ward priorities for a year, with forum mentions", compute_all, 3
        )
        names = {ward.id: ward.name for ward in db.session.scalars(select(Ward))}
        themes = {t.key: t.name for t in queries.active_themes(db.session)}
        by_name = {names[ward_id]: result for ward_id, result in sorted(results.items())}

        def export() -> bytes:
            return to_xlsx_bytes(exports.priorities_workbook(by_name, themes, chosen.period))

        workbook, export_time = _timed("Export priorities to Excel", export, 3)
        print(f"  workbook: {len(workbook):,} bytes, {len(by_name) + 1} sheets")
        top = results[ward_ids[0]].priorities[:3]
        print(
            "  e.g. "
            + names[ward_ids[0]]
            + ": "
            + ", ".join(f"{themes[p.theme_key]} {p.score:,}" for p in top)
        )
        if not args.skip_log_export:

            def log_export() -> tuple[bytes, int]:
                frame = exports.conversation_log_frame(
                    queries.logged_conversations(db.session, chosen.period)
                )
                return to_xlsx_bytes({"Conversations": frame}), len(frame)

            (log_bytes, rows), _ = _timed("Export the year's conversation log to Excel", log_export)
            print(f"  log: {rows:,} rows, {len(log_bytes):,} bytes")
        print(
            f"Targets: priorities < 2 s: {'met' if compute_time < 2 else 'NOT met'}; "
            f"export < 30 s: {'met' if export_time < 30 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
