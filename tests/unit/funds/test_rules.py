"""Every grant rule with a bid that passes and bids that fail, and how a fund's rule
settings (on, off, numbers, unknown keys) are applied. Pure functions: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from engage.funds import rules
from engage.funds.rules import BidFacts, FundFacts, RuleSetting

FUND = FundFacts(
    name="Local Fund 2026/27",
    opens_on=date(2026, 4, 1),
    closes_on=date(2027, 1, 31),
    corporate_aims=("Safer streets", "Healthier lives"),
    available_pence=500_000,
    wards="Riverside East",
)
GOOD = BidFacts(
    amount_pence=200_000,
    aims=("Safer streets",),
    delivered_by_council=True,
    service="Highways",
    pays_voluntary_organisation=False,
    is_one_off=True,
    has_ongoing_costs=False,
    ongoing_cost_pence=None,
    submitted_on=date(2026, 11, 30),
)
LIMITS = {"minimum_pence": 25_000, "maximum_pence": 500_000}


def check(key: str, bid: BidFacts, fund: FundFacts = FUND, **parameters: int) -> tuple[bool, str]:
    return rules.SPECS[key].check(bid, fund, parameters)


def test_a_good_bid_meets_every_standard_rule() -> None:
    settings = [
        RuleSetting(s.key, s.description, True, dict(s.defaults)) for s in rules.STANDARD_RULES
    ]
    results = rules.evaluate(settings, GOOD, FUND)
    assert [r.key for r in results] == [s.key for s in rules.STANDARD_RULES]
    assert rules.failures(results) == []


@pytest.mark.parametrize(
    ("key", "bid", "passes", "reason_part"),
    [
        ("one_off", GOOD, True, "one-off project"),
        ("one_off", replace(GOOD, is_one_off=False), False, "only for one-off projects"),
        ("one_off", replace(GOOD, is_one_off=None), False, "Tell us whether"),
        ("no_revenue_implications", GOOD, True, "no running"),
        (
            "no_revenue_implications",
            replace(GOOD, has_ongoing_costs=True, ongoing_cost_pence=120_000),
            False,
            "£1,200 a year",
        ),
        ("no_revenue_implications", replace(GOOD, has_ongoing_costs=None), False, "Tell us"),
        ("promotes_corporate_aim", GOOD, True, "Safer streets"),
        ("promotes_corporate_aim", replace(GOOD, aims=()), False, "at least one"),
        ("promotes_corporate_aim", replace(GOOD, aims=("Not an aim",)), False, "at least one"),
        ("council_service", GOOD, True, "delivered by Highways"),
        ("council_service", replace(GOOD, delivered_by_council=False), False, "council provides"),
        ("council_service", replace(GOOD, service="  "), False, "Name the council service"),
        ("not_voluntary_organisation", GOOD, True, "No money"),
        (
            "not_voluntary_organisation",
            replace(GOOD, pays_voluntary_organisation=True),
            False,
            "cannot be granted to voluntary organisations",
        ),
        (
            "not_voluntary_organisation",
            replace(GOOD, pays_voluntary_organisation=None),
            False,
            "Tell us",
        ),
        ("within_allocation", GOOD, True, "£5,000 is left for Riverside East"),
        ("within_allocation", replace(GOOD, amount_pence=500_000), True, "left"),
        ("within_allocation", replace(GOOD, amount_pence=500_001), False, "only £5,000 is left"),
        ("fund_open", GOOD, True, "from 1 April 2026 to 31 January 2027"),
        ("fund_open", replace(GOOD, submitted_on=date(2026, 4, 1)), True, "from"),
        ("fund_open", replace(GOOD, submitted_on=date(2027, 1, 31)), True, "from"),
        ("fund_open", replace(GOOD, submitted_on=date(2027, 2, 1)), False, "can be sent only"),
        ("fund_open", replace(GOOD, submitted_on=date(2026, 3, 31)), False, "can be sent only"),
        ("fund_open", replace(GOOD, submitted_on=None), False, "can be sent only"),
    ],
)
def test_each_rule_passes_or_fails_with_a_reason(
    key: str, bid: BidFacts, passes: bool, reason_part: str
) -> None:
    passed, reason = check(key, bid)
    assert passed is passes
    assert reason_part in reason


def test_no_allocation_for_the_wards_fails_the_allocation_rule() -> None:
    passed, reason = check("within_allocation", GOOD, replace(FUND, available_pence=None))
    assert not passed
    assert "no money in Local Fund 2026/27 for Riverside East" in reason


@pytest.mark.parametrize(
    ("amount", "passes"),
    [(24_999, False), (25_000, True), (500_000, True), (500_001, False)],
)
def test_amount_limits_include_both_ends(amount: int, passes: bool) -> None:
    passed, reason = check("amount_limits", replace(GOOD, amount_pence=amount), **LIMITS)
    assert passed is passes
    assert "at least £250 and at most £5,000" in reason


def test_amount_limits_with_only_a_minimum_or_none() -> None:
    assert check("amount_limits", replace(GOOD, amount_pence=10**9), minimum_pence=100)[0]
    assert not check("amount_limits", replace(GOOD, amount_pence=99), minimum_pence=100)[0]
    passed, reason = check("amount_limits", replace(GOOD, amount_pence=1))
    assert passed and "no smallest or largest" in reason


def test_switched_off_rules_are_not_checked() -> None:
    settings = [
        RuleSetting("one_off", "One-off", enabled=False),
        RuleSetting("council_service", "Council service", enabled=True),
    ]
    results = rules.evaluate(settings, replace(GOOD, is_one_off=False), FUND)
    assert [r.key for r in results] == ["council_service"]
    assert rules.failures(results) == []


def test_a_rule_the_code_does_not_know_fails_safe() -> None:
    results = rules.evaluate([RuleSetting("newer_rule", "A rule from elsewhere")], GOOD, FUND)
    assert [(r.passed, r.reason) for r in results] == [(False, "This rule cannot be checked.")]


def test_the_numbers_a_council_sets_are_used() -> None:
    settings = [RuleSetting("amount_limits", "Limits", True, {"minimum_pence": 300_000})]
    [result] = rules.evaluate(settings, GOOD, FUND)
    assert not result.passed
    assert "at least £3,000" in result.reason
