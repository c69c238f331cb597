"""Open data in the pabulib ``.pb`` format: importing a past election as a read-only
archived process, and exporting a finished process with anonymous voter ids.

Import is all or nothing: the file is parsed and counted in full before anything is
added to the session, and the caller commits only if no error was raised.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert

from engage import audit
from engage.db import DbSession
from engage.errors import RuleViolation
from engage.pb import counting, pabulib, queries, results
from engage.pb.models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotType,
    CountResult,
    Phase,
    Process,
    Proposal,
    ProposalStatus,
)

# Ballot types in pabulib's words and ours.
IMPORTED_TYPES = {
    "approval": BallotType.APPROVAL,
    "choose-1": BallotType.APPROVAL,
    "cumulative": BallotType.CUMULATIVE,
    "ordinal": BallotType.RANKED,
}
EXPORTED_TYPES = {
    BallotType.APPROVAL: "approval",
    BallotType.KNAPSACK: "approval",
    BallotType.RANKED: "ordinal",
    BallotType.CUMULATIVE: "cumulative",
}
CHANNEL_WORDS = {
    BallotChannel.ONLINE: "internet",
    BallotChannel.PAPER: "paper",
}


# --- import --------------------------------------------------------------------------


def _minor_units(text: str, where: str) -> int:
    """A money value from the file in hundredths (how Engage stores money)."""
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise RuleViolation(f"{where} is not a number: {text!r}") from None
    hundredths = amount * 100
    if hundredths != hundredths.to_integral_value() or amount < 0:
        raise RuleViolation(f"{where} must be a positive amount with at most 2 decimals")
    return int(hundredths)


def _whole(meta: Mapping[str, str], key: str) -> int | None:
    value = meta.get(key, "").strip()
    return int(value) if value.isdigit() else None


def _title(meta: Mapping[str, str], source: str) -> str:
    words = [meta.get(k, "").strip() for k in ("unit", "subunit", "instance")]
    place = " ".join(dict.fromkeys(w for w in words if w))
    return (meta.get("description", "").strip() or place or source)[:150]


def _vote_date(meta: Mapping[str, str], key: str) -> str:
    """``dd.mm.yyyy`` as ISO, or "" when absent or not a date."""
    try:
        day, month, year = (int(part) for part in meta.get(key, "").strip().split("."))
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def import_archive(session: DbSession, *, actor: Any, text: str, source: str) -> Process:
    """Add a past election from ``.pb`` text as a read-only archived process with its
    ballots (unlinked) and its published result. Raises ``RuleViolation`` (with the
    line for parse errors) and adds nothing when the file cannot be used."""
    try:
        pb = pabulib.parse(text)
        election = pabulib.to_election(pb)
    except pabulib.PbParseError as error:
        raise RuleViolation(f"{source}: {error}. Nothing was imported") from error
    except ValueError as error:
        raise RuleViolation(f"{source}: {error}. Nothing was imported") from error
    meta = pb.meta
    budget = _minor_units(meta["budget"], "The budget")
    costs = {
        pid: _minor_units(row["cost"], f"The cost of project {pid}")
        for pid, row in pb.projects.items()
    }
    file_rule = pabulib.official_rule(pb)
    selected = pabulib.official_selected(pb)
    try:
        outcomes = counting.compare(election)
        engine_rule = file_rule if file_rule in counting.RULES else "greedy"
        outcome = outcomes.get(engine_rule) or counting.count(election, engine_rule)
    except ValueError as error:
        raise RuleViolation(f"{source}: {error}. Nothing was imported") from error
    official = (
        selected
        if any("selected" in row for row in pb.projects.values())
        else set(outcome.selected)
    )

    vote_type = pb.vote_type
    currency = meta.get("currency", "").strip().upper()
    process = Process(
        title=_title(meta, source),
        summary=meta.get("comment", "").strip(),
        budget_pence=budget,
        ballot_type=IMPORTED_TYPES[vote_type],
        min_choices=_whole(meta, "min_length") or 1,
        max_choices=1 if vote_type == "choose-1" else _whole(meta, "max_length"),
        points_total=_whole(meta, "max_sum_points"),
        points_per_project=_whole(meta, "max_points"),
        official_rule=file_rule[:40],
        phase=Phase.RESULTS,
        archived=True,
        currency=currency if len(currency) == 3 and currency.isalpha() else "",
        archive_meta={
            **meta,
            "source": source,
            "voting_began_on": _vote_date(meta, "date_begin"),
            "voting_ended_on": _vote_date(meta, "date_end"),
        },
        created_by_id=getattr(actor, "id", None),
    )
    session.add(process)
    proposals: dict[str, Proposal] = {}
    for position, (pid, row) in enumerate(pb.projects.items(), start=1):
        proposals[pid] = Proposal(
            process=process,
            title=(row.get("name") or f"Project {pid}")[:150].strip(),
            description=row.get("description", ""),
            location=(row.get("neighborhood") or row.get("district") or "")[:200],
            estimated_cost_pence=costs[pid],
            status=ProposalStatus.FEASIBLE,
            shortlist_position=position,
            external_id=pid[:64],
        )
    session.add_all(proposals.values())
    session.flush()
    _add_ballots(session, process, pb, {pid: p.id for pid, p in proposals.items()})

    def ours(pids: Any) -> list[int]:
        return [proposals[pid].id for pid in pids]

    explanations = {}
    for pid, verdict in outcome.verdicts.items():
        explanation = verdict.explanation
        if verdict.funded != (pid in official):
            explanation = (
                f"{_score_sentence(verdict, vote_type)} The published result of this election "
                f"{'funded' if pid in official else 'did not fund'} it (by the rule "
                f"{file_rule!r}); counted here by {results.rule_label(engine_rule).lower()} "
                f"it would {'' if verdict.funded else 'not '}have been funded."
            )
        explanations[str(proposals[pid].id)] = explanation
    process.result = CountResult(
        rule=file_rule[:40],
        funded=ours(pid for pid in pb.projects if pid in official),
        scores={str(proposals[pid].id): v.score for pid, v in outcome.verdicts.items()},
        explanations=explanations,
        comparison={
            **{rule: ours(o.selected) for rule, o in outcomes.items()},
            file_rule: ours(pid for pid in pb.projects if pid in official),
        },
        ballots_counted=len(pb.ballots),
        counted_by_id=getattr(actor, "id", None),
    )
    ended = process.archive_meta["voting_ended_on"]
    if ended:
        # When the election closed, not when it was imported.
        process.result.counted_at = datetime.combine(date.fromisoformat(ended), time(), UTC)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="pb.archive.import",
        target_type="pb_process",
        target_id=process.id,
        source=source,
        projects=len(proposals),
        ballots=len(pb.ballots),
    )
    return process


def _score_sentence(verdict: counting.Verdict, vote_type: str) -> str:
    unit = "vote" if vote_type in counting.APPROVAL_LIKE else "point"
    return f"{verdict.score:,} {unit}{'' if verdict.score == 1 else 's'}, ranked {verdict.rank}."


def _add_ballots(
    session: DbSession, process: Process, pb: pabulib.PbFile, ids: Mapping[str, int]
) -> None:
    """Every voter's ballot, unlinked, in bulk (a city's file has 100,000 voters)."""
    if not pb.ballots:
        return
    ballot_ids = session.scalars(
        insert(Ballot).returning(Ballot.id, sort_by_parameter_order=True),
        [{"process_id": process.id, "channel": BallotChannel.IMPORTED} for _ in pb.ballots],
    ).all()
    points = pb.points or [()] * len(pb.ballots)
    lines = [
        {
            "ballot_id": ballot_id,
            "proposal_id": ids[pid],
            "position": position,
            "points": given[position - 1] if given else None,
        }
        for ballot_id, ballot, given in zip(ballot_ids, pb.ballots, points, strict=True)
        for position, pid in enumerate(ballot, start=1)
    ]
    if lines:
        session.execute(insert(BallotChoice), lines)


# --- export --------------------------------------------------------------------------


def export_pb(session: DbSession, process: Process, *, council: str) -> str:
    """The process as ``.pb`` text: projects with costs, scores and the official
    selection, and every counted ballot under a random voter number, in random order,
    with nothing else about the voter but how they voted (online or on paper).

    Money is in whole pounds when every amount is whole pounds, otherwise in pence
    (said in the file's comment)."""
    if process.result is None:
        raise RuleViolation("This budget has no published results to export")
    projects = queries.shortlist(session, process)
    scale = results.money_scale(process, projects)
    result = process.result
    funded = {int(i) for i in result.funded}
    external = {
        p.id: (p.external_id or str(p.id)) if process.archived else str(p.id) for p in projects
    }
    votes = _anonymous_votes(session, process, external)
    meta = _meta(process, council, scale, len(projects))
    rows = [
        {
            "project_id": external[p.id],
            "cost": str((p.estimated_cost_pence or 0) // scale),
            # Approval files carry only ``votes`` (written by pabulib.write).
            **(
                {"score": str(result.scores.get(str(p.id), 0))}
                if process.ballot_type in (BallotType.RANKED, BallotType.CUMULATIVE)
                else {}
            ),
            "name": p.title,
            **({"category": p.category.name} if p.category else {}),
            "selected": "1" if p.id in funded else "0",
        }
        # Listed in the count's tie-break order: the checker (like the engine) breaks
        # ties by the order of the file.
        for p in results.tie_break_order(process, projects)
    ]
    return pabulib.write(meta, rows, votes)


def _meta(process: Process, council: str, scale: int, project_count: int) -> dict[str, str]:
    assert process.result is not None
    if process.archived:
        kept = {k: str(v) for k, v in process.archive_meta.items() if k in pabulib.META_ORDER}
        return {**kept, "budget": str(process.budget_pence // scale)}
    voting = [c for c in process.phase_changes if c.to_phase is Phase.VOTING]
    closed = [c for c in process.phase_changes if c.to_phase is Phase.COUNTING]
    began = voting[-1].changed_at.date() if voting else process.created_at.date()
    ended = closed[-1].changed_at.date() if closed else process.result.counted_at.date()
    meta = {
        "description": process.title,
        "country": "United Kingdom",
        "unit": council,
        "subunit": process.where,
        "instance": str(began.year),
        "budget": str(process.budget_pence // scale),
        "vote_type": EXPORTED_TYPES[process.ballot_type],
        "rule": process.result.rule,
        "date_begin": began.strftime("%d.%m.%Y"),
        "date_end": ended.strftime("%d.%m.%Y"),
        "language": "en",
        "currency": "GBP",
    }
    if process.ballot_type in (BallotType.APPROVAL, BallotType.RANKED):
        meta["min_length"] = str(process.min_choices)
        if process.max_choices is not None:
            meta["max_length"] = str(min(process.max_choices, project_count))
    if process.ballot_type is BallotType.KNAPSACK:
        meta["max_sum_cost"] = meta["budget"]
    if process.ballot_type is BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(process.points_total or 0)
        meta["max_points"] = str(process.points_per_project or process.points_total or 0)
    shares = [c for c in process.categories if c.budget_pence is not None]
    comments = []
    if scale == 1:
        comments.append("Costs and the budget are in pence.")
    if shares:
        comments.append(
            "Categories with their own budget were counted separately: "
            + ", ".join(f"{c.name} {(c.budget_pence or 0) // scale}" for c in shares)
            + "; the other projects shared the rest."
        )
    if comments:
        meta["comment"] = " ".join(comments)
    return meta


def _anonymous_votes(
    session: DbSession, process: Process, external: Mapping[int, str]
) -> list[dict[str, str]]:
    channels: dict[int, BallotChannel] = {
        ballot_id: channel
        for ballot_id, channel in session.execute(
            queries.counted_ballots(process).with_only_columns(Ballot.id, Ballot.channel)
        )
    }
    lines: dict[int, list[tuple[int, int | None]]] = {ballot_id: [] for ballot_id in channels}
    for ballot_id, proposal_id, points in queries.ballot_lines(session, process):
        lines[ballot_id].append((proposal_id, points))
    order = list(lines)
    # A cryptographic shuffle: the file's order says nothing about when anyone voted.
    secrets.SystemRandom().shuffle(order)
    votes = []
    for ballot_id in order:
        choices = lines[ballot_id]
        vote = {"vote": ",".join(external[pid] for pid, _ in choices)}
        if not process.archived:
            vote["voting_method"] = CHANNEL_WORDS[channels[ballot_id]]
        if process.ballot_type is BallotType.CUMULATIVE:
            vote["points"] = ",".join(str(points or 0) for _, points in choices)
        votes.append(vote)
    return votes
