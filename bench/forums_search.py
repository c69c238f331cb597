"""Forum search and thread lists with many posts, on SQLite (a scratch file) and, with
--database-url, on PostgreSQL (the database is wiped).

    .venv/bin/python bench/forums_search.py [--posts 50000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch]

Fills one area with --posts posts in threads of 10, then prints the median time of
word searches (a rare word; two words found in most posts, in all forums and in one
board), a board's first page of threads and a thread page, as the pages run them
(queries only, no HTML).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    "bins", "fly-tipping", "potholes", "parking", "park", "swings", "library", "hedges",
    "lights", "noise", "buses", "school", "crossing", "litter", "graffiti", "benches",
    "trees", "allotments", "dogs", "cycling", "pavement",
]  # fmt: skip


def run(url: str, posts: int) -> None:
    import random

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, insert, text

    from engage import create_app
    from engage.accounts.models import User
    from engage.db import utcnow
    from engage.extensions import db
    from engage.forums import queries
    from engage.forums.models import Board, Post, Thread
    from engage.wards.models import Area

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(7)  # noqa: S311 (repeatable test data, not secrets)
    with app.app_context():
        upgrade(revision="heads")
        area = Area(name="Riverside", slug="riverside")
        boards = [Board(area=area, name=f"Board {n}") for n in range(5)]
        author = User(email="a@example.org", display_name="A", password_hash="-")  # noqa: S106
        db.session.add_all([*boards, author])
        db.session.flush()
        now = utcnow()
        started = time.perf_counter()
        thread_rows = [
            {"board_id": boards[n % 5].id, "author_id": author.id, "title": " ".join(
                rng.sample(WORDS, 3)), "last_post_at": now, "pinned": False,
             "published": True, "created_at": now}
            for n in range(posts // 10)
        ]  # fmt: skip
        db.session.execute(insert(Thread), thread_rows)
        thread_ids = list(db.session.scalars(db.select(Thread.id)))
        post_rows = [
            {"thread_id": thread_ids[n // 10], "author_id": author.id,
             "body": " ".join(rng.choices(WORDS, k=40)) + (" lamppost" if n % 100 == 0 else ""),
             "badge": "none",
             "status": "published", "submission_key": f"{n:036d}", "hidden_reason": "",
             "created_at": now}
            for n in range(len(thread_ids) * 10)
        ]  # fmt: skip
        for start in range(0, len(post_rows), 5000):
            db.session.execute(insert(Post), post_rows[start : start + 5000])
        db.session.commit()
        print(f"  filled {len(post_rows):,} posts in {time.perf_counter() - started:.1f}s")

        def median_ms(label: str, work: object, repeat: int = 15) -> None:
            times = []
            for _ in range(repeat):
                begin = time.perf_counter()
                work()  # type: ignore[operator]
                times.append((time.perf_counter() - begin) * 1000)
                db.session.rollback()
            print(f"  {label:<44} median {statistics.median(times):8.1f} ms")

        def search(words: list[str], area_id: int | None, board_id: int | None) -> list[Post]:
            return db.paginate(
                queries.search_posts(db.session, words, area_id=area_id, board_id=board_id),
                page=1,
                per_page=20,
            ).items

        common = ["potholes", "school"]  # in most posts: the worst case
        median_ms("search 'lamppost' (1 post in 100)", lambda: search(["lamppost"], None, None))
        median_ms("search 'potholes school', all forums", lambda: search(common, None, None))
        median_ms(
            "search 'potholes school', one board",
            lambda: search(common, area.id, boards[0].id),
        )
        median_ms(
            "board: first page of threads",
            lambda: (
                db.paginate(queries.threads_in([boards[0].id], None), page=1, per_page=25).items
            ),
        )
        thread = db.session.get(Thread, thread_ids[len(thread_ids) // 2])
        median_ms(
            "thread: first page of posts",
            lambda: db.paginate(queries.posts_in(thread, None), page=1, per_page=20).items,
        )
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"SQLite, {args.posts:,} posts")
        run(f"sqlite:///{folder}/bench.db", args.posts)
    if args.database_url:
        print(f"PostgreSQL, {args.posts:,} posts")
        run(args.database_url, args.posts)


if __name__ == "__main__":
    main()
