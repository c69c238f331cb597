"""The local fund.

The bid in the URLs was proposed by ``resident`` for ``world.ward`` and confirmed as
eligible, so it awaits a decision by the ward's councillor (``councillor``). Fund
officers are our ``officer`` (who holds the fund officer role) and administrators.
"""

from __future__ import annotations

from typing import Any

from engage.funds.models import BidStatus
from tests.access_rules import FORBIDDEN, LOGIN, PUBLIC, SIGNED_IN, STAFF, policy
from tests.fixtures.funds import build_bid, build_fund

PROPOSER_ONLY = policy(
    anonymous=LOGIN,
    other_resident=FORBIDDEN,
    councillor=FORBIDDEN,
    officer=FORBIDDEN,
    administrator=FORBIDDEN,
)
# Anyone involved in a sent bid: its proposer, fund officers and the ward's councillors.
INVOLVED = policy(anonymous=LOGIN, other_resident=FORBIDDEN)
PROPOSER_OR_FUND_OFFICER = policy(anonymous=LOGIN, other_resident=FORBIDDEN, councillor=FORBIDDEN)
WARD_COUNCILLOR = policy(
    anonymous=LOGIN,
    resident=FORBIDDEN,
    other_resident=FORBIDDEN,
    officer=FORBIDDEN,
    administrator=FORBIDDEN,
)
# Only the councillor who approved a bid changes its amount; this one is not approved.
NOBODY = policy(
    anonymous=LOGIN,
    resident=FORBIDDEN,
    other_resident=FORBIDDEN,
    councillor=FORBIDDEN,
    officer=FORBIDDEN,
    administrator=FORBIDDEN,
)

EXPECTED: dict[str, dict[str, str]] = {
    "funds.index GET": PUBLIC,
    "funds.show_fund GET": PUBLIC,
    "funds.register GET": PUBLIC,
    "funds.show_bid GET": INVOLVED,
    "funds.my_bids GET": SIGNED_IN,
    "funds.new_bid GET": SIGNED_IN,
    "funds.new_bid POST": SIGNED_IN,
    "funds.answer GET": PROPOSER_ONLY,
    "funds.answer POST": PROPOSER_ONLY,
    "funds.check_answers GET": PROPOSER_ONLY,
    "funds.submit POST": PROPOSER_ONLY,
    "funds.withdraw GET": PROPOSER_OR_FUND_OFFICER,
    "funds.withdraw POST": PROPOSER_OR_FUND_OFFICER,
    "funds.review GET": STAFF,
    "funds.confirm POST": STAFF,
    "funds.return_bid POST": STAFF,
    "funds.start_delivery POST": STAFF,
    "funds.complete GET": STAFF,
    "funds.complete POST": STAFF,
    "funds.decisions GET": WARD_COUNCILLOR,
    "funds.decide GET": WARD_COUNCILLOR,
    "funds.declare_interest POST": WARD_COUNCILLOR,
    "funds.approve POST": WARD_COUNCILLOR,
    "funds.reject POST": WARD_COUNCILLOR,
    "funds.change_amount GET": NOBODY,
    "funds.change_amount POST": NOBODY,
    "funds.manage GET": STAFF,
    "funds.new_fund GET": STAFF,
    "funds.new_fund POST": STAFF,
    "funds.edit_fund GET": STAFF,
    "funds.edit_fund POST": STAFF,
    "funds.dashboard GET": STAFF,
    "funds.allocations GET": STAFF,
    "funds.allocations POST": STAFF,
    "funds.remove_allocation POST": STAFF,
    "funds.fund_rules GET": STAFF,
    "funds.fund_rules POST": STAFF,
    "funds.bids GET": STAFF,
    "funds.ledger GET": STAFF,
    "funds.exports_page GET": STAFF,
    "funds.export_bids POST": STAFF,
    "funds.export_decisions POST": STAFF,
}


def url_values(world: Any, endpoint: str) -> dict[str, Any]:
    if not endpoint.startswith("funds."):
        return {}
    fund = build_fund([(world.ward, None, 1_000_000)])
    bid = build_bid(
        fund,
        world.people["resident"],
        world.ward,
        status=BidStatus.ELIGIBLE,
        officer=world.people["officer"],
    )
    return {
        "fund_id": fund.id,
        "bid_id": bid.id,
        "allocation_id": fund.allocations[0].id,
        "step": "need",
        "kind": "xlsx",
    }
