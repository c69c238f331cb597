"""Grant rules: pure checks over plain data, one function per rule.

A fund carries its rules as rows (key, plain-English description, enabled, numeric
parameters), so a council switches rules on and off and sets the numbers without a
code change. Each check looks only at the dataclasses below (never at ORM objects) and
answers pass or fail with a reason written for the applicant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from engage.web import format_date
from engage.web import format_money as money


def long_date(day: date) -> str:
    return format_date(datetime.combine(day, time()))


@dataclass(frozen=True)
class BidFacts:
    """What the applicant told us. ``None`` means the question is not answered yet."""

    amount_pence: int
    aims: tuple[str, ...] = ()
    delivered_by_council: bool | None = None
    service: str = ""
    pays_voluntary_organisation: bool | None = None
    is_one_off: bool | None = None
    has_ongoing_costs: bool | None = None
    ongoing_cost_pence: int | None = None
    # The day it was (or, on the check-answers page, would be) submitted.
    submitted_on: date | None = None


@dataclass(frozen=True)
class FundFacts:
    name: str
    opens_on: date
    closes_on: date
    corporate_aims: tuple[str, ...]
    # The most left in any one allocation that could pay for the bid (one allocation
    # pays for a bid), or None when no allocation covers the bid's wards.
    available_pence: int | None
    wards: str = "the wards you chose"


@dataclass(frozen=True)
class RuleSetting:
    """One rule as the fund holds it."""

    key: str
    description: str
    enabled: bool = True
    parameters: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    key: str
    description: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    hint: str = ""


Check = Callable[[BidFacts, FundFacts, Mapping[str, int]], tuple[bool, str]]


def one_off(bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]) -> tuple[bool, str]:
    if bid.is_one_off is None:
        return False, "Tell us whether this is a one-off project."
    if not bid.is_one_off:
        return False, (
            "The fund pays only for one-off projects. You said the project would need "
            "paying for again after it is delivered."
        )
    return True, "It is a one-off project."


def no_revenue_implications(
    bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]
) -> tuple[bool, str]:
    if bid.has_ongoing_costs is None:
        return False, "Tell us whether the project will leave the council with ongoing costs."
    if bid.has_ongoing_costs:
        per_year = (
            f" You said it would cost the council {money(bid.ongoing_cost_pence)} a year."
            if bid.ongoing_cost_pence
            else ""
        )
        return False, (
            "The fund cannot pay for projects that leave the council with running, "
            f"staffing or maintenance costs.{per_year}"
        )
    return True, "It leaves the council with no running, staffing or maintenance costs."


def promotes_corporate_aim(
    bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]
) -> tuple[bool, str]:
    promoted = [aim for aim in fund.corporate_aims if aim in bid.aims]
    if not promoted:
        return False, (
            "Choose at least one of the council's aims that the project promotes. The "
            "fund pays only for projects that promote them."
        )
    return True, f"It promotes: {'; '.join(promoted)}."


def council_service(
    bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]
) -> tuple[bool, str]:
    if not bid.delivered_by_council or not bid.service.strip():
        return False, (
            "The fund pays only for services the council provides. Name the council "
            "service that will deliver the project."
        )
    return True, f"It will be delivered by {bid.service.strip()}."


def not_voluntary_organisation(
    bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]
) -> tuple[bool, str]:
    if bid.pays_voluntary_organisation is None:
        return False, "Tell us whether any of the money would be paid to a voluntary organisation."
    if bid.pays_voluntary_organisation:
        return False, (
            "The fund cannot be granted to voluntary organisations. The money must go to "
            "the council service that delivers the project; a group can still propose it."
        )
    return True, "No money would be paid to a voluntary organisation."


def within_allocation(
    bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]
) -> tuple[bool, str]:
    if fund.available_pence is None:
        return False, f"There is no money in {fund.name} for {fund.wards}."
    if bid.amount_pence > fund.available_pence:
        return False, (
            f"You asked for {money(bid.amount_pence)}, but only "
            f"{money(fund.available_pence)} is left in {fund.name} for {fund.wards}. "
            "Ask for less, or change the costs."
        )
    return True, f"{money(fund.available_pence)} is left for {fund.wards}."


def fund_open(bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]) -> tuple[bool, str]:
    window = f"from {long_date(fund.opens_on)} to {long_date(fund.closes_on)}"
    if bid.submitted_on is None or not fund.opens_on <= bid.submitted_on <= fund.closes_on:
        return False, f"Bids to {fund.name} can be sent only {window}."
    return True, f"Bids can be sent {window}."


def amount_limits(
    bid: BidFacts, fund: FundFacts, parameters: Mapping[str, int]
) -> tuple[bool, str]:
    least = parameters.get("minimum_pence") or 0
    most = parameters.get("maximum_pence") or 0
    limits = " and ".join(
        part
        for part in (
            f"at least {money(least)}" if least else "",
            f"at most {money(most)}" if most else "",
        )
        if part
    )
    if not limits:
        return True, "There is no smallest or largest amount."
    if bid.amount_pence < least or (most and bid.amount_pence > most):
        return False, f"Bids must be for {limits}. You asked for {money(bid.amount_pence)}."
    return True, f"Bids must be for {limits}."


@dataclass(frozen=True)
class RuleSpec:
    key: str
    description: str
    check: Check
    parameters: tuple[Parameter, ...] = ()
    defaults: Mapping[str, int] = field(default_factory=dict)


# The standard set, in the order applicants see them. New funds start with all of
# these switched on; councils switch them off or change the numbers per fund.
STANDARD_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("fund_open", "The bid is sent while the fund is open for bids.", fund_open),
    RuleSpec(
        "one_off", "It is a one-off project, with no recurring costs after delivery.", one_off
    ),
    RuleSpec(
        "no_revenue_implications",
        "It has no revenue implications: no ongoing running, staffing or maintenance "
        "cost to the council.",
        no_revenue_implications,
    ),
    RuleSpec(
        "promotes_corporate_aim",
        "It promotes at least one of the council's corporate aims.",
        promotes_corporate_aim,
    ),
    RuleSpec(
        "council_service",
        "It is for a service provided by the council, delivered by a named council service.",
        council_service,
    ),
    RuleSpec(
        "not_voluntary_organisation",
        "The grant is not paid to a voluntary organisation.",
        not_voluntary_organisation,
    ),
    RuleSpec(
        "within_allocation",
        "The amount fits within what is left of the allocation.",
        within_allocation,
    ),
    RuleSpec(
        "amount_limits",
        "The amount is at least the minimum and at most the maximum for a bid.",
        amount_limits,
        parameters=(
            Parameter("minimum_pence", "Smallest amount a bid can ask for", "Leave blank for none"),
            Parameter("maximum_pence", "Largest amount a bid can ask for", "Leave blank for none"),
        ),
        defaults={"minimum_pence": 25_000, "maximum_pence": 500_000},
    ),
)
SPECS: dict[str, RuleSpec] = {spec.key: spec for spec in STANDARD_RULES}


def evaluate(settings: Sequence[RuleSetting], bid: BidFacts, fund: FundFacts) -> list[RuleResult]:
    """Every enabled rule's result, in the fund's order. Unknown keys (a rule from a
    newer version, say) fail safe: the bid cannot pass a rule we cannot check."""
    results = []
    for setting in settings:
        if not setting.enabled:
            continue
        spec = SPECS.get(setting.key)
        if spec is None:
            results.append(
                RuleResult(setting.key, setting.description, False, "This rule cannot be checked.")
            )
            continue
        passed, reason = spec.check(bid, fund, setting.parameters)
        results.append(RuleResult(setting.key, setting.description, passed, reason))
    return results


def failures(results: Sequence[RuleResult]) -> list[RuleResult]:
    return [result for result in results if not result.passed]
