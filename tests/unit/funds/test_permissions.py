"""Each named permission, for each kind of person, on bids in the states that matter."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from engage.funds import permissions
from engage.funds.models import BidStatus, ProposerKind
from tests.conftest import World

ROLES = ("anonymous", "resident", "other_resident", "councillor", "officer", "administrator")


def who(world: World, role: str):  # type: ignore[no-untyped-def]
    return world.people[role] or AnonymousUserMixin()


def allowed(world: World, check, *args) -> set[str]:  # type: ignore[no-untyped-def]
    return {role for role in ROLES if check(who(world, role), *args)}


@pytest.fixture
def bids(world: World, make_fund, make_bid):  # type: ignore[no-untyped-def]
    fund = make_fund([(world.ward, None, 500_000)])
    people = {"officer": world.people["officer"], "councillor": world.people["councillor"]}
    return {
        status: make_bid(fund, world.people["resident"], world.ward, status=status, **people)
        for status in (BidStatus.DRAFT, BidStatus.SUBMITTED, BidStatus.ELIGIBLE, BidStatus.APPROVED)
    }


def test_who_sees_a_bid_depends_on_its_state(world: World, bids) -> None:  # type: ignore[no-untyped-def]
    assert allowed(world, permissions.can_view_bid, bids[BidStatus.DRAFT]) == {"resident"}
    assert allowed(world, permissions.can_view_bid, bids[BidStatus.SUBMITTED]) == {
        "resident",
        "councillor",
        "officer",
        "administrator",
    }
    assert allowed(world, permissions.can_view_bid, bids[BidStatus.APPROVED]) == set(ROLES)
    assert allowed(world, permissions.can_see_private_details, bids[BidStatus.APPROVED]) == {
        "resident",
        "councillor",
        "officer",
        "administrator",
    }


def test_only_the_proposer_edits_and_only_while_editable(world: World, bids) -> None:  # type: ignore[no-untyped-def]
    assert allowed(world, permissions.can_edit_bid, bids[BidStatus.DRAFT]) == {"resident"}
    assert allowed(world, permissions.can_edit_bid, bids[BidStatus.SUBMITTED]) == set()


def test_fund_officers_review_and_manage(world: World, bids) -> None:  # type: ignore[no-untyped-def]
    assert allowed(world, permissions.can_review_bid, bids[BidStatus.SUBMITTED]) == {
        "officer",
        "administrator",
    }
    assert allowed(world, permissions.can_manage_funds) == {"officer", "administrator"}
    assert allowed(world, permissions.can_manage_delivery) == {"officer", "administrator"}


def test_only_the_wards_councillor_decides(world: World, bids) -> None:  # type: ignore[no-untyped-def]
    assert allowed(world, permissions.can_decide_bid, bids[BidStatus.ELIGIBLE]) == {"councillor"}
    assert allowed(world, permissions.can_see_decisions) == {"councillor"}
    assert allowed(world, permissions.can_change_amount, bids[BidStatus.APPROVED]) == {"councillor"}
    assert allowed(world, permissions.can_change_amount, bids[BidStatus.ELIGIBLE]) == set()


def test_withdrawal_by_the_proposer_until_decided_then_by_officers(world: World, bids) -> None:  # type: ignore[no-untyped-def]
    assert allowed(world, permissions.can_withdraw_bid, bids[BidStatus.DRAFT]) == {"resident"}
    assert allowed(world, permissions.can_withdraw_bid, bids[BidStatus.ELIGIBLE]) == {
        "resident",
        "officer",
        "administrator",
    }
    assert allowed(world, permissions.can_withdraw_bid, bids[BidStatus.APPROVED]) == {
        "officer",
        "administrator",
    }


def test_whom_each_person_may_bid_as(world: World) -> None:
    assert permissions.proposer_kinds(world.people["resident"]) == [
        ProposerKind.RESIDENT,
        ProposerKind.COMMUNITY_GROUP,
    ]
    assert ProposerKind.OFFICER in permissions.proposer_kinds(world.people["officer"])
    assert ProposerKind.COUNCILLOR in permissions.proposer_kinds(world.people["councillor"])
    assert ProposerKind.COUNCILLOR not in permissions.proposer_kinds(world.people["officer"])
