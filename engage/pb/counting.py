"""The participatory-budgeting count: pure functions over plain data.

Everything here works on the frozen dataclasses below (no ORM, no Flask), so the
rules can be checked against real elections (Pabulib) and against pabutools.

Rules (``RULES``):

- ``greedy``: projects in descending score order; each project that fits in what is
  left of the budget is funded, the others are skipped.
- ``greedy-no-skip``: as greedy, but counting stops at the first project that does
  not fit.
- ``greedy-threshold``: as greedy, but only projects whose score reaches
  ``Election.min_project_score_threshold`` can be funded.
- ``equalshares``: the Method of Equal Shares with cost utilities (approval-like
  ballots only). Each voter controls ``budget / voters``; a project can be bought
  when its supporters' remaining money covers its cost; each round buys the project
  whose supporters pay the least per unit of cost, everyone paying the same unless
  they have less left (then they pay all they have).
- ``equalshares/add1``: Equal Shares at the real budget, then again with the virtual
  budget ``floor(budget / voters) * voters`` raised by one unit per voter at a time,
  counted afresh each time; the outcome kept is the last one before the first whose
  cost exceeds the real budget (as equalshares.net and pabulib-checker do).
- ``equalshares/add1-comparison``: add1, then each voter compares it with the plain
  greedy outcome (which funds more of the projects they approved); greedy replaces
  Equal Shares only if strictly more voters are better off under greedy.

Scores: approvals for approval and choose-1 ballots; points for cumulative ballots;
for ordinal (ranked) ballots, by default a ballot ranking L projects gives L points to
its first choice, L - 1 to its second, ..., 1 to its last (``Election.ordinal_points``
can instead fix the first choice's points, n, n - 1, ... never below 1, and ranked
ballots given with ``points`` score those points, as a file's points column). With
Kraków's three choices that is 3-2-1, which reproduces the official ``score`` column
of all three Kraków files; it also reproduces the Seattle 2019 file's scores (ballots
of 1 to 10 choices) and is how pabulib-checker counts ranked scores.

Ties (deterministic):

- greedy rules: equal scores are taken in ``Election.projects`` order, earlier first
  (pabulib files keep their row order; Engage lists cheaper projects first);
- Equal Shares: equal payment per unit of cost goes to the lower cost, then the
  project with more approvals, then the one listed earlier.

Arithmetic is exact: money is integer units; Equal Shares keeps every voter's
remaining money as an integer over a common denominator (see ``equal_shares``).
Floats are used only to order work and to word explanations, never to decide.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "equalshares",
    "equalshares/add1",
    "equalshares/add1-comparison",
)
VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal")
# Equal Shares shares money between approvals, so it needs approval-like ballots.
APPROVAL_LIKE = ("approval", "choose-1")
EQUAL_SHARES_RULES = ("equalshares", "equalshares/add1", "equalshares/add1-comparison")
GREEDY_RULES = ("greedy", "greedy-no-skip", "greedy-threshold")

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@dataclass(frozen=True)
class Project:
    id: str
    cost: int
    name: str = ""


@dataclass(frozen=True)
class Election:
    """One count's input.

    ``ballots`` holds one tuple of project ids per voter: the approved projects
    (approval, choose-1), the projects given points (cumulative, with ``points``
    parallel to ``ballots``), or the ranking best first (ordinal). Money (``cost``,
    ``budget``) is in whole units; ``minor_units`` says how many make one unit of
    ``currency`` (100 pence to the pound) and only affects the wording of explanations.
    """

    projects: tuple[Project, ...]
    ballots: Sequence[tuple[str, ...]]
    budget: int
    vote_type: str = "approval"
    points: Sequence[tuple[int, ...]] | None = None
    min_project_score_threshold: int = 0
    # Ordinal ballots without points: points for a first choice (0: each ballot's own
    # length). Ordinal ballots with points (from a file) score those points.
    ordinal_points: int = 0
    currency: str = "GBP"
    minor_units: int = 100


@dataclass(frozen=True)
class Verdict:
    project_id: str
    funded: bool
    score: int
    rank: int
    explanation: str


@dataclass(frozen=True)
class Outcome:
    rule: str
    selected: tuple[str, ...]
    verdicts: Mapping[str, Verdict]
    spent: int
    # A plain-English paragraph about the count as a whole (the rule, and for add1
    # the final share per voter, for the comparison step who preferred what).
    summary: str = ""


def applicable_rules(vote_type: str) -> tuple[str, ...]:
    """The rules that can count ballots of this type (Equal Shares only for
    approval-like ballots)."""
    if vote_type not in VOTE_TYPES:
        raise ValueError(f"Unknown ballot type {vote_type!r}; expected one of {VOTE_TYPES}")
    if vote_type in APPROVAL_LIKE:
        return RULES
    return GREEDY_RULES


def count(election: Election, rule: str) -> Outcome:
    """Count ``election`` under ``rule``. Raises ``ValueError`` with a clear message for
    an unknown rule, a rule that does not suit the ballot type, or malformed input."""
    if rule not in RULES:
        raise ValueError(f"Unknown counting rule {rule!r}; expected one of {RULES}")
    if rule not in applicable_rules(election.vote_type):
        raise ValueError(
            f"The rule {rule!r} needs approval or choose-1 ballots, "
            f"not {election.vote_type!r} ballots"
        )
    tally = _Tally.build(election)
    if rule in GREEDY_RULES:
        return _greedy_outcome(tally, rule)
    return _equal_shares_outcome(tally, rule)


def compare(election: Election, rules: Sequence[str] | None = None) -> dict[str, Outcome]:
    """Count the same ballots under every applicable rule (or just ``rules``), in
    ``RULES`` order.

    ``greedy-threshold`` is left out when the threshold is 0 (it would repeat
    ``greedy``). Ballots are read once and shared between the rules, and the add-one
    completion is counted once for both add1 rules. Cost: the add1 rules recount
    Equal Shares once per step, which takes seconds to a minute on approval files of
    tens of thousands of distinct ballots (Warsaw 2026); pass ``rules`` to leave them
    out where that matters."""
    tally = _Tally.build(election)
    outcomes: dict[str, Outcome] = {}
    for rule in applicable_rules(election.vote_type):
        if rules is not None and rule not in rules:
            continue
        if rule == "greedy-threshold" and election.min_project_score_threshold <= 0:
            continue
        if rule in GREEDY_RULES:
            outcomes[rule] = _greedy_outcome(tally, rule)
        else:
            outcomes[rule] = _equal_shares_outcome(tally, rule)
    return outcomes


def scores(election: Election) -> dict[str, int]:
    """Each project's score (approvals, points, or ranked points), by project id."""
    tally = _Tally.build(election)
    return {p.id: tally.scores[j] for j, p in enumerate(election.projects)}


