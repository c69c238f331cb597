"""From stored ballots to the counting engine's plain inputs, and from its outcome to
results pages, the published count, and open data.

Tie-breaking for Engage's own processes: when the engine must choose between
projects it cannot otherwise separate, the project listed first wins. Engage lists
projects by lower cost first, then earlier shortlist position, so a tie goes to the
cheaper project, and between equal costs to the one shortlisted first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd
from wtforms.fields.choices import SelectChoice

from engage.db import DbSession
from engage.errors import RuleViolation
from engage.pb import counting, queries
from engage.pb.models import BallotType, CountResult, Process, Proposal
from engage.web import format_money

DEFAULT_RULE = "greedy"

# Knapsack ballots are approvals of projects that fit the budget; ranked ballots are
# ordinal; points ballots are cumulative.
ENGINE_VOTE_TYPES = {
    BallotType.APPROVAL: "approval",
    BallotType.KNAPSACK: "approval",
    BallotType.RANKED: "ordinal",
    BallotType.CUMULATIVE: "cumulative",
}


# Every rule the engine offers, in plain words.
RULE_LABELS = {
    "greedy": "Most votes first: fund the most popular projects in turn, skipping any "
    "that no longer fit in what is left of the budget",
    "greedy-no-skip": "Most votes first, stopping at the first project that does not fit",
    "greedy-threshold": "Most votes first, among projects that reached a minimum score",
    "equalshares": "Method of Equal Shares: each voter controls an equal share of the "
    "budget, and a project is funded when its supporters' shares can pay for it",
    "equalshares/add1": "Method of Equal Shares, completed so that as much of the budget "
    "as possible is spent",
    "equalshares/add1-comparison": "Method of Equal Shares (completed), unless more voters "
    "would be better off with the most-votes outcome",
}
# The rules a council can choose for its own processes (Engage sets no minimum score).
COUNCIL_RULES = tuple(rule for rule in counting.RULES if rule != "greedy-threshold")


def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule)


def rule_applies(rule: str, ballot_type: BallotType) -> bool:
    """Whether a council may count this type of ballot with ``rule`` (Equal Shares
    divides money between approvals: approval and budget ballots only)."""
    return rule in COUNCIL_RULES and rule in counting.applicable_rules(
        ENGINE_VOTE_TYPES[ballot_type]
    )


def rule_choices() -> list[SelectChoice]:
    return [SelectChoice(rule, RULE_LABELS[rule]) for rule in COUNCIL_RULES]


@dataclass(frozen=True)
class ProjectResult:
    funded: bool
    explanation: str
    score: int


def project_result(process: Process, proposal: Proposal) -> ProjectResult | None:
    """How a project did in the published count, for its own page."""
    if not process.has_results or process.result is None:
        return None
    key = str(proposal.id)
    if key not in process.result.explanations:
        return None
    return ProjectResult(
        funded=proposal.id in {int(i) for i in process.result.funded},
        explanation=process.result.explanations[key],
        score=int(process.result.scores.get(key, 0)),
    )


@dataclass
class ProjectRow:
    proposal: Proposal
    cost: int
    score: int
    funded: bool
    explanation: str


@dataclass
class RuleOutcome:
    rule: str
    label: str
    funded: list[Proposal]
    spent: int
    official: bool
    # Projects this rule funds that the official rule does not, and the reverse.
    added: list[Proposal] = field(default_factory=list)
    dropped: list[Proposal] = field(default_factory=list)


@dataclass
class ResultsView:
    process: Process
    rule: str
    rows: list[ProjectRow]
    ballots_counted: int
    turnout: list[tuple[str, int]]
    comparison: list[RuleOutcome]
    score_name: str
    preview: bool

    @property
    def funded(self) -> list[ProjectRow]:
        return [row for row in self.rows if row.funded]

    @property
    def spent(self) -> int:
        return sum(row.cost for row in self.funded)

    @property
    def leftover(self) -> int:
        return self.process.budget_pence - self.spent

    @property
    def top_score(self) -> int:
        return max((row.score for row in self.rows), default=0)


SCORE_NAMES = {
    BallotType.APPROVAL: "votes",
    BallotType.KNAPSACK: "votes",
    BallotType.RANKED: "points",
    BallotType.CUMULATIVE: "points",
}


def _rows(
    projects: Sequence[Proposal], funded: set[int], scores: dict[int, int], why: dict[int, str]
) -> list[ProjectRow]:
    rows = [
        ProjectRow(
            proposal=p,
            cost=p.estimated_cost_pence or 0,
            score=scores.get(p.id, 0),
            funded=p.id in funded,
            explanation=why.get(p.id, ""),
        )
        for p in projects
    ]
    rows.sort(key=lambda row: (-row.score, row.cost, row.proposal.shortlist_position or 0))
    return rows


def _comparison(
    projects: Sequence[Proposal], official_rule: str, outcomes: dict[str, list[int]]
) -> list[RuleOutcome]:
    by_id = {p.id: p for p in projects}
    official = set(outcomes.get(official_rule, []))
    found = []
    for rule, selected in outcomes.items():
        funded = [by_id[i] for i in selected if i in by_id]
        chosen = {p.id for p in funded}
        found.append(
            RuleOutcome(
                rule=rule,
                label=rule_label(rule),
                funded=funded,
                spent=sum(p.estimated_cost_pence or 0 for p in funded),
                official=rule == official_rule,
                added=[p for p in funded if p.id not in official],
                dropped=[by_id[i] for i in official if i not in chosen and i in by_id],
            )
        )
    found.sort(key=lambda outcome: (not outcome.official, outcome.rule))
    return found


def results_view(session: DbSession, process: Process, *, preview: bool = False) -> ResultsView:
    """The published results, or (``preview``) the count as it would stand now."""
    projects = queries.shortlist(session, process)
    if preview or process.result is None:
        count = count_process(session, process)
        funded, scores, why = set(count.funded), count.scores, count.explanations
        comparison, counted, rule = count.comparison, count.ballots_counted, count.rule
    else:
        result = process.result
        funded = {int(i) for i in result.funded}
        scores = {int(k): int(v) for k, v in result.scores.items()}
        why = {int(k): str(v) for k, v in result.explanations.items()}
        comparison = {rule: [int(i) for i in ids] for rule, ids in result.comparison.items()}
        counted, rule = result.ballots_counted, result.rule
    return ResultsView(
        process=process,
        rule=rule,
        rows=_rows(projects, funded, scores, why),
        ballots_counted=counted,
        turnout=queries.turnout_by_ward(session, process),
        comparison=_comparison(projects, rule, comparison),
        score_name=SCORE_NAMES[process.ballot_type],
        preview=preview,
    )


def results_frame(session: DbSession, process: Process) -> pd.DataFrame:
    """The results table as open data: one row per project on the ballot."""
    page = results_view(session, process)
    return pd.DataFrame(
        [
            {
                "project_number": row.proposal.id,
                "project": row.proposal.title,
                "category": row.proposal.category.name if row.proposal.category else "",
                "cost_pence": row.cost,
                page.score_name: row.score,
                "funded": "yes" if row.funded else "no",
                "why": row.explanation,
            }
            for row in page.rows
        ],
        columns=[
            "project_number",
            "project",
            "category",
            "cost_pence",
            page.score_name,
            "funded",
            "why",
        ],
    )


@dataclass
class Count:
    rule: str
    funded: list[int]
    scores: dict[int, int]
    explanations: dict[int, str]
    comparison: dict[str, list[int]]
    ballots_counted: int


@dataclass(frozen=True)
class _Part:
    """Projects counted together against one budget: a category's own share, or
    everything else against what is left."""

    budget: int
    projects: list[Proposal]
    # Put before each explanation, saying which budget the project was counted in.
    preface: str = ""


def _parts(process: Process, projects: Sequence[Proposal]) -> list[_Part]:
    """Categories with their own budget are counted separately against it; the other
    projects share what is left of the whole budget. Money left in one part does not
    pass to another (voters were told each category's share on the ballot)."""
    shares = {c.id: c for c in process.categories if c.budget_pence is not None}
    parts = []
    for category in shares.values():
        own = [p for p in projects if p.category_id == category.id]
        if own:
            parts.append(
                _Part(
                    budget=category.budget_pence or 0,
                    projects=own,
                    preface=f"Counted against the {format_money(category.budget_pence or 0)} set "
                    f"aside for {category.name}. ",
                )
            )
    rest = [p for p in projects if p.category_id not in shares]
    if rest or not parts:
        parts.insert(
            0,
            _Part(
                budget=process.budget_pence - sum(c.budget_pence or 0 for c in shares.values()),
                projects=rest,
                preface=(
                    "Counted against the budget left after the categories' own shares. "
                    if parts
                    else ""
                ),
            ),
        )
    return parts


def tie_break_order(process: Process, projects: Sequence[Proposal]) -> list[Proposal]:
    """The order the engine breaks ties in (earlier wins): an archive's own file order;
    for Engage's processes, cheaper first, then earlier on the shortlist."""
    if process.archived:
        return sorted(projects, key=lambda p: p.shortlist_position or 0)
    return sorted(projects, key=lambda p: (p.estimated_cost_pence or 0, p.shortlist_position or 0))


def score_threshold(process: Process) -> int:
    """An archive's minimum score for funding (``greedy-threshold``); none in Engage."""
    written = str(process.archive_meta.get("min_project_score_threshold", "") or "0")
    try:
        return int(Decimal(written.replace(",", ".")))
    except InvalidOperation:
        return 0


def money_scale(process: Process, projects: Sequence[Proposal]) -> int:
    """Count in whole pounds when every amount is whole pounds (as pabulib files are,
    so the add-one completion of Equal Shares steps as equalshares.net does), in
    pence otherwise."""
    amounts = [process.budget_pence, *(p.estimated_cost_pence or 0 for p in projects)]
    amounts += [c.budget_pence or 0 for c in process.categories]
    return 100 if all(amount % 100 == 0 for amount in amounts) else 1


def _ballots(session: DbSession, process: Process) -> list[list[tuple[int, int | None]]]:
    """Every counted ballot as [(proposal id, points)] in the voter's order."""
    by_ballot: dict[int, list[tuple[int, int | None]]] = {}
    for ballot_id, proposal_id, points in queries.ballot_lines(session, process):
        by_ballot.setdefault(ballot_id, []).append((proposal_id, points))
    found = list(by_ballot.values())
    # A counted ballot with no lines still counts as a voter (Equal Shares divides
    # the budget between voters).
    found += [[] for _ in range(queries.ballots_counted(session, process) - len(found))]
    return found


def _election(
    process: Process,
    part: _Part,
    ballots: Sequence[list[tuple[int, int | None]]],
    scale: int,
    first_choice_points: int,
) -> counting.Election:
    ids = {p.id for p in part.projects}
    mine = [[(pid, pts) for pid, pts in ballot if pid in ids] for ballot in ballots]
    vote_type = ENGINE_VOTE_TYPES[process.ballot_type]
    return counting.Election(
        projects=tuple(
            counting.Project(
                id=str(p.id), cost=(p.estimated_cost_pence or 0) // scale, name=p.title
            )
            for p in tie_break_order(process, part.projects)
        ),
        ballots=[tuple(str(pid) for pid, _ in ballot) for ballot in mine],
        budget=part.budget // scale,
        vote_type=vote_type,
        points=(
            [tuple(pts or 0 for _, pts in ballot) for ballot in mine]
            if vote_type == "cumulative"
            else None
        ),
        min_project_score_threshold=score_threshold(process),
        ordinal_points=first_choice_points,
        currency=process.currency,
        minor_units=100 // scale,
    )


def count_process(session: DbSession, process: Process) -> Count:
    """Count the process's counted ballots with the counting engine: the official
    rule's outcome and explanations, and what every other applicable rule funds.

    Raises ``RuleViolation`` when the official rule cannot count these ballots."""
    projects = queries.shortlist(session, process)
    ballots = _ballots(session, process)
    scale = money_scale(process, projects)
    # Ranked ballots: a first choice earns as many points as a voter may rank, so a
    # ballot's points do not depend on other people's ballots (archives: the engine's
    # default, the longest ballot, as Krakow's files are scored).
    first_choice = 0
    if process.ballot_type is BallotType.RANKED and not process.archived:
        first_choice = min(process.max_choices or len(projects), len(projects))
    rule = process.official_rule
    funded: list[int] = []
    scores: dict[int, int] = {}
    why: dict[int, str] = {}
    comparison: dict[str, list[int]] = {}
    for part in _parts(process, projects):
        if not part.projects:
            continue
        election = _election(process, part, ballots, scale, first_choice)
        try:
            outcomes = counting.compare(election)
            official = outcomes.get(rule) or counting.count(election, rule)
        except ValueError as error:
            raise RuleViolation(f"The count could not be run: {error}") from error
        funded += [int(pid) for pid in official.selected]
        for pid, verdict in official.verdicts.items():
            scores[int(pid)] = verdict.score
            why[int(pid)] = part.preface + verdict.explanation
        outcomes.setdefault(rule, official)
        for name, outcome in outcomes.items():
            comparison.setdefault(name, []).extend(int(pid) for pid in outcome.selected)
    return Count(
        rule=rule,
        funded=funded,
        scores=scores,
        explanations=why,
        comparison=comparison,
        ballots_counted=len(ballots),
    )


def record_official_count(session: DbSession, *, process: Process, actor: object) -> CountResult:
    """Run the official count and freeze it on the process (results are published
    from this record, so later pages never recount)."""
    count = count_process(session, process)
    result = process.result or CountResult(process_id=process.id)
    result.rule = count.rule
    result.funded = list(count.funded)
    result.scores = {str(k): v for k, v in count.scores.items()}
    result.explanations = {str(k): v for k, v in count.explanations.items()}
    result.comparison = {rule: list(ids) for rule, ids in count.comparison.items()}
    result.ballots_counted = count.ballots_counted
    result.counted_by_id = getattr(actor, "id", None)
    process.result = result
    session.flush()
    return result
