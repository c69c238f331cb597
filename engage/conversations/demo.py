"""Demo data: a summer of festivals across the borough, with a few hundred
conversations, some autumn meetings, upcoming events and the council's responses.

Deterministic (a seeded random generator) and safe to run again: events are found
by name before anything is created.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engage.accounts.models import User
from engage.conversations import services
from engage.conversations.models import (
    BriefingPreference,
    ConversationSource,
    Event,
    EventKind,
    PriorityNote,
    PriorityResponse,
    ResponseStatus,
    Sentiment,
    Theme,
)
from engage.db import DbSession, utcnow
from engage.wards.models import Ward

ZONE = ZoneInfo("Europe/London")
NAMESPACE = uuid.UUID("5a0f7c3e-2d1b-4c9a-8e6f-1b2c3d4e5f60")

# What residents say, and the themes an officer would tick.
SAYINGS: tuple[tuple[str, tuple[str, ...], Sentiment], ...] = (
    (
        "Fly-tipping behind the shops every weekend; nobody is ever fined",
        ("litter-and-fly-tipping", "enforcement"),
        Sentiment.NEGATIVE,
    ),
    (
        "The council should be much stricter with people who dump rubbish",
        ("enforcement", "litter-and-fly-tipping"),
        Sentiment.NEGATIVE,
    ),
    (
        "Cars parked on the pavement outside the school, wardens never come",
        ("enforcement", "transport"),
        Sentiment.NEGATIVE,
    ),
    (
        "Bins overflowing on the high street by Sunday",
        ("litter-and-fly-tipping",),
        Sentiment.NEGATIVE,
    ),
    ("Dog mess all along the riverside path", ("litter-and-fly-tipping",), Sentiment.NEGATIVE),
    ("Groups drinking in the park late at night", ("anti-social-behaviour",), Sentiment.NEGATIVE),
    (
        "Motorbikes racing round the estate",
        ("anti-social-behaviour", "community-safety"),
        Sentiment.NEGATIVE,
    ),
    ("Graffiti on the underpass keeps coming back", ("anti-social-behaviour",), Sentiment.NEUTRAL),
    (
        "Love the new play area, the kids are there every day",
        ("parks-and-green-spaces",),
        Sentiment.POSITIVE,
    ),
    ("The park needs more benches and shade", ("parks-and-green-spaces",), Sentiment.NEUTRAL),
    (
        "Trees on our road have not been cut back for years",
        ("parks-and-green-spaces",),
        Sentiment.NEGATIVE,
    ),
    (
        "Potholes on the main road are dangerous for cyclists",
        ("roads-and-pavements", "transport"),
        Sentiment.NEGATIVE,
    ),
    ("Broken paving slabs outside the library", ("roads-and-pavements",), Sentiment.NEGATIVE),
    (
        "Street lights out on the path to the station",
        ("roads-and-pavements", "community-safety"),
        Sentiment.NEGATIVE,
    ),
    ("Damp and mould in the flat, repairs take months", ("housing",), Sentiment.NEGATIVE),
    (
        "Rents are pushing young families out of the area",
        ("housing", "cost-of-living"),
        Sentiment.NEGATIVE,
    ),
    ("Nothing for teenagers to do in the evenings", ("youth-provision",), Sentiment.NEGATIVE),
    (
        "The holiday club at the community centre was brilliant",
        ("youth-provision",),
        Sentiment.POSITIVE,
    ),
    (
        "Does not feel safe walking home from the bus stop",
        ("community-safety",),
        Sentiment.NEGATIVE,
    ),
    ("Would like to see more police on foot", ("community-safety",), Sentiment.NEUTRAL),
    ("The 42 bus is too infrequent to get to the hospital", ("transport",), Sentiment.NEGATIVE),
    ("A safe cycle lane to the town centre would help", ("transport",), Sentiment.NEUTRAL),
    ("Hard to get a GP appointment", ("health-and-wellbeing",), Sentiment.NEGATIVE),
    (
        "Older neighbours are lonely since the lunch club closed",
        ("health-and-wellbeing",),
        Sentiment.NEGATIVE,
    ),
    ("Worried about energy bills this winter", ("cost-of-living",), Sentiment.NEGATIVE),
    ("Food bank at the church is a lifeline", ("cost-of-living",), Sentiment.POSITIVE),
    ("Great to see the council out talking to people", ("other",), Sentiment.POSITIVE),
    # Personal details said in passing: the priorities pages show them redacted.
    (
        "Rubbish dumped outside 14 Mill Lane again, call me on 07700 900123",
        ("litter-and-fly-tipping", "enforcement"),
        Sentiment.NEGATIVE,
    ),
)
THEME_OF = {i: keys for i, (_, keys, _) in enumerate(SAYINGS)}


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: EventKind
    wards: tuple[str, ...]
    place: str
    when: str  # "summer:<day of summer>" or "days:<offset from today>"
    conversations: int
    # Themes residents raised more than usual at this event.
    emphasis: tuple[str, ...] = ()
    area: str | None = None


EVENTS = (
    DemoEvent(
        "Riverside Summer Festival",
        EventKind.FESTIVAL_STAND,
        ("Riverside East", "Riverside West"),
        "Riverside Park bandstand",
        "summer:20",
        60,
        ("enforcement", "litter-and-fly-tipping"),
    ),
    DemoEvent(
        "Northgate Family Fun Day",
        EventKind.FESTIVAL_STAND,
        ("Abbey Fields", "Northgate Central", "Millbrook"),
        "Northgate Recreation Ground",
        "summer:33",
        30,
        ("youth-provision", "parks-and-green-spaces"),
    ),
    DemoEvent(
        "Canal Festival",
        EventKind.FESTIVAL_STAND,
        ("Canal Side", "Lockgate", "Wharf Street"),
        "Lockgate Basin",
        "summer:45",
        35,
        ("community-safety", "anti-social-behaviour"),
    ),
    DemoEvent(
        "Castle Hill Carnival",
        EventKind.FESTIVAL_STAND,
        ("Castle Hill", "Market Square"),
        "Castle Green",
        "summer:55",
        30,
        ("transport", "roads-and-pavements"),
    ),
    DemoEvent(
        "Picnic in Orchard Park",
        EventKind.FESTIVAL_STAND,
        ("Orchard Park", "Cherry Tree"),
        "Orchard Park",
        "summer:63",
        25,
        ("parks-and-green-spaces",),
    ),
    DemoEvent(
        "Heathfield Summer Fair",
        EventKind.FESTIVAL_STAND,
        ("Heathfield", "Common Green"),
        "Heathfield Common",
        "summer:74",
        25,
        ("cost-of-living", "health-and-wellbeing"),
    ),
    DemoEvent(
        "Docks Food and Music Festival",
        EventKind.FESTIVAL_STAND,
        ("Station Road", "Dockside"),
        "Dockside Quay",
        "summer:82",
        30,
        ("housing", "transport"),
    ),
    DemoEvent(
        "Priory Gardens Open Day",
        EventKind.FESTIVAL_STAND,
        ("St Mary's", "Priory Gardens"),
        "Priory Gardens",
        "summer:88",
        20,
        ("parks-and-green-spaces",),
    ),
    DemoEvent(
        "Riverside community forum meeting",
        EventKind.COMMUNITY_FORUM_MEETING,
        (),
        "Riverside Library",
        "days:-12",
        30,
        ("enforcement", "litter-and-fly-tipping"),
        area="Riverside",
    ),
    DemoEvent(
        "Kingsmead ward walkabout",
        EventKind.WARD_WALKABOUT,
        ("Kingsmead",),
        "Kingsmead Parade",
        "days:-30",
        15,
        ("roads-and-pavements",),
    ),
    DemoEvent(
        "Market Square street stall",
        EventKind.STREET_STALL,
        ("Market Square",),
        "Market Square",
        "days:-45",
        20,
        ("cost-of-living",),
    ),
    DemoEvent(
        "Riverside winter drop-in",
        EventKind.DROP_IN,
        ("Riverside East",),
        "Riverside Library",
        "days:10",
        0,
    ),
    DemoEvent(
        "Fairview school visit",
        EventKind.SCHOOL_VISIT,
        ("Fairview",),
        "Fairview Primary School",
        "days:20",
        0,
    ),
    DemoEvent(
        "Online session: help with the cost of living",
        EventKind.ONLINE_SESSION,
        (),
        "Online (link sent when you register)",
        "days:30",
        0,
    ),
)

RESPONSES = (
    (
        "Riverside East",
        "enforcement",
        "People who dump rubbish behind the shops are never caught or fined.",
        "Two enforcement officers now patrol the Parade on Saturday mornings, with hidden "
        "cameras at the worst spots. Fixed penalty notices are being issued.",
        "Street Enforcement team",
        ResponseStatus.IN_PROGRESS,
    ),
    (
        "Riverside East",
        "litter-and-fly-tipping",
        "Bins on the riverside path overflow at weekends.",
        "Six larger bins installed along the path, emptied on Saturdays and Sundays too.",
        "Street Cleansing",
        ResponseStatus.DONE,
    ),
    (
        "Canal Side",
        "community-safety",
        "The towpath feels unsafe after dark.",
        "New lighting between Lockgate Basin and the station, with the Canal & River Trust.",
        "Highways with the Canal & River Trust",
        ResponseStatus.PLANNED,
    ),
)

POSTCODE_SECTORS = (
    ("RV1 1", "Riverside East"),
    ("RV1 2", "Riverside West"),
    ("RV2 1", "Castle Hill"),
    ("RV2 2", "Market Square"),
    ("RV3 1", "Canal Side"),
)
FIRST_NAMES = ("Sam", "Alex", "Jo", "Priya", "Tomasz", "Amara", "Kieran", "Mei", "Fatima", "Owen")


def _summer_start(today: date) -> date:
    """The most recent summer that has begun: June of this year from June, else last year."""
    year = today.year if today.month >= 6 else today.year - 1
    return date(year, 6, 1)


def _start(event: DemoEvent, today: date) -> datetime:
    kind, number = event.when.split(":")
    day = (
        _summer_start(today) + timedelta(days=int(number))
        if kind == "summer"
        else today + timedelta(days=int(number))
    )
    hour = 18 if event.kind in (EventKind.COMMUNITY_FORUM_MEETING, EventKind.ONLINE_SESSION) else 11
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


def seed(session: DbSession) -> None:
    services.ensure_standard_themes(session)
    themes = {t.key: t for t in session.scalars(select(Theme))}
    wards = {w.name: w for w in session.scalars(select(Ward))}
    if not wards:
        return
    officer = session.scalar(select(User).where(User.email == "officer@riverside.example"))
    now = utcnow()
    today = now.astimezone(ZONE).date()
    existing = set(session.scalars(select(Event.title)))
    for index, spec in enumerate(EVENTS):
        if spec.title in existing:
            continue
        _seed_event(session, spec, index, wards, themes, officer, now, today)
    _seed_responses(session, wards, themes, officer, today)
    services.import_postcodes(session, POSTCODE_SECTORS)
    okafor = session.scalar(select(User).where(User.email == "cllr.okafor@riverside.example"))
    if okafor is not None and session.get(BriefingPreference, okafor.id) is None:
        session.add(BriefingPreference(user_id=okafor.id, monthly_email=True, hidden_parts=[]))
    session.flush()


def _seed_event(session, spec, index, wards, themes, officer, now, today) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(f"engage-demo-{index}")  # noqa: S311 (repeatable demo data)
    starts_at = _start(spec, today)
    area = next((w.area for w in wards.values() if w.area.name == spec.area), None)
    event = services.save_event(
        session,
        actor=officer,
        event=None,
        data=services.EventData(
            title=spec.title,
            kind=spec.kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2 if spec.area else 5),
            place=spec.place,
            organiser="Community Engagement team",
            description="Come and tell us what matters in your area.",
            area_id=area.id if area else None,
            ward_ids=[wards[name].id for name in spec.wards],
            headcount=spec.conversations * 9 if starts_at < now else None,
        ),
    )
    home_wards = [wards[name] for name in spec.wards] or (area.wards if area else [])
    neighbours = [w for w in wards.values() if home_wards and w.area is home_wards[0].area]
    weights = [4 if set(THEME_OF[i]) & set(spec.emphasis) else 1 for i in range(len(SAYINGS))]
    for n in range(spec.conversations):
        text, keys, sentiment = SAYINGS[rng.choices(range(len(SAYINGS)), weights)[0]]
        roll = rng.random()
        ward = (
            rng.choice(home_wards)
            if roll < 0.75
            else rng.choice(neighbours)
            if roll < 0.9
            else None
        )
        wants_reply = rng.random() < 0.1
        occurred_at = starts_at + timedelta(minutes=rng.randrange(240 if not spec.area else 100))
        conversation = services.build_conversation(
            actor=officer,
            event=event,
            data=services.NewConversation(
                summary=text,
                theme_ids=[],
                ward_id=ward.id if ward else None,
                sentiment=sentiment,
                idempotency_key=str(uuid.uuid5(NAMESPACE, f"{spec.title}:{n}")),
                wants_reply=wants_reply,
                contact=services.ContactDetails(
                    name=f"{rng.choice(FIRST_NAMES)} (demo)",
                    email=f"resident{index}-{n}@example.org",
                )
                if wants_reply
                else None,
                follow_up_owner_id=officer.id if wants_reply and officer else None,
            ),
            themes=[themes[key] for key in keys if key in themes],
            occurred_at=occurred_at,
            source=ConversationSource.STAND,
            now=occurred_at,
        )
        if wants_reply and rng.random() < 0.5:
            conversation.mark_followed_up(occurred_at + timedelta(days=7))
        session.add(conversation)
    session.flush()


def _seed_responses(session, wards, themes, officer, today) -> None:  # type: ignore[no-untyped-def]
    for ward_name, key, you_said, we_did, owner, status in RESPONSES:
        ward, theme = wards.get(ward_name), themes.get(key)
        if ward is None or theme is None:
            continue
        exists = session.scalar(
            select(PriorityResponse.id).where(
                PriorityResponse.ward_id == ward.id, PriorityResponse.you_said == you_said
            )
        )
        if exists is not None:
            continue
        session.add(
            PriorityResponse(
                ward_id=ward.id,
                theme_id=theme.id,
                you_said=you_said,
                we_did=we_did,
                owner=owner,
                status=status,
                status_on=today - timedelta(days=14),
                created_by_id=officer.id if officer else None,
            )
        )
        if key == "enforcement":
            session.add(
                PriorityNote(
                    ward_id=ward.id,
                    theme_id=theme.id,
                    text="Raised at every Riverside event this year. Councillor Okafor has "
                    "asked for monthly figures on fixed penalty notices.",
                    author_id=officer.id if officer else None,
                )
            )
