"""Demo participatory budgets for the Riverside area: last year's round, counted and
being delivered, and this year's, open for voting.

Built through the same services officers and residents use, so the demo exercises
the real phase checks, ballot rules and count. Deterministic (a seeded random
generator for the festival ballots) and safe to run again: a budget found by its
title is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from engage.accounts.models import User
from engage.db import DbSession, utcnow
from engage.pb import ballots, services
from engage.pb.models import (
    BallotType,
    DeliveryStatus,
    Phase,
    Process,
    Proposal,
)
from engage.wards.models import Area, Ward

OFFICER = "officer@riverside.example"
AREA = "Riverside"
FINISHED = "Riverside Decides 2025"
OPEN = "Riverside Decides 2026"


@dataclass(frozen=True)
class DemoProject:
    title: str
    description: str
    location: str
    category: str
    proposer: str  # email of a demo resident or councillor
    cost_pence: int | None  # None: not feasible
    popularity: float = 0.0  # share of festival voters choosing it
    not_feasible_reason: str = ""


CATEGORIES = ("Parks and green spaces", "Young people", "Streets and transport")

FINISHED_PROJECTS = (
    DemoProject(
        "Benches and shade along the river walk",
        "Six benches between the footbridge and the boathouse, with trees for shade.\n\n"
        "Older residents say the walk is too long without anywhere to rest.",
        "River walk, footbridge to boathouse",
        "Parks and green spaces",
        "resident@riverside.example",
        1_800_000,
        0.55,
    ),
    DemoProject(
        "Youth club kit and Friday sessions",
        "Sports kit, a games console and a year of Friday evening sessions at the "
        "community centre, run with the youth service.",
        "Riverside Community Centre",
        "Young people",
        "neighbour@riverside.example",
        2_400_000,
        0.48,
    ),
    DemoProject(
        "Safer crossing by Riverside Primary",
        "A zebra crossing with lights on Mill Lane, where children cross to school.",
        "Mill Lane, outside Riverside Primary",
        "Streets and transport",
        "cllr.okafor@riverside.example",
        3_500_000,
        0.42,
    ),
    DemoProject(
        "Community orchard on the Wharf Meadow",
        "Twenty fruit trees planted and cared for with the friends-of-the-meadow group.",
        "Wharf Meadow",
        "Parks and green spaces",
        "cllr.hughes@riverside.example",
        900_000,
        0.30,
    ),
    DemoProject(
        "Cycle parking at the high street",
        "Covered stands for twenty bicycles near the shops and the library.",
        "Riverside high street",
        "Streets and transport",
        "newcomer@riverside.example",
        1_200_000,
        0.22,
    ),
    DemoProject(
        "Outdoor gym in Riverside Park",
        "Eight pieces of outdoor gym equipment next to the play area.",
        "Riverside Park",
        "Parks and green spaces",
        "cllr.evans@riverside.example",
        2_800_000,
        0.25,
    ),
    DemoProject(
        "A lido in Riverside Park",
        "An open-air swimming pool for summer.",
        "Riverside Park",
        "Parks and green spaces",
        "neighbour@riverside.example",
        None,
        not_feasible_reason="A lido would cost far more than the whole budget and the "
        "park is on the flood plain, so it could not be built there.",
    ),
)

OPEN_PROJECTS = (
    DemoProject(
        "Planters and flowers on the high street",
        "Twelve large planters, looked after by local volunteers.",
        "Riverside high street",
        "Parks and green spaces",
        "resident@riverside.example",
        600_000,
    ),
    DemoProject(
        "Holiday activities for 11 to 16 year olds",
        "Free sport and arts sessions in the summer and Easter holidays.",
        "Riverside Community Centre",
        "Young people",
        "neighbour@riverside.example",
        1_500_000,
    ),
    DemoProject(
        "Better lighting on the towpath",
        "Low-level solar lights along the towpath from the lock to the station.",
        "Towpath, Lockgate to the station",
        "Streets and transport",
        "cllr.okafor@riverside.example",
        2_200_000,
    ),
    DemoProject(
        "Wildflower verges",
        "Sow wildflowers on the wide verges of Meadow Road and mow them less often.",
        "Meadow Road",
        "Parks and green spaces",
        "cllr.hughes@riverside.example",
        400_000,
    ),
    DemoProject(
        "Repair the skate park",
        "Resurface the skate park and replace the broken ramp.",
        "Riverside Park",
        "Young people",
        "newcomer@riverside.example",
        1_900_000,
    ),
)

# Last year's timeline, and how the funded projects have got on since.
FINISHED_DATES = {
    Phase.INFORMATION: date(2025, 3, 1),
    Phase.PROPOSALS: date(2025, 3, 15),
    Phase.REVIEW: date(2025, 4, 30),
    Phase.SHORTLIST: date(2025, 5, 28),
    Phase.VOTING: date(2025, 6, 7),
    Phase.COUNTING: date(2025, 7, 5),
    Phase.RESULTS: date(2025, 7, 12),
    Phase.DELIVERY: date(2025, 8, 1),
}
DELIVERY_UPDATES = (
    # (rank among funded projects, date, status, per cent, update)
    (0, date(2025, 9, 10), DeliveryStatus.IN_PROGRESS, 40, "Bench designs agreed with residents."),
    (
        0,
        date(2026, 3, 2),
        DeliveryStatus.DELIVERED,
        None,
        "All six benches and eight trees are in.",
    ),
    (1, date(2025, 10, 1), DeliveryStatus.IN_PROGRESS, 25, "Kit bought; Friday sessions begin."),
    (1, date(2026, 2, 14), DeliveryStatus.IN_PROGRESS, 60, "Forty young people come most weeks."),
    (2, date(2025, 11, 20), DeliveryStatus.NOT_STARTED, None, "Traffic survey booked for spring."),
)
FESTIVAL_BALLOTS = 120


def seed(session: DbSession) -> None:
    officer = _person(session, OFFICER)
    area = session.scalar(select(Area).where(Area.name == AREA))
    if officer is None or area is None:
        return  # not the demo borough
    wards = list(session.scalars(select(Ward).where(Ward.area_id == area.id).order_by(Ward.name)))
    if _find(session, FINISHED) is None:
        _seed_finished(session, officer, area, wards)
    if _find(session, OPEN) is None:
        _seed_open(session, officer, area)


def _find(session: DbSession, title: str) -> Process | None:
    return session.scalar(select(Process).where(Process.title == title))


def _person(session: DbSession, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _start(
    session: DbSession,
    officer: User,
    area: Area,
    *,
    title: str,
    summary: str,
    budget: int,
    ballot_type: BallotType,
    rule: str,
    max_choices: int | None,
) -> Process:
    process = services.create_process(
        session,
        actor=officer,
        data=services.ProcessData(
            title=title,
            summary=summary,
            ward_id=None,
            area_id=area.id,
            budget_pence=budget,
            ballot_type=ballot_type,
            max_choices=max_choices,
            official_rule=rule,
            live_turnout=True,
        ),
    )
    for name in CATEGORIES:
        services.add_category(session, actor=officer, process=process, name=name, budget_pence=None)
    return process


def _move(session: DbSession, officer: User, process: Process, target: Phase) -> None:
    services.move_phase(session, actor=officer, process=process, target=target)


def _propose_and_shortlist(
    session: DbSession, officer: User, process: Process, projects: tuple[DemoProject, ...]
) -> list[Proposal]:
    """Residents propose, the officer reviews every proposal and shortlists the
    feasible ones; leaves the process at officer review."""
    _move(session, officer, process, Phase.INFORMATION)
    _move(session, officer, process, Phase.PROPOSALS)
    categories = {c.name: c.id for c in process.categories}
    proposals = []
    for project in projects:
        proposer = _person(session, project.proposer)
        assert proposer is not None
        proposals.append(
            services.submit_proposal(
                session,
                actor=proposer,
                process=process,
                data=services.ProposalData(
                    title=project.title,
                    description=project.description,
                    location=project.location,
                    category_id=categories[project.category],
                    rough_cost_pence=project.cost_pence,
                ),
            )
        )
    _move(session, officer, process, Phase.REVIEW)
    shortlist = []
    for project, proposal in zip(projects, proposals, strict=True):
        feasible = project.cost_pence is not None
        services.review_proposal(
            session,
            actor=officer,
            proposal=proposal,
            data=services.ReviewData(
                feasible=feasible,
                reason=project.not_feasible_reason,
                estimated_cost_pence=project.cost_pence,
                delivering_service="Neighbourhood Services",
                category_id=categories[project.category],
            ),
        )
        if feasible:
            services.add_to_shortlist(session, actor=officer, proposal=proposal)
            shortlist.append(proposal)
    return shortlist


def _seed_finished(session: DbSession, officer: User, area: Area, wards: list[Ward]) -> None:
    process = _start(
        session,
        officer,
        area,
        title=FINISHED,
        summary="£100,000 for projects in Riverside East and Riverside West, chosen by "
        "residents in summer 2025.",
        budget=10_000_000,
        ballot_type=BallotType.APPROVAL,
        rule="equalshares/add1",
        max_choices=3,
    )
    services.set_timeline(session, actor=officer, process=process, dates=dict(FINISHED_DATES))
    shortlist = _propose_and_shortlist(session, officer, process, FINISHED_PROJECTS)
    _move(session, officer, process, Phase.SHORTLIST)
    _move(session, officer, process, Phase.VOTING)
    for email, picks in (
        ("resident@riverside.example", (0, 3)),
        ("neighbour@riverside.example", (1, 2, 4)),
    ):
        voter = _person(session, email)
        assert voter is not None
        services.cast_ballot(
            session,
            voter=voter,
            process=process,
            choices=[ballots.Choice(shortlist[i].id) for i in picks],
            age_declared=False,
        )
    # Ballots from the summer festival stand, entered by the officer.
    popularity = [p.popularity for p in FINISHED_PROJECTS if p.cost_pence is not None]
    generator = random.Random(2025)  # noqa: S311 (repeatable demo data)
    for number in range(1, FESTIVAL_BALLOTS + 1):
        chosen = [
            p for p, share in zip(shortlist, popularity, strict=True) if generator.random() < share
        ]
        chosen = chosen[:3] or [shortlist[generator.randrange(len(shortlist))]]
        services.enter_paper_ballot(
            session,
            actor=officer,
            process=process,
            data=services.PaperBallotData(
                reference=f"F-{number:03d}",
                ward_id=wards[number % len(wards)].id,
                choices=[ballots.Choice(p.id) for p in chosen],
            ),
        )
    _move(session, officer, process, Phase.COUNTING)
    _move(session, officer, process, Phase.RESULTS)
    _move(session, officer, process, Phase.DELIVERY)
    funded = [p for p in shortlist if p.delivery is not None]
    funded.sort(key=lambda p: [int(i) for i in process.result.funded].index(p.id))  # type: ignore[union-attr]
    for rank, posted_on, status, percent, update in DELIVERY_UPDATES:
        if rank >= len(funded):
            continue
        services.update_delivery(
            session,
            actor=officer,
            proposal=funded[rank],
            data=services.DeliveryData(
                status=status,
                percent_complete=percent,
                cancel_reason="",
                update=update,
                posted_on=posted_on,
            ),
        )
    _backdate(process)


def _backdate(process: Process) -> None:
    """Date last year's phase moves and count as they happened, not as seeded."""
    for change in process.phase_changes:
        when = FINISHED_DATES.get(change.to_phase)
        if when is not None:
            change.changed_at = datetime.combine(when, time(9), tzinfo=UTC)
    process.phase_changed_at = process.phase_changes[-1].changed_at
    if process.result is not None:
        process.result.counted_at = datetime.combine(
            FINISHED_DATES[Phase.RESULTS], time(9), tzinfo=UTC
        )


