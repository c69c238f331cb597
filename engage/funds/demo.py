"""Demo local fund for the Riverside borough: allocations per councillor and per ward,
and a bid in every state, made through the services so the ledger and the audit log
are what real use would leave. Runs again without adding anything twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from engage.accounts.models import User
from engage.db import DbSession, utcnow
from engage.funds import services
from engage.funds.models import Allocation, Bid, BidStatus, Fund, ProposerKind
from engage.wards.models import Ward

FUND_NAME = "Riverside Local Fund"
AIMS = [
    "Safer, cleaner streets",
    "Healthier lives for all ages",
    "Opportunities for young people",
    "Greener neighbourhoods",
]


@dataclass(frozen=True)
class DemoBid:
    title: str
    status: BidStatus
    proposer: str
    ward: str
    need: str
    delivered: str
    service: str
    costs: tuple[tuple[str, int], ...]
    aims: tuple[int, ...]
    group: str = ""
    approved_pence: int | None = None
    spent_pence: int | None = None


BIDS = (
    DemoBid(
        "Planters on Mill Lane",
        BidStatus.DRAFT,
        "resident@riverside.example",
        "Riverside East",
        "Mill Lane is grey and unloved.",
        "Six planters with shrubs.",
        "Parks and Open Spaces",
        (("Six planters", 180_000),),
        (3,),
    ),
    DemoBid(
        "Lighting on the canal path",
        BidStatus.SUBMITTED,
        "neighbour@riverside.example",
        "Riverside East",
        "People avoid the canal path after dark.",
        "Four solar lights along the path by the lock.",
        "Highways",
        (("Four solar lights", 320_000), ("Installation", 60_000)),
        (0,),
    ),
    DemoBid(
        "Chess tables in Victoria Park",
        BidStatus.RETURNED,
        "resident@riverside.example",
        "Riverside East",
        "Older residents want somewhere to meet outdoors.",
        "Two concrete chess tables.",
        "Parks and Open Spaces",
        (("Two tables", 240_000),),
        (1,),
        group="Victoria Park Friends",
    ),
    DemoBid(
        "Youth football kit",
        BidStatus.ELIGIBLE,
        "neighbour@riverside.example",
        "Riverside East",
        "The youth club team has no kit.",
        "Kit and balls for 30 players.",
        "Youth Service",
        (("Kit", 150_000), ("Balls and nets", 50_000)),
        (1, 2),
    ),
    DemoBid(
        "Defibrillator at the community centre",
        BidStatus.APPROVED,
        "resident@riverside.example",
        "Riverside East",
        "The nearest defibrillator is a mile away.",
        "One public-access defibrillator.",
        "Community Centres",
        (("Defibrillator and cabinet", 180_000),),
        (1,),
        approved_pence=160_000,
    ),
    DemoBid(
        "Graffiti clean-up on the high street",
        BidStatus.REJECTED,
        "neighbour@riverside.example",
        "Riverside East",
        "Shop shutters are covered in tags.",
        "A deep clean of 20 shutters.",
        "Street Cleansing",
        (("Deep clean", 90_000),),
        (0,),
    ),
    DemoBid(
        "Bulb planting on the green",
        BidStatus.IN_DELIVERY,
        "resident@riverside.example",
        "Riverside East",
        "The green is bare all spring.",
        "5,000 spring bulbs planted.",
        "Parks and Open Spaces",
        (("Bulbs", 80_000), ("Planting", 40_000)),
        (3,),
        approved_pence=120_000,
    ),
    DemoBid(
        "Bins by the bus station",
        BidStatus.COMPLETED,
        "neighbour@riverside.example",
        "Riverside East",
        "Litter piles up at the bus station.",
        "Three new litter bins.",
        "Street Cleansing",
        (("Three bins", 90_000),),
        (0,),
        approved_pence=90_000,
        spent_pence=82_500,
    ),
    DemoBid(
        "Summer reading prizes",
        BidStatus.WITHDRAWN,
        "resident@riverside.example",
        "Riverside East",
        "Fewer children use the library in summer.",
        "Prizes for the summer reading challenge.",
        "Libraries",
        (("Prizes", 60_000),),
        (2,),
    ),
)


def _financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def seed(session: DbSession) -> None:
    if session.scalar(select(Fund.id).where(Fund.name == FUND_NAME)) is not None:
        return
    people = {user.email: user for user in session.scalars(select(User))}
    wards = {ward.name: ward for ward in session.scalars(select(Ward))}
    officer = people.get("officer@riverside.example")
    if officer is None or "Riverside East" not in wards:
        return  # not the demo borough
    now = utcnow()
    year = _financial_year(services.council_date(now))
    fund = services.create_fund(
        session,
        actor=officer,
        data=services.FundData(
            name=FUND_NAME,
            year_start=year,
            total_pence=50_000_000,
            opens_on=date(year, 4, 1),
            closes_on=max(date(year + 1, 2, 28), services.council_date(now) + timedelta(days=60)),
            corporate_aims=AIMS,
        ),
    )
    # Each Riverside East councillor holds their own £5,000; Riverside West shares £10,000.
    east, west = wards["Riverside East"], wards.get("Riverside West")
    allocations: dict[str, Allocation] = {}
    for email in ("cllr.okafor@riverside.example", "cllr.evans@riverside.example"):
        councillor = people.get(email)
        if councillor is not None:
            allocations[email] = services.set_allocation(
                session,
                actor=officer,
                fund_id=fund.id,
                ward=east,
                councillor=councillor,
                amount_pence=500_000,
            )
    if west is not None:
        services.set_allocation(
            session,
            actor=officer,
            fund_id=fund.id,
            ward=west,
            councillor=None,
            amount_pence=1_000_000,
        )
    decider = people.get("cllr.okafor@riverside.example")
    allocation = allocations.get("cllr.okafor@riverside.example")
    for demo in BIDS:
        proposer = people.get(demo.proposer)
        if proposer is None or decider is None or allocation is None:
            continue
        _seed_bid(session, fund, demo, proposer, officer, decider, allocation, wards[demo.ward])


def _seed_bid(
    session: DbSession,
    fund: Fund,
    demo: DemoBid,
    proposer: User,
    officer: User,
    councillor: User,
    allocation: Allocation,
    ward: Ward,
) -> Bid:
    now = utcnow()
    kind = ProposerKind.COMMUNITY_GROUP if demo.group else ProposerKind.RESIDENT
    bid = services.start_bid(
        session,
        actor=proposer,
        fund=fund,
        proposer_kind=kind,
        group_name=demo.group,
        title=demo.title,
        now=now,
    )
    answers: dict[str, dict[str, Any]] = {
        "need": {"local_need": demo.need, "deliverables": demo.delivered},
        "wards": {"ward_ids": [ward.id]},
        "costs": {"cost_lines": list(demo.costs)},
        "service": {
            "delivered_by_council": True,
            "service": demo.service,
            "pays_voluntary_organisation": False,
        },
        "aims": {"aims": [AIMS[n] for n in demo.aims]},
        "ongoing": {"is_one_off": True, "has_ongoing_costs": False, "ongoing_cost_pence": None},
        "support": {
            "support_evidence": "Raised at the ward forum in the spring.",
            "support_link": "",
        },
    }
    for step, values in answers.items():
        services.save_answers(session, actor=proposer, bid=bid, step=step, answers=values, now=now)
    if demo.status is BidStatus.DRAFT:
        return bid
    services.submit_bid(session, actor=proposer, bid_id=bid.id, now=now)
    if demo.status is BidStatus.SUBMITTED:
        return bid
    if demo.status is BidStatus.RETURNED:
        services.return_bid(
            session,
            actor=officer,
            bid_id=bid.id,
            now=now,
            comments="Please confirm the Parks team can install the tables before the summer.",
        )
        return bid
    services.confirm_eligibility(session, actor=officer, bid_id=bid.id, note="Checked.", now=now)
    if demo.status is BidStatus.WITHDRAWN:
        services.withdraw_bid(
            session, actor=proposer, bid_id=bid.id, reason="The library found a sponsor.", now=now
        )
        return bid
    if demo.status is BidStatus.ELIGIBLE:
        return bid
    services.declare_interest(
        session, actor=councillor, bid_id=bid.id, has_interest=False, details="", now=now
    )
    if demo.status is BidStatus.REJECTED:
        services.reject_bid(
            session,
            actor=councillor,
            bid_id=bid.id,
            now=now,
            reason="Shop owners are responsible for their own shutters.",
        )
        return bid
    services.approve_bid(
        session,
        actor=councillor,
        bid_id=bid.id,
        allocation_id=allocation.id,
        amount_pence=demo.approved_pence or bid.amount_pence,
        now=now,
        reason="Meets a clear local need at a fair cost.",
    )
    if demo.status is BidStatus.APPROVED:
        return bid
    services.start_delivery(session, actor=officer, bid_id=bid.id, now=now)
    if demo.status is BidStatus.COMPLETED:
        services.complete_bid(
            session,
            actor=officer,
            bid_id=bid.id,
            actual_spend_pence=demo.spent_pence or 0,
            outcome="Three bins installed and emptied on the daily round.",
            evidence="",
            now=now,
        )
    return bid
