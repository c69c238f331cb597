"""Demo forums: boards in every area's forum, a few realistic threads per area, a
councillor's reply, and one reported post waiting in the moderation queue.

Safe to run again: boards are found by name, and posts by a key derived from the
thread and position, so nothing is created twice.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from engage.accounts.models import User
from engage.db import DbSession, utcnow
from engage.forums import permissions, queries
from engage.forums.models import (
    Board,
    Post,
    PostStatus,
    Report,
    ReportReason,
    Thread,
    ThreadReader,
)
from engage.wards.models import Area

NAMESPACE = uuid.UUID("0f6d2b61-7d1e-4b7a-9b55-3c1f0f3e8a21")

BOARDS = (
    ("Streets and litter", "Bins, fly-tipping, potholes, street lights and parking."),
    ("Parks and green spaces", "Parks, play areas, trees and allotments."),
    ("Events", "What is on locally, and help running community events."),
    ("General", "Anything else about life in the area."),
)

# (board, title, [(author email, body), ...]) for each area; {area} is filled in.
THREADS = (
    (
        "Streets and litter",
        "Fly-tipping behind the shops on the high street",
        [
            (
                "resident@riverside.example",
                "Every weekend there are mattresses and bags dumped behind the parade of "
                "shops. It has been going on since the summer. Has anyone reported it, "
                "and does the council know who is doing it?",
            ),
            (
                "neighbour@riverside.example",
                "I reported it twice last month. It was cleared within a few days each "
                "time but it comes back. A camera might help.",
            ),
            (
                "cllr.okafor@riverside.example",
                "Thank you both. I have asked the street enforcement team to look at this "
                "spot and whether a camera can go up. I will post here when I hear back.",
            ),
        ],
    ),
    (
        "Parks and green spaces",
        "Broken swings in the {area} play area",
        [
            (
                "neighbour@riverside.example",
                "Two of the swings for younger children have been taped off for weeks. "
                "Is a repair planned?",
            ),
            (
                "resident@riverside.example",
                "The friends-of-the-park group asked about this at the last forum "
                "meeting. I think parts are on order.",
            ),
        ],
    ),
    (
        "Events",
        "Litter pick this Saturday: volunteers welcome",
        [
            (
                "resident@riverside.example",
                "We are meeting at the library at 10am on Saturday. The council lends "
                "litter pickers, gloves and bags. Children are welcome with an adult.",
            ),
        ],
    ),
)

# A post that breaks the code of conduct, reported by a neighbour, in the first area.
REPORTED = (
    "General",
    "Parking on Mill Lane",
    "newcomer@riverside.example",
    "The people at number 12 park across the dropped kerb every night. Their car is a "
    "red hatchback, registration RV12 ABC. Someone should do something about them.",
)


def _key(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def _board(session: DbSession, area: Area, name: str, description: str, position: int) -> Board:
    board = session.scalar(select(Board).where(Board.area_id == area.id, Board.name == name))
    if board is None:
        board = Board(area_id=area.id, name=name, description=description, position=position)
        session.add(board)
        session.flush()
    return board


def _thread(
    session: DbSession,
    board: Board,
    title: str,
    posts: list[tuple[User, str]],
    hours_ago: int,
) -> Thread:
    key = _key(str(board.id), title, "0")
    existing = queries.post_by_key(session, key)
    if existing is not None:
        return existing.thread
    started = utcnow() - timedelta(hours=hours_ago)
    thread = Thread(board=board, author=posts[0][0], title=title, created_at=started)
    session.add(thread)
    for n, (author, body) in enumerate(posts):
        at = started + timedelta(hours=3 * n)
        session.add(
            Post(
                thread=thread,
                author=author,
                body=body,
                badge=permissions.badge_for(author),
                status=PostStatus.PUBLISHED,
                submission_key=_key(str(board.id), title, str(n)),
                created_at=at,
            )
        )
        thread.last_post_at = at
        if session.get(ThreadReader, (author.id, thread.id or 0)) is None:
            session.add(ThreadReader(user_id=author.id, thread=thread, following=True))
        session.flush()
    return thread


def seed(session: DbSession) -> None:
    people = {u.email: u for u in session.scalars(select(User))}
    needed = {"resident@riverside.example", "neighbour@riverside.example",
              "cllr.okafor@riverside.example", "newcomer@riverside.example"}  # fmt: skip
    if not needed <= people.keys():
        return
    areas = list(session.scalars(select(Area).order_by(Area.name)))
    for index, area in enumerate(areas):
        boards = {
            name: _board(session, area, name, description, position * 10)
            for position, (name, description) in enumerate(BOARDS)
        }
        for n, (board_name, title, posts) in enumerate(THREADS):
            _thread(
                session,
                boards[board_name],
                title.format(area=area.name),
                [(people[email], body) for email, body in posts],
                hours_ago=24 * (n + 1) + index,
            )
        if index == 0:
            board_name, title, email, body = REPORTED
            thread = _thread(session, boards[board_name], title, [(people[email], body)], 30)
            post = thread.posts[0]
            reporter = people["neighbour@riverside.example"]
            if (
                session.scalar(
                    select(Report).where(
                        Report.post_id == post.id, Report.reporter_id == reporter.id
                    )
                )
                is None
            ):
                session.add(
                    Report(
                        post=post,
                        reporter=reporter,
                        reason=ReportReason.PERSONAL_INFORMATION,
                        details="This gives a neighbour's car registration and house number.",
                        created_at=utcnow() - timedelta(hours=20),
                    )
                )
    session.flush()