# --- reading the ballots once -------------------------------------------------------


@dataclass
class _Tally:
    """Ballots reduced to what the rules need: projects as indices, identical
    ballots merged into weighted classes, scores per project."""

    election: Election
    costs: list[int]
    scores: list[int]
    approvals: list[int]
    # Approval-like ballots only: (number of voters, sorted project indices).
    classes: list[tuple[int, tuple[int, ...]]]
    voters: int
    score_order: list[int]
    # supporters[j]: indices into ``classes`` of the classes approving project j.
    supporters: list[list[int]]
    # rank[j]: 1 for the highest score (ties in listed order).
    rank: list[int]
    # The add-one completion's result, kept so compare() counts it once.
    completed: tuple[list[_Round], int] | None = None
    numpy: tuple[list[np.ndarray], list[np.ndarray]] | None = None

    @classmethod
    def build(cls, election: Election) -> _Tally:
        if election.vote_type not in VOTE_TYPES:
            raise ValueError(
                f"Unknown ballot type {election.vote_type!r}; expected one of {VOTE_TYPES}"
            )
        if election.budget < 0:
            raise ValueError("The budget cannot be negative")
        index: dict[str, int] = {}
        for j, project in enumerate(election.projects):
            if project.id in index:
                raise ValueError(f"Project {project.id!r} is listed twice")
            if project.cost < 0:
                raise ValueError(f"Project {project.id!r} has a negative cost")
            index[project.id] = j
        m = len(election.projects)
        scores = [0] * m
        approvals = [0] * m
        classes: Counter[tuple[int, ...]] = Counter()
        approval_like = election.vote_type in APPROVAL_LIKE
        ordinal = election.vote_type == "ordinal"
        # Ranked ballots may carry the points each choice earned (as a .pb file can).
        if election.vote_type == "cumulative" or (ordinal and election.points is not None):
            if election.points is None or len(election.points) != len(election.ballots):
                raise ValueError("Cumulative ballots need points for every ballot")
            weighted: Counter[tuple[tuple[str, ...], tuple[int, ...]]] = Counter(
                zip(election.ballots, election.points, strict=True)
            )
            for (ballot, points), n in weighted.items():
                if len(points) != len(ballot):
                    raise ValueError(f"Ballot {ballot!r} has {len(points)} points values")
                for pid, value in zip(ballot, points, strict=True):
                    j = _index_of(index, pid)
                    if value < 0:
                        raise ValueError(f"Ballot {ballot!r} gives negative points")
                    scores[j] += n * value
                    approvals[j] += n
        else:
            merged: Counter[tuple[str, ...]] = Counter(election.ballots)
            for ballot, n in merged.items():
                try:
                    indices = tuple(map(index.__getitem__, ballot))
                except KeyError:
                    indices = tuple(_index_of(index, pid) for pid in ballot)
                top = election.ordinal_points or len(indices)
                if len(set(indices)) != len(indices):
                    raise ValueError(f"Ballot {ballot!r} names a project twice")
                if election.vote_type == "choose-1" and len(indices) > 1:
                    raise ValueError(f"Ballot {ballot!r} chooses more than one project")
                for position, j in enumerate(indices):
                    approvals[j] += n
                    scores[j] += n * (max(top - position, 1) if ordinal else 1)
                if approval_like:
                    classes[tuple(sorted(indices))] += n
        # Descending score; ties keep the listed order (earlier first).
        order = sorted(range(m), key=lambda j: -scores[j])
        rank = [0] * m
        for position, j in enumerate(order, start=1):
            rank[j] = position
        weighted_classes = [(n, key) for key, n in classes.items() if key]
        supporters: list[list[int]] = [[] for _ in range(m)]
        for k, (_, key) in enumerate(weighted_classes):
            for j in key:
                supporters[j].append(k)
        return cls(
            election=election,
            costs=[p.cost for p in election.projects],
            scores=scores,
            approvals=approvals,
            classes=weighted_classes,
            voters=len(election.ballots),
            score_order=order,
            supporters=supporters,
            rank=rank,
        )

    def money(self, amount: Fraction | int) -> str:
        return format_money(amount, self.election.currency, self.election.minor_units)

    def score_words(self, score: int) -> str:
        vote_type = self.election.vote_type
        if vote_type in APPROVAL_LIKE:
            return f"{score:,} vote{'' if score == 1 else 's'}"
        return f"{score:,} point{'' if score == 1 else 's'}"

    def rank_words(self, j: int) -> str:
        return f"ranked {self.rank[j]} of {len(self.costs)} by {self.score_name}"

    def arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per project, its supporting classes and their numbers of voters (numpy
        arrays for Equal Shares' bulk counting; float64 holds counts exactly)."""
        if self.numpy is None:
            weights = np.array([n for n, _ in self.classes], dtype=np.float64)
            supporters = [np.array(k, dtype=np.int64) for k in self.supporters]
            self.numpy = (supporters, [weights[k] for k in supporters])
        return self.numpy

    def add_one(self) -> tuple[list[_Round], int]:
        if self.completed is None:
            self.completed = add_one(self)
        return self.completed

    @property
    def score_name(self) -> str:
        return "votes" if self.election.vote_type in APPROVAL_LIKE else "points"


def _index_of(index: Mapping[str, int], project_id: str) -> int:
    try:
        return index[project_id]
    except KeyError:
        raise ValueError(f"A ballot names {project_id!r}, which is not a project") from None


def format_money(amount: Fraction | int, currency: str, minor_units: int) -> str:
    """``12345`` pence -> ``£123.45``; whole amounts drop the pence (``£1,200``)."""
    value = Fraction(amount) / minor_units
    whole = value.numerator // value.denominator
    if value == whole:
        text = f"{whole:,}"
    else:
        # Explanations only: round to the smallest displayed unit.
        digits = max(len(str(minor_units)) - 1, 2)
        text = f"{float(value):,.{digits}f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol:
        return f"{symbol}{text}"
    return f"{text} {currency}".strip()


# --- greedy rules -------------------------------------------------------------------


def _greedy_selection(tally: _Tally, rule: str) -> tuple[list[int], dict[int, str]]:
    """The greedy selection and, per project, why (before the rank is added)."""
    election = tally.election
    threshold = election.min_project_score_threshold if rule == "greedy-threshold" else 0
    remaining = election.budget
    selected: list[int] = []
    reasons: dict[int, str] = {}
    stopped_at: int | None = None
    for j in tally.score_order:
        cost = tally.costs[j]
        if stopped_at is not None:
            reasons[j] = (
                "Not funded: counting stopped before reaching it, because "
                f"{_name(election.projects[stopped_at])} did not fit in the "
                "remaining budget and this rule stops at the first project that does not fit."
            )
        elif tally.scores[j] < threshold:
            reasons[j] = (
                f"Not funded: it needed at least {tally.score_words(threshold)} to be "
                f"eligible and had {tally.score_words(tally.scores[j])}."
            )
        elif cost <= remaining:
            reasons[j] = (
                f"Funded: when it was reached {tally.money(remaining)} of the budget was "
                f"left and it cost {tally.money(cost)}, leaving {tally.money(remaining - cost)}."
            )
            remaining -= cost
            selected.append(j)
        else:
            reasons[j] = (
                f"Not funded: when it was reached only {tally.money(remaining)} of the "
                f"budget was left and it cost {tally.money(cost)}."
            )
            if rule == "greedy-no-skip":
                stopped_at = j
    return selected, reasons


def _greedy_outcome(tally: _Tally, rule: str) -> Outcome:
    selected, reasons = _greedy_selection(tally, rule)
    election = tally.election
    summary = {
        "greedy": "Projects were funded in order of {s}, skipping any that no longer fit.",
        "greedy-no-skip": "Projects were funded in order of {s} until one did not fit.",
        "greedy-threshold": "Projects were funded in order of {s}, skipping any that no "
        "longer fit; only projects with at least {t} could be funded.",
    }[rule].format(s=tally.score_name, t=tally.score_words(election.min_project_score_threshold))
    return _outcome(tally, rule, selected, reasons, summary)


def _outcome(
    tally: _Tally, rule: str, selected: list[int], reasons: Mapping[int, str], summary: str
) -> Outcome:
    election = tally.election
    chosen = set(selected)
    verdicts = {}
    for j, project in enumerate(election.projects):
        verdicts[project.id] = Verdict(
            project_id=project.id,
            funded=j in chosen,
            score=tally.scores[j],
            rank=tally.rank[j],
            explanation=(
                f"{tally.score_words(tally.scores[j]).capitalize()}, {tally.rank_words(j)}. "
                f"{reasons[j]}"
            ),
        )
    return Outcome(
        rule=rule,
        selected=tuple(election.projects[j].id for j in selected),
        verdicts=verdicts,
        spent=sum(tally.costs[j] for j in selected),
        summary=summary,
    )


def _name(project: Project) -> str:
    return f"“{project.name}”" if project.name else f"project {project.id}"


# --- Method of Equal Shares ---------------------------------------------------------


@dataclass
class _Round:
    project: int
    # What each supporter paid at most (those with less paid all they had).
    payment: Fraction


def equal_shares(tally: _Tally, total: int, stop_above: int | None = None) -> list[_Round]:
    """Equal Shares with cost utilities, every voter starting with ``total / voters``.

    Exact and fast:

    - Voters with the same approvals always hold the same amount, so they are one
      weighted class; each distinct amount held is stored once (a "level").
    - All amounts are integers over one common denominator ``scale``: a payment is
      ``(cost - what capped supporters pay) / the others``, so after a round the
      denominator grows by that divisor (over its common factors). A level stores its
      numerator over the scale of the round that made it (its "epoch") and is scaled
      up when read, so a round does not rescale every level. Payments are integer
      arithmetic, with no ``Fraction`` normalisation in the inner loops.
    - A project's "worth" (cost / the most a supporter pays; higher is better) can
      only fall as voters spend, so projects are examined best last-known first and
      the search stops once none can beat the best found (as equalshares.net's
      reference code does). That test compares correctly rounded floats strictly,
      which is exact: rounding keeps order. Every choice between projects is an
      exact integer comparison. Ties: lower cost, then more approvals, then listed
      first.

    ``stop_above``: give up, returning what was bought so far, once the cost bought
    exceeds it (the add-one completion stops there anyway).
    """
    voters = tally.voters
    if voters == 0:
        return []
    costs = tally.costs
    scale = voters
    # Levels: id -> amount * (the scale of its epoch). Level 0 is "nothing left"
    # (such voters pay nothing); everyone starts at level 1.
    levels: list[int] = [0, total]
    epoch_of: list[int] = [0, 0]
    # up[e]: what turns an amount over epoch e's scale into one over today's scale.
    epoch_scales = [scale]
    up = [1]
    supporters, weights = tally.arrays()
    class_level = np.ones(len(tally.classes), dtype=np.int64)
    # Each remaining project's last known worth, correctly rounded to a float (before
    # any purchase, its number of supporters): an upper bound, since worth only falls.
    bound: dict[int, float] = {j: float(tally.approvals[j]) for j in _fundable(tally)}
    rounds: list[_Round] = []
    bought = 0
    while bound:
        best = -1
        best_worth = (0, 1)
        best_float = 0.0
        best_split = (0, 1)
        for j in sorted(bound, key=bound.__getitem__, reverse=True):
            # Stop once the rest cannot beat the best. Exact despite the floats: correct
            # rounding keeps order, so a float strictly below the best's float is
            # strictly below the best, and so is everything after it in this order.
            if best >= 0 and bound[j] < best_float:
                break
            # How many of j's supporters hold each amount (before any purchase, all
            # hold the starting share). Counts are exact in float64 (below 2**53).
            if rounds:
                held = class_level[supporters[j]]
                counts = np.bincount(held, weights=weights[j])
                ids = np.flatnonzero(counts)
                holding = dict(
                    zip(ids.tolist(), counts[ids].astype(np.int64).tolist(), strict=True)
                )
            else:
                holding = {1: tally.approvals[j]}
            split = _payment(
                costs[j] * scale,
                sorted((levels[level] * up[epoch_of[level]], n) for level, n in holding.items()),
            )
            if split is None:
                del bound[j]
                continue
            # worth = cost / (share / payers) = cost * scale * payers / share
            value = (costs[j] * scale * split[1], split[0])
            bound[j] = value[0] / value[1]
            if best < 0:
                better = True
            else:
                left, right = value[0] * best_worth[1], best_worth[0] * value[1]
                better = left > right or (left == right and _beats_on_tie(tally, j, best))
            if better:
                best, best_worth, best_split = j, value, split
                best_float = bound[j]
        if best < 0:
            break
        del bound[best]
        # Each uncapped supporter pays share / payers (over scale).
        share, payers = best_split
        rounds.append(_Round(best, Fraction(share, payers * scale)))
        bought += costs[best]
        if stop_above is not None and bought > stop_above:
            break
        factor = payers // math.gcd(share, payers)
        if factor > 1:
            scale *= factor
            epoch_scales.append(scale)
            up = [scale // old for old in epoch_scales]
        epoch = len(epoch_scales) - 1
        payment = share * factor // payers
        # Supporters pay: each amount they hold becomes a new amount (or nothing).
        paying = supporters[best]
        held = class_level[paying]
        remap = np.arange(len(levels), dtype=np.int64)
        for level in np.unique(held).tolist():
            money = levels[level] * up[epoch_of[level]]
            if money > payment:
                remap[level] = len(levels)
                levels.append(money - payment)
                epoch_of.append(epoch)
            else:
                remap[level] = 0
        class_level[paying] = remap[held]
    return rounds


def _payment(cost: int, items: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """How a project's supporters would pay ``cost``, given ``(amount, voters)`` for
    what they hold in ascending order (all over the same scale): ``(share, payers)``
    where each of the ``payers`` supporters with enough money pays ``share / payers``
    and the others pay all they hold; None if even all they hold falls short."""
    paid = 0
    payers = sum(n for _, n in items)
    for money, n in items:
        # Everyone left pays (cost - paid) / payers, unless that is more than they hold.
        if cost - paid <= money * payers:
            return cost - paid, payers
        paid += money * n
        payers -= n
    return None


def _beats_on_tie(tally: _Tally, j: int, other: int) -> bool:
    """Equal Shares tie-break: lower cost, then more approvals, then listed earlier."""
    return (tally.costs[j], -tally.approvals[j], j) < (
        tally.costs[other],
        -tally.approvals[other],
        other,
    )


def add_one(tally: _Tally) -> tuple[list[_Round], int]:
    """Equal Shares completed by the add-one method: the rounds kept and the virtual
    budget they were counted with.

    Each step is counted afresh (an outcome at a larger virtual budget need not extend
    the previous one, and the cost is not monotone, so no bisection). A step stops as
    soon as what it bought exceeds the real budget, because that step ends the search.
    """
    budget = tally.election.budget
    rounds = equal_shares(tally, budget)
    virtual = budget
    if tally.voters == 0:
        return rounds, virtual
    step = (budget // tally.voters) * tally.voters
    fundable = len(_fundable(tally))
    while True:
        step += tally.voters
        trial = equal_shares(tally, step, stop_above=budget)
        cost = sum(tally.costs[r.project] for r in trial)
        if cost > budget:
            break
        rounds, virtual = trial, step
        # Everything fundable bought within the budget: no later step can exceed the
        # budget, so the reference loop would never end; a larger budget adds nothing.
        if len(trial) == fundable:
            break
    return rounds, virtual


def _fundable(tally: _Tally) -> list[int]:
    return [j for j, c in enumerate(tally.costs) if c > 0 and tally.approvals[j]]


def _equal_shares_outcome(tally: _Tally, rule: str) -> Outcome:
    election = tally.election
    if rule == "equalshares":
        rounds, virtual = equal_shares(tally, election.budget), election.budget
    else:
        rounds, virtual = tally.add_one()
    selected = [r.project for r in rounds]
    summary = (
        f"Method of Equal Shares: each of the {tally.voters:,} voters controlled an equal "
        f"share of {tally.money(Fraction(virtual, max(tally.voters, 1)))}"
    )
    if virtual != election.budget:
        summary += (
            f" (the budget was raised by {tally.money(1)} per voter at a time, to "
            f"{tally.money(virtual)}: the last step at which the projects bought still fit "
            f"the real budget of {tally.money(election.budget)})"
        )
    summary += (
        ". In each round the project whose supporters would pay the least for each "
        f"{tally.money(election.minor_units)} of its cost was bought, its supporters "
        "sharing the cost equally (those with less left paying all they had)."
    )
    if rule == "equalshares/add1-comparison":
        greedy, _ = _greedy_selection(tally, "greedy")
        for_greedy, for_shares = _preferences(tally, greedy, selected)
        if for_greedy > for_shares:
            greedy_outcome = _greedy_outcome(tally, "greedy")
            return Outcome(
                rule=rule,
                selected=greedy_outcome.selected,
                verdicts=greedy_outcome.verdicts,
                spent=greedy_outcome.spent,
                summary=(
                    f"{summary} {for_greedy:,} voters had more of their projects funded by "
                    f"most votes first and {for_shares:,} by Equal Shares, so the "
                    f"most-votes outcome was used. {greedy_outcome.summary}"
                ),
            )
        summary += (
            f" {for_shares:,} voters had more of their projects funded by Equal Shares "
            f"and {for_greedy:,} by most votes first, so Equal Shares was kept."
        )
    reasons = _equal_shares_reasons(tally, rounds, virtual)
    return _outcome(tally, rule, selected, reasons, summary)


def _preferences(tally: _Tally, greedy: list[int], shares: list[int]) -> tuple[int, int]:
    """How many voters have more of their approved projects funded under each outcome."""
    in_greedy, in_shares = set(greedy), set(shares)
    for_greedy = for_shares = 0
    for n, key in tally.classes:
        a = sum(1 for j in key if j in in_greedy)
        b = sum(1 for j in key if j in in_shares)
        if a > b:
            for_greedy += n
        elif b > a:
            for_shares += n
    return for_greedy, for_shares


def _equal_shares_reasons(tally: _Tally, rounds: list[_Round], total: int) -> dict[int, str]:
    """Replay the rounds voter class by voter class to say, for each project, what its
    supporters paid and for what, and what they had left at the end.

    Exact, in integers: every amount is expressed over one common denominator (the
    least common multiple of the payments' and the share's denominators)."""
    share = Fraction(total, max(tally.voters, 1))
    scale = math.lcm(share.denominator, *(r.payment.denominator for r in rounds))
    start = share.numerator * (scale // share.denominator)
    money = [start] * len(tally.classes)
    m = len(tally.costs)
    supporters = tally.supporters
    # paid[k][w]: what one voter of class k paid towards winner w (over scale).
    paid: list[dict[int, int]] = [{} for _ in tally.classes]
    round_of: dict[int, int] = {}
    for number, r in enumerate(rounds, start=1):
        round_of[r.project] = number
        payment = r.payment.numerator * (scale // r.payment.denominator)
        for k in supporters[r.project]:
            pay = min(money[k], payment)
            if pay:
                paid[k][r.project] = pay
                money[k] -= pay
    weights = [n for n, _ in tally.classes]
    # Sums per project, converted back to exact amounts for the wording.
    left: list[Fraction] = []
    spent: list[dict[int, Fraction]] = []
    for j in range(m):
        total_left = 0
        spent_on: dict[int, int] = {}
        for k in supporters[j]:
            n = weights[k]
            total_left += n * money[k]
            for w, pay in paid[k].items():
                if w != j:
                    spent_on[w] = spent_on.get(w, 0) + n * pay
        left.append(Fraction(total_left, scale))
        spent.append({w: Fraction(amount, scale) for w, amount in spent_on.items()})
    reasons: dict[int, str] = {}
    for j in range(m):
        cost = tally.costs[j]
        backers = tally.approvals[j]
        if not backers:
            reasons[j] = "Not funded: nobody voted for it, so nobody's share could pay for it."
            continue
        if cost == 0:
            reasons[j] = "Not funded: Equal Shares only buys projects that cost something."
            continue
        others = _spent_words(tally, spent[j])
        if j in round_of:
            most = rounds[round_of[j] - 1].payment
            reasons[j] = (
                f"Funded in round {round_of[j]} of {len(rounds)}: its {backers:,} supporters "
                f"paid its cost of {tally.money(cost)} between them, each paying at most "
                f"{tally.money(most)}."
            )
            if others:
                reasons[j] += f" Its supporters also paid {others}."
        else:
            reasons[j] = (
                f"Not funded: its {backers:,} supporters started with "
                f"{tally.money(share * backers)} between them and had "
                f"{tally.money(left[j])} left at the end, less than its cost of "
                f"{tally.money(cost)}."
            )
            if others:
                reasons[j] += f" They had spent {others}."
    return reasons


def _spent_words(tally: _Tally, spent_on: Mapping[int, Fraction], named: int = 3) -> str:
    """``£40 towards “A”, £35 towards “B” and £20 towards 4 other funded projects``:
    the largest amounts by name, the rest together, so the sentence stays readable."""
    items = sorted(
        ((amount, w) for w, amount in spent_on.items() if amount), key=lambda i: (-i[0], i[1])
    )
    parts = [f"{tally.money(a)} towards {_name(tally.election.projects[w])}" for a, w in items]
    if len(parts) > named + 1:
        rest = sum((a for a, _ in items[named:]), Fraction(0))
        parts = parts[:named] + [
            f"{tally.money(rest)} towards {len(items) - named} other funded projects"
        ]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