def _seed_open(session: DbSession, officer: User, area: Area) -> None:
    process = _start(
        session,
        officer,
        area,
        title=OPEN,
        summary="£50,000 for Riverside East and Riverside West. Choose the projects you "
        "would fund: the ballot keeps a running total so you stay within the budget.",
        budget=5_000_000,
        ballot_type=BallotType.KNAPSACK,
        rule="equalshares/add1",
        max_choices=None,
    )
    today = utcnow().date()
    services.set_timeline(
        session,
        actor=officer,
        process=process,
        dates={
            Phase.INFORMATION: today - timedelta(days=70),
            Phase.PROPOSALS: today - timedelta(days=60),
            Phase.REVIEW: today - timedelta(days=35),
            Phase.SHORTLIST: today - timedelta(days=14),
            Phase.VOTING: today - timedelta(days=7),
            Phase.COUNTING: today + timedelta(days=21),
            Phase.RESULTS: today + timedelta(days=28),
        },
    )
    shortlist = _propose_and_shortlist(session, officer, process, OPEN_PROJECTS)
    _move(session, officer, process, Phase.SHORTLIST)
    _move(session, officer, process, Phase.VOTING)
    # One demo resident has voted (and can change it); the other has not yet.
    voter = _person(session, "neighbour@riverside.example")
    assert voter is not None
    services.cast_ballot(
        session,
        voter=voter,
        process=process,
        choices=[ballots.Choice(shortlist[i].id) for i in (1, 3, 4)],
        age_declared=False,
    )
