"""Demo data for a fictional borough: nine community forum areas and twenty wards.

Every step looks things up before creating them, so ``seed-demo`` can run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engage.accounts import services as accounts
from engage.accounts.models import Role, User
from engage.db import DbSession
from engage.hooks import hooks
from engage.wards import services as wards
from engage.wards.models import Ward

DEMO_PASSWORD = "riverside-demo-2026"  # noqa: S105 (printed for the demo on purpose)
WARDS_CSV = Path(__file__).with_name("wards.csv")


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    ward: str
    roles: tuple[Role, ...] = ()
    verified: bool = True
    biography: str = ""
    party: str = ""


PEOPLE = (
    DemoPerson("admin@riverside.example", "Alex Morgan", "Market Square", (Role.ADMINISTRATOR,)),
    DemoPerson(
        "officer@riverside.example",
        "Priya Shah",
        "Castle Hill",
        (Role.MODERATOR, Role.FUND_OFFICER, Role.ENGAGEMENT_OFFICER, Role.PB_ADMINISTRATOR),
    ),
    DemoPerson(
        "cllr.okafor@riverside.example",
        "Grace Okafor",
        "Riverside East",
        (Role.COUNCILLOR,),
        biography="Grace has lived in Riverside East for twenty years and chairs the "
        "Riverside community forum. She works on safer streets and youth provision.",
        party="Riverside Independents",
    ),
    DemoPerson(
        "cllr.evans@riverside.example",
        "Tom Evans",
        "Riverside East",
        (Role.COUNCILLOR,),
        biography="Tom is a former bus driver who campaigns on transport and the cost of living.",
        party="Labour",
    ),
    DemoPerson(
        "cllr.hughes@riverside.example",
        "Sian Hughes",
        "Riverside West",
        (Role.COUNCILLOR,),
        biography="Sian runs a small business on the high street and leads on parks and "
        "green spaces.",
        party="Liberal Democrats",
    ),
    DemoPerson("resident@riverside.example", "Jamie Patel", "Riverside East"),
    DemoPerson("neighbour@riverside.example", "Chris Lee", "Riverside East"),
    DemoPerson("newcomer@riverside.example", "Sam Taylor", "Riverside West", verified=False),
)

CONTACTS = (
    (
        "Riverside East",
        "Dana Whitfield",
        "Neighbourhood Officer",
        "Community Safety",
        "Anti-social behaviour, noise and nuisance, neighbourhood watch",
    ),
    (
        "Riverside East",
        "Marcus Bell",
        "Street Scene Team Leader",
        "Street Cleansing",
        "Litter, fly-tipping, graffiti and bins on streets",
    ),
    (
        "Riverside West",
        "Helen Ashby",
        "Parks Development Officer",
        "Parks and Open Spaces",
        "Parks, play areas, trees and friends-of-parks groups",
    ),
)


def seed(session: DbSession) -> list[DemoPerson]:
    wards.import_wards(session, wards.parse_ward_csv(WARDS_CSV.read_text()))
    by_name = {ward.name: ward for ward in session.scalars(select(Ward))}
    admin: User | None = None
    for person in PEOPLE:
        user = accounts.find_by_email(session, person.email)
        if user is None:
            user = accounts.register(
                session,
                display_name=person.name,
                email=person.email,
                password=DEMO_PASSWORD,
                postcode="RV1 1AA",
                ward=by_name[person.ward],
            )
            user.confirm_email()
        for role in person.roles:
            if not user.has_role(role):
                accounts.grant_role(session, actor=admin, user=user, role=role, reason="Demo data")
        if Role.ADMINISTRATOR in person.roles:
            admin = user
        if person.verified and not user.ward_verified and admin is not None:
            accounts.verify_ward(session, actor=admin, user=user, reason="Demo data")
        if Role.COUNCILLOR in person.roles and user.councillor_profile is None:
            accounts.set_councillor_profile(
                session,
                actor=admin,
                councillor=user,
                wards=[by_name[person.ward]],
                party=person.party,
                biography=person.biography,
                surgeries="First Saturday of the month, 10am to noon, at the ward library.",
            )
    for ward_name, name, title, service, responsibilities in CONTACTS:
        ward = by_name[ward_name]
        if not any(contact.name == name for contact in ward.contacts):
            email = name.lower().replace(" ", ".") + "@riverside.example"
            wards.save_contact(
                session,
                actor=admin,
                ward=ward,
                contact=None,
                data={
                    "name": name,
                    "job_title": title,
                    "service": service,
                    "responsibilities": responsibilities,
                    "email": email,
                    "phone": "",
                },
            )
    session.flush()
    for seeder in hooks().demo_seeders:
        seeder(session)
        session.flush()
    return list(PEOPLE)
