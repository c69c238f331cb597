"""Ballot validity rules: pure functions over plain data.

The same rules give the ballot page its plain-words instructions, check a ballot
(online, paper or imported from a CSV) before it is stored, and check a shortlist
before voting opens, so what residents are told is exactly what is enforced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engage.pb.models import BallotType
from engage.web import format_money


@dataclass(frozen=True)
class Project:
    id: int
    title: str
    cost: int  # pence
    category_id: int | None = None


@dataclass(frozen=True)
class BallotRules:
    kind: BallotType
    budget: int  # pence
    min_choices: int = 1
    max_choices: int | None = None
    points_total: int | None = None
    points_per_project: int | None = None
    # Categories with their own share of the budget: {category id: (name, pence)}.
    sub_budgets: Mapping[int, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    project_id: int
    points: int | None = None  # cumulative ballots only


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def limit_for(rules: BallotRules, project_count: int) -> int:
    """How many projects a voter may choose (or rank)."""
    if rules.max_choices is None:
        return project_count
    return min(rules.max_choices, project_count)


def describe(rules: BallotRules, project_count: int) -> list[str]:
    """The rules in plain words, for the top of the ballot page."""
    # Before the shortlist exists (an officer's view of the settings) the limit is
    # the setting itself, or none.
    most = limit_for(rules, project_count) if project_count else (rules.max_choices or 0)
    least = rules.min_choices
    lines: list[str]
    if rules.kind is BallotType.APPROVAL:
        if most == 0:
            lines = ["Choose any of the projects you would like to see funded."]
        elif least == most:
            lines = [f"Choose {plural(most, 'project')} you would like to see funded."]
        elif least <= 1:
            lines = [f"Choose up to {plural(most, 'project')} you would like to see funded."]
        else:
            lines = [f"Choose between {least} and {most} projects you would like to see funded."]
    elif rules.kind is BallotType.KNAPSACK:
        lines = [
            f"Choose the projects you would fund with the budget of {format_money(rules.budget)}.",
            "The projects you choose must cost no more than the budget in total.",
        ]
        if least > 1:
            lines.append(f"Choose at least {plural(least, 'project')}.")
    elif rules.kind is BallotType.RANKED:
        how_many = plural(most, "project") if most else "all the projects"
        lines = [
            f"Put up to {how_many} in order: 1 for your favourite, 2 for your next choice, "
            "and so on.",
            "Leave the others blank. Each number can be used once.",
        ]
        if least > 1:
            lines.append(f"Rank at least {plural(least, 'project')}.")
    else:
        total, each = rules.points_total or 0, rules.points_per_project or rules.points_total
        lines = [
            f"You have {plural(total, 'point')} to share between the projects you support.",
            f"Give a project up to {plural(each or 0, 'point')}; leave the others at 0.",
        ]
    for name, budget in rules.sub_budgets.values():
        if rules.kind is BallotType.KNAPSACK:
            lines.append(
                f"The {name} projects you choose must cost no more than {format_money(budget)}."
            )
    return lines


def validate(
    rules: BallotRules, projects: Mapping[int, Project], choices: Sequence[Choice]
) -> list[str]:
    """Every reason the ballot breaks the rules, in words a voter can act on."""
    ids = [choice.project_id for choice in choices]
    if any(project_id not in projects for project_id in ids):
        return ["Choose only projects on this ballot"]
    if len(set(ids)) != len(ids):
        return ["Choose each project only once"]
    if rules.kind is BallotType.CUMULATIVE:
        return _cumulative_problems(rules, projects, choices)
    errors: list[str] = []
    most = limit_for(rules, len(projects))
    verb = "Rank" if rules.kind is BallotType.RANKED else "Choose"
    if not choices:
        errors.append(
            "Rank at least 1 project" if rules.kind is BallotType.RANKED else "Choose a project"
        )
    elif len(choices) < rules.min_choices:
        errors.append(
            f"{verb} at least {plural(rules.min_choices, 'project')}. "
            f"You {'ranked' if verb == 'Rank' else 'chose'} {len(choices)}"
        )
    if rules.kind is not BallotType.KNAPSACK and len(choices) > most:
        errors.append(
            f"{verb} no more than {plural(most, 'project')}. "
            f"You {'ranked' if verb == 'Rank' else 'chose'} {len(choices)}"
        )
    if rules.kind is BallotType.KNAPSACK:
        errors.extend(_budget_problems(rules, [projects[i] for i in ids]))
    return errors


def _budget_problems(rules: BallotRules, chosen: list[Project]) -> list[str]:
    errors = []
    total = sum(project.cost for project in chosen)
    if total > rules.budget:
        errors.append(
            f"The projects you chose cost {format_money(total)}, which is "
            f"{format_money(total - rules.budget)} more than the budget of "
            f"{format_money(rules.budget)}. Remove a project and try again"
        )
    for category_id, (name, budget) in rules.sub_budgets.items():
        spent = sum(p.cost for p in chosen if p.category_id == category_id)
        if spent > budget:
            errors.append(
                f"The {name} projects you chose cost {format_money(spent)}, which is more "
                f"than the {format_money(budget)} set aside for {name}. Remove one and try again"
            )
    return errors


def _cumulative_problems(
    rules: BallotRules, projects: Mapping[int, Project], choices: Sequence[Choice]
) -> list[str]:
    total_allowed = rules.points_total or 0
    each = rules.points_per_project or total_allowed
    points = [choice.points or 0 for choice in choices]
    errors = []
    if any(p < 0 for p in points):
        errors.append("Points cannot be negative")
    for choice in choices:
        if (choice.points or 0) > each:
            errors.append(
                f"Give {projects[choice.project_id].title} no more than {plural(each, 'point')}"
            )
    given = sum(p for p in points if p > 0)
    if given == 0:
        errors.append("Give at least 1 point to a project")
    elif given > total_allowed:
        errors.append(
            f"You have {plural(total_allowed, 'point')} to share. You gave {given:,}. "
            "Take some away and try again"
        )
    return errors


def normalise(rules: BallotRules, choices: Sequence[Choice]) -> list[Choice]:
    """What is stored: projects given no points are not on a points ballot."""
    if rules.kind is BallotType.CUMULATIVE:
        return [c for c in choices if (c.points or 0) > 0]
    return list(choices)


def shortlist_problems(
    rules: BallotRules, projects: Mapping[int, Project], rule_applies: bool
) -> list[str]:
    """Why voting cannot open with these rules and this shortlist."""
    problems = []
    count = len(projects)
    if count == 0:
        return ["the shortlist is empty"]
    if not rule_applies:
        problems.append("the official counting rule does not suit this type of ballot")
    if rules.kind in (BallotType.APPROVAL, BallotType.RANKED, BallotType.KNAPSACK):
        if rules.min_choices > count:
            problems.append(
                f"voters must choose at least {rules.min_choices} projects but only "
                f"{plural(count, 'project is', 'projects are')} on the shortlist"
            )
        if rules.max_choices is not None and rules.max_choices < rules.min_choices:
            problems.append("the most projects a voter may choose is fewer than the fewest")
    if rules.kind is BallotType.KNAPSACK:
        cheapest = sorted(p.cost for p in projects.values())[: max(rules.min_choices, 1)]
        if sum(cheapest) > rules.budget:
            problems.append("no ballot can fit the budget with the fewest projects allowed")
    if rules.kind is BallotType.CUMULATIVE and not rules.points_total:
        problems.append("set how many points each voter has to share")
    over = [p.title for p in projects.values() if p.cost > rules.budget]
    if over:
        problems.append("these cost more than the whole budget: " + ", ".join(sorted(over)))
    return problems
