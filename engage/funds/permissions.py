"""Who may do what with the local fund. Pure functions of the person and the bid.

Fund officers are people with the fund officer role, and administrators. Councillors
decide bids for wards they represent, never their own bids, and never a bid in which
they have declared an interest (Nolan principles: integrity and objectivity).
"""

from __future__ import annotations

from typing import Any

from engage.accounts.models import Role
from engage.funds.models import EDITABLE_STATUSES, PUBLIC_STATUSES, Bid, BidStatus, ProposerKind


def is_fund_officer(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.has_role(Role.FUND_OFFICER) or user.is_administrator)
    )


def can_manage_funds(user: Any) -> bool:
    """Create funds, set allocations and rules, see dashboards and export."""
    return is_fund_officer(user)


def can_start_bid(user: Any) -> bool:
    return bool(user.is_authenticated and user.email_confirmed)


def proposer_kinds(user: Any) -> list[ProposerKind]:
    """Whom this person may bid as: anyone for themselves or a community group,
    officers for their service, councillors for their ward."""
    kinds = [ProposerKind.RESIDENT, ProposerKind.COMMUNITY_GROUP]
    if user.is_officer or user.is_administrator:
        kinds.append(ProposerKind.OFFICER)
    if user.is_councillor and user.represented_wards:
        kinds.append(ProposerKind.COUNCILLOR)
    return kinds


def is_proposer(user: Any, bid: Bid) -> bool:
    return bool(user.is_authenticated and bid.proposer_id == user.id)


def represents_bid_ward(user: Any, bid: Bid) -> bool:
    if not (user.is_authenticated and user.is_councillor):
        return False
    represented = {ward.id for ward in user.represented_wards}
    return any(ward.id in represented for ward in bid.wards)


def can_view_bid(user: Any, bid: Bid) -> bool:
    """Grants the council has made are public; otherwise the proposer, officers and
    the ward's councillors, and nobody else sees a draft."""
    if bid.status in PUBLIC_STATUSES or is_proposer(user, bid):
        return True
    if not user.is_authenticated or bid.status is BidStatus.DRAFT:
        return False
    return bool(user.is_officer or user.is_administrator or represents_bid_ward(user, bid))


def can_see_private_details(user: Any, bid: Bid) -> bool:
    """The proposer's name, officers' review comments and the bid's history."""
    if not user.is_authenticated:
        return False
    return is_proposer(user, bid) or (
        bid.status is not BidStatus.DRAFT
        and bool(user.is_officer or user.is_administrator or represents_bid_ward(user, bid))
    )


def can_edit_bid(user: Any, bid: Bid) -> bool:
    return is_proposer(user, bid) and bid.status in EDITABLE_STATUSES


def can_review_bid(user: Any, bid: Bid) -> bool:
    return is_fund_officer(user) and not is_proposer(user, bid)


def can_declare_interest(user: Any, bid: Bid) -> bool:
    return represents_bid_ward(user, bid) and not is_proposer(user, bid)


def has_declared_interest(user: Any, bid: Bid) -> bool:
    return any(d.councillor_id == user.id and d.has_interest for d in bid.interests)


def has_declared_no_interest(user: Any, bid: Bid) -> bool:
    mine = [d for d in bid.interests if d.councillor_id == user.id]
    return bool(mine) and not any(d.has_interest for d in mine)


def can_decide_bid(user: Any, bid: Bid) -> bool:
    """A councillor for the bid's ward who did not propose it and has declared no
    interest in it (the declaration itself is asked for before deciding)."""
    return can_declare_interest(user, bid) and not has_declared_interest(user, bid)


def can_change_amount(user: Any, bid: Bid) -> bool:
    return bool(
        user.is_authenticated
        and bid.decided_by_id == user.id
        and bid.status in (BidStatus.APPROVED, BidStatus.IN_DELIVERY)
        and can_decide_bid(user, bid)
    )


def can_see_decisions(user: Any) -> bool:
    """The councillor's list of bids awaiting their decision."""
    return bool(user.is_authenticated and user.is_councillor)


def can_manage_delivery(user: Any) -> bool:
    return is_fund_officer(user)


def can_withdraw_bid(user: Any, bid: Bid) -> bool:
    """The proposer until a decision; fund officers until it is finished (money
    already approved goes back to the allocation)."""
    if bid.status in (BidStatus.REJECTED, BidStatus.COMPLETED, BidStatus.WITHDRAWN):
        return False
    if is_fund_officer(user) and bid.status is not BidStatus.DRAFT:
        return True
    return is_proposer(user, bid) and bid.status in (
        BidStatus.DRAFT,
        BidStatus.SUBMITTED,
        BidStatus.RETURNED,
        BidStatus.ELIGIBLE,
    )
