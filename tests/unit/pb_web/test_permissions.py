"""Each PB permission, for each kind of person."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from engage.accounts.models import Role
from engage.pb import permissions
from engage.pb.models import Ballot, BallotChannel, Phase, Process
from engage.wards.models import Area, Ward

AREA = Area(id=1, name="Riverside", slug="riverside")
EAST = Ward(id=1, name="Riverside East", slug="riverside-east", area=AREA, area_id=1)
WEST = Ward(id=2, name="Riverside West", slug="riverside-west", area=AREA, area_id=1)
ABBEY = Ward(id=3, name="Abbey Fields", slug="abbey-fields", area_id=2)


@dataclass
class Person:
    roles: set[Role] = field(default_factory=set)
    ward: Ward | None = EAST
    verified: bool = True
    is_authenticated: bool = True
    email_confirmed: bool = True
    erased: bool = False

    @property
    def ward_id(self) -> int | None:
        return self.ward.id if self.ward else None

    @property
    def ward_verified(self) -> bool:
        return self.verified and self.ward is not None

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    @property
    def is_councillor(self) -> bool:
        return Role.COUNCILLOR in self.roles


ANONYMOUS = Person(is_authenticated=False, ward=None, email_confirmed=False)
PEOPLE = {
    "anonymous": ANONYMOUS,
    "resident": Person(),
    "other_resident": Person(ward=ABBEY),
    "unverified": Person(verified=False),
    "councillor": Person({Role.COUNCILLOR}),
    "moderator": Person({Role.MODERATOR}),
    "pb_administrator": Person({Role.PB_ADMINISTRATOR}, ward=ABBEY),
    "administrator": Person({Role.ADMINISTRATOR}, ward=ABBEY),
}


def process(phase: Phase = Phase.VOTING, **kwargs: object) -> Process:
    return Process(title="Riverside Decides", phase=phase, budget_pence=1, archived=False, **kwargs)


def by_role(check: object) -> dict[str, bool]:
    return {name: bool(check(person)) for name, person in PEOPLE.items()}  # type: ignore[operator]


RUNNERS = {"pb_administrator", "administrator"}


@pytest.mark.parametrize(
    "permission",
    [
        permissions.can_manage_processes,
        permissions.can_review_proposals,
        permissions.can_enter_paper_ballots,
        permissions.can_report_delivery,
        permissions.is_pb_administrator,
    ],
)
def test_officer_work_is_for_pb_administrators_and_administrators(permission: object) -> None:
    assert by_role(permission) == {name: name in RUNNERS for name in PEOPLE}


def test_moderators_and_pb_administrators_hide_content() -> None:
    assert by_role(permissions.can_moderate) == {
        name: name in RUNNERS | {"moderator"} for name in PEOPLE
    }


def test_drafts_are_seen_only_by_those_who_run_budgets() -> None:
    draft = process(Phase.DRAFT)
    assert by_role(lambda p: permissions.can_view_process(p, draft)) == {
        name: name in RUNNERS for name in PEOPLE
    }
    published = process(Phase.INFORMATION)
    assert all(by_role(lambda p: permissions.can_view_process(p, published)).values())


def test_taking_part_needs_a_signed_in_resident_of_the_area() -> None:
    ward_budget = process(Phase.PROPOSALS, ward=EAST, ward_id=EAST.id)
    assert by_role(lambda p: permissions.can_take_part(p, ward_budget)) == {
        "anonymous": False,
        "resident": True,
        "other_resident": False,
        "unverified": True,  # proposing needs no verification; voting does
        "councillor": True,
        "moderator": True,
        "pb_administrator": False,
        "administrator": False,
    }
    area_budget = process(Phase.PROPOSALS, area=AREA, area_id=AREA.id)
    AREA.wards = [EAST, WEST]
    west = Person(ward=WEST)
    assert permissions.can_take_part(west, area_budget)
    assert not permissions.can_take_part(PEOPLE["other_resident"], area_budget)
    council = process(Phase.PROPOSALS)
    assert permissions.can_take_part(PEOPLE["other_resident"], council)


def test_the_reason_names_the_area_and_the_persons_ward() -> None:
    ward_budget = process(Phase.PROPOSALS, ward=EAST, ward_id=EAST.id)
    assert permissions.take_part_refusal(PEOPLE["other_resident"], ward_budget) == (
        "This budget is for people who live in Riverside East ward. "
        "Your account is for Abbey Fields ward"
    )
    assert permissions.take_part_refusal(ANONYMOUS, ward_budget) == "Sign in to take part"


def test_voting_needs_a_verified_ward_inside_the_area_while_voting_is_open() -> None:
    voting = process(Phase.VOTING, ward=EAST, ward_id=EAST.id)
    assert by_role(lambda p: permissions.can_vote(p, voting)) == {
        "anonymous": False,
        "resident": True,
        "other_resident": False,
        "unverified": False,
        "councillor": True,
        "moderator": True,
        "pb_administrator": False,
        "administrator": False,
    }
    assert "checked by the council" in permissions.voting_refusal(
        PEOPLE["unverified"], voting, None
    )
    closed = process(Phase.COUNTING, ward=EAST, ward_id=EAST.id)
    assert permissions.voting_refusal(PEOPLE["resident"], closed, None) == "Voting is not open"


def test_a_counted_paper_ballot_stops_an_online_vote() -> None:
    voting = process(Phase.VOTING)
    paper = Ballot(channel=BallotChannel.PAPER)
    online = Ballot(channel=BallotChannel.ONLINE)
    assert permissions.voting_refusal(PEOPLE["resident"], voting, paper) == (
        "Your paper ballot has been counted, so you cannot also vote online"
    )
    assert permissions.can_vote(PEOPLE["resident"], voting, online)  # changing it


def test_commenting_needs_a_confirmed_account() -> None:
    assert by_role(permissions.can_comment) == {name: name != "anonymous" for name in PEOPLE}
    assert not permissions.can_comment(Person(email_confirmed=False))


def test_live_turnout_is_shown_while_voting_only_if_the_council_publishes_it() -> None:
    quiet = process(Phase.VOTING, live_turnout=False)
    assert by_role(lambda p: permissions.can_see_live_turnout(p, quiet)) == {
        name: name in RUNNERS for name in PEOPLE
    }
    public = process(Phase.VOTING, live_turnout=True)
    assert all(by_role(lambda p: permissions.can_see_live_turnout(p, public)).values())
    finished = process(Phase.RESULTS, live_turnout=True)
    assert not any(by_role(lambda p: permissions.can_see_live_turnout(p, finished)).values())
