"""Read and write participatory-budgeting elections in the pabulib ``.pb`` format.

A ``.pb`` file is UTF-8 text in three sections, each a title line (``META``,
``PROJECTS``, ``VOTES``), a header of ``;``-separated column names, then rows.
Values may be quoted with ``"``; Windows line endings are accepted; project ids are
strings. See pabulib.org/format.

Pure code: no Flask, no database. ``parse`` either returns a whole ``PbFile`` or
raises ``PbParseError`` naming the first bad line, so a caller never holds half a
file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from engage.pb.counting import APPROVAL_LIKE, VOTE_TYPES, Election, Outcome, Project, scores

SECTIONS = ("META", "PROJECTS", "VOTES")

# Column order the official validator expects (pabulib-checker's field lists).
META_ORDER = (
    "description", "country", "unit", "district", "subunit", "instance", "num_projects",
    "num_votes", "budget", "vote_type", "rule", "date_begin", "date_end", "min_length",
    "max_length", "min_sum_cost", "max_sum_cost", "min_points", "max_points",
    "min_sum_points", "max_sum_points", "default_score", "min_project_cost",
    "max_project_cost", "min_project_score_threshold", "neighborhoods", "subdistricts",
    "categories", "edition", "language", "currency", "fully_funded", "experimental",
    "comment", "acknowledgments",
)  # fmt: skip
PROJECT_ORDER = (
    "project_id", "cost", "votes", "score", "name", "category", "beneficiaries",
    "selected", "neighborhood", "subunit", "district", "description", "proposer",
    "public_id", "latitude", "longitude",
)  # fmt: skip
VOTE_ORDER = (
    "voter_id", "vote", "points", "age", "sex", "voting_method", "district",
    "neighborhood", "education",
)  # fmt: skip


class PbParseError(ValueError):
    """A ``.pb`` file that cannot be read; ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"Line {line}: {message}" if line else message)
        self.line = line
        self.message = message


@dataclass
class PbFile:
    """A parsed ``.pb`` file.

    - ``meta``: META ``key -> value`` (strings, as written, unquoted).
    - ``projects``: ``project_id -> {column: value}`` in file order; every row dict
      includes ``project_id`` and ``cost``.
    - ``vote_columns`` / ``vote_rows``: the VOTES header and one tuple of strings per
      voter (compact; ``votes()`` yields them as dicts).
    - ``ballots``: per voter, the project ids of the ``vote`` column as a tuple (the
      same string objects as the ``projects`` keys), in the order written.
    - ``points``: per voter, the ``points`` column as ints (``None`` if the file has
      no points column).
    """

    meta: dict[str, str]
    projects: dict[str, dict[str, str]]
    vote_columns: tuple[str, ...]
    vote_rows: list[tuple[str, ...]]
    ballots: list[tuple[str, ...]]
    points: list[tuple[int, ...]] | None = None
    line_count: int = field(default=0, repr=False)

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "unknown")

    def votes(self) -> Iterator[dict[str, str]]:
        """Each VOTES row as ``{column: value}`` (built on demand)."""
        columns = self.vote_columns
        for row in self.vote_rows:
            yield dict(zip(columns, row, strict=True))


def read(path: str | Path) -> PbFile:
    """Parse the file at ``path`` (UTF-8, with or without a byte-order mark)."""
    return parse(Path(path).read_text(encoding="utf-8-sig"))


def parse(text: str) -> PbFile:
    """Parse ``.pb`` text; raises ``PbParseError`` (with the line) on the first problem."""
    lines = text.lstrip("\ufeff").splitlines()
    # csv handles quoting; rows are read line by line so errors keep their line number.
    rows = csv.reader(lines, delimiter=";", quotechar='"', strict=True)
    meta: dict[str, str] = {}
    projects: dict[str, dict[str, str]] = {}
    vote_rows: list[tuple[str, ...]] = []
    ballots: list[tuple[str, ...]] = []
    points: list[tuple[int, ...]] = []
    section = ""
    header: tuple[str, ...] = ()
    seen: list[str] = []
    vote_at = points_at = -1
    ids: dict[str, str] = {}
    voter_ids: set[str] = set()
    parsed_votes: dict[str, tuple[str, ...]] = {}
    parsed_points: dict[str, tuple[int, ...]] = {}
    number = 0
    approval = True
    try:
        for row in rows:
            if rows.line_num != number + 1:
                # The format is one row per line: a quote left open swallowed the next.
                raise PbParseError(number + 1, "a quoted value is not closed on this line")
            number = rows.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            title = row[0].strip().upper() if len(row) == 1 else ""
            if title in SECTIONS:
                expected = SECTIONS[len(seen)] if len(seen) < 3 else None
                if title != expected:
                    raise PbParseError(number, f"expected the {expected} section, found {title}")
                seen.append(title)
                section, header = title, ()
                continue
            if not section:
                raise PbParseError(number, "the file must start with a META line")
            cells = tuple(map(str.strip, row))
            if not header:
                header = _header(number, section, cells)
                if section == "VOTES":
                    approval = meta.get("vote_type", "approval") in APPROVAL_LIKE
                    vote_at = header.index("vote")
                    points_at = header.index("points") if "points" in header else -1
                continue
            if section == "META" and len(cells) > 2:
                # An unquoted ';' inside a META value: keep the value whole.
                cells = (cells[0], ";".join(row[1:]).strip())
            if len(cells) != len(header):
                cells = _fit(number, cells, len(header))
            if section == "META":
                key, value = cells[0], cells[1]
                if key in meta:
                    raise PbParseError(number, f"META repeats the key {key!r}")
                meta[key] = value
            elif section == "PROJECTS":
                project = dict(zip(header, cells, strict=True))
                pid = project["project_id"]
                if not pid:
                    raise PbParseError(number, "a project has no project_id")
                if pid in projects:
                    raise PbParseError(number, f"project {pid!r} appears twice")
                _number(number, project["cost"], f"the cost of project {pid!r}")
                projects[pid] = project
                ids[pid] = pid
            else:
                voter = cells[0]
                if voter in voter_ids:
                    raise PbParseError(number, f"voter {voter!r} appears twice")
                voter_ids.add(voter)
                vote = cells[vote_at]
                ballot = parsed_votes.get(vote)
                if ballot is None:
                    ballot = parsed_votes[vote] = _ballot(number, vote, ids, approval)
                ballots.append(ballot)
                if points_at >= 0:
                    written = cells[points_at]
                    given = parsed_points.get(written)
                    if given is None:
                        given = parsed_points[written] = _points(number, written)
                    if len(given) != len(ballot):
                        raise PbParseError(
                            number,
                            f"voter {voter!r} has {len(ballot)} projects but {len(given)} points",
                        )
                    points.append(given)
                vote_rows.append(cells)
    except csv.Error as error:
        if rows.line_num > number + 1:
            raise PbParseError(number + 1, "a quoted value is not closed on this line") from None
        raise PbParseError(rows.line_num, f"badly quoted value ({error})") from None
    if len(seen) < 3:
        missing = SECTIONS[len(seen)]
        raise PbParseError(0, f"the file has no {missing} section")
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PbParseError(0, f"META has no {key!r}")
    _number(0, meta["budget"], "the budget")
    vote_columns = header
    return PbFile(
        meta=meta,
        projects=projects,
        vote_columns=vote_columns,
        vote_rows=vote_rows,
        ballots=ballots,
        points=points if points_at >= 0 else None,
        line_count=number,
    )


REQUIRED = {
    "META": ("key", "value"),
    "PROJECTS": ("project_id", "cost"),
    "VOTES": ("voter_id", "vote"),
}


def _header(number: int, section: str, cells: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(cells)) != len(cells):
        raise PbParseError(number, f"the {section} header repeats a column")
    required = REQUIRED[section]
    if section == "META" and cells[:2] != required:
        raise PbParseError(number, "the META header must be 'key;value'")
    if section != "META" and cells[0] != required[0]:
        raise PbParseError(number, f"the {section} header must start with {required[0]!r}")
    for column in required:
        if column not in cells:
            raise PbParseError(number, f"the {section} header has no {column!r} column")
    return cells


def _fit(number: int, cells: tuple[str, ...], width: int) -> tuple[str, ...]:
    # Some exporters end rows with a stray ';': tolerate empty extra cells only.
    if len(cells) > width and not any(cells[width:]):
        return cells[:width]
    raise PbParseError(number, f"expected {width} values separated by ';', found {len(cells)}")


def _number(number: int, text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise PbParseError(number, f"{what} must be a number of at least 0, not {text!r}")
    return value


def _ballot(number: int, vote: str, ids: Mapping[str, str], approval: bool) -> tuple[str, ...]:
    if not vote:
        return ()
    found = [ids.get(item) for item in vote.split(",")]
    if None in found:
        # Slow path: spaces around ids, or an unknown project to name in the error.
        found = [ids.get(item.strip()) for item in vote.split(",")]
        for item, pid in zip(vote.split(","), found, strict=True):
            if pid is None:
                raise PbParseError(
                    number, f"the vote names {item.strip()!r}, which is not a project"
                )
    ballot = [pid for pid in found if pid is not None]
    if len(set(ballot)) != len(ballot):
        if not approval:
            raise PbParseError(number, "the vote names a project twice")
        # Some exports repeat an approval (Amsterdam); approving twice is approving once.
        ballot = list(dict.fromkeys(ballot))
    return tuple(ballot)


def _points(number: int, written: str) -> tuple[int, ...]:
    if not written:
        return ()
    try:
        values = tuple(int(item) for item in written.split(","))
    except ValueError:
        raise PbParseError(number, f"points must be whole numbers, not {written!r}") from None
    if any(value < 0 for value in values):
        raise PbParseError(number, "points cannot be negative")
    return values


def to_election(pb: PbFile) -> Election:
    """The file as the counting engine's input.

    Money: costs and budget in the file's units; if any has decimals (Kraków's budget
    1437562.51), all are multiplied by the same power of ten so they stay whole, and
    ``Election.minor_units`` says by how much. Raises ``ValueError`` for a
    ballot type the engine does not count (e.g. ``scoring``)."""
    vote_type = pb.vote_type
    if vote_type not in VOTE_TYPES:
        raise ValueError(f"Ballots of type {vote_type!r} cannot be counted")
    if vote_type == "cumulative" and pb.points is None:
        raise ValueError("Cumulative ballots need a points column in VOTES")
    amounts = [_number(0, pb.meta["budget"], "the budget")]
    amounts += [_number(0, row["cost"], "a cost") for row in pb.projects.values()]
    # normalize(): "100000.0" has no decimals that matter.
    places = max(-min(int(a.normalize().as_tuple().exponent), 0) for a in amounts)
    scale = 10**places
    budget, *costs = (int(a * scale) for a in amounts)
    projects = tuple(
        Project(id=pid, cost=cost, name=row.get("name", ""))
        for (pid, row), cost in zip(pb.projects.items(), costs, strict=True)
    )
    threshold = pb.meta.get("min_project_score_threshold", "") or "0"
    return Election(
        projects=projects,
        ballots=pb.ballots,
        budget=budget,
        vote_type=vote_type,
        # Ranked files may give each choice's points; the engine then scores those.
        points=pb.points if vote_type in ("cumulative", "ordinal") else None,
        min_project_score_threshold=int(_number(0, threshold, "the score threshold")),
        currency=pb.meta.get("currency", ""),
        minor_units=scale,
    )


def official_selected(pb: PbFile) -> set[str]:
    """The projects the file records as funded (``selected`` = 1)."""
    return {pid for pid, row in pb.projects.items() if row.get("selected", "").strip() == "1"}


def official_rule(pb: PbFile) -> str:
    """META ``rule`` (``unknown`` if absent)."""
    return pb.rule


def write(
    meta: Mapping[str, str],
    projects: Sequence[Mapping[str, str]],
    votes: Sequence[Mapping[str, str]],
) -> str:
    """An election as ``.pb`` text that the official validator accepts.

    - ``meta``: META values (strings); ``num_projects`` and ``num_votes`` are filled
      in from the data. The validator requires ``description``, ``country`` (an
      English country name), ``unit``, ``instance``, ``budget``, ``vote_type``,
      ``rule``, ``date_begin`` and ``date_end`` (``dd.mm.yyyy``).
    - ``projects``: one mapping per project with ``project_id`` and ``cost``, and
      optionally ``votes``, ``score``, ``name``, ``category``, ``selected`` (1 funded,
      0 not) and the other pabulib columns; ``votes`` (ballots naming the project)
      is computed when absent.
    - ``votes``: one mapping per voter with ``vote`` (comma-separated project ids),
      ``points`` for cumulative ballots, and optional ``age``, ``sex``,
      ``voting_method``; ``voter_id`` defaults to the voter's position (1, 2, ...),
      so pass anonymous ids or none.

    Columns come out in the validator's order, known columns first; values are quoted
    only when they contain ``;``, ``"`` or a line break. Line endings are ``\\n``.
    """
    meta = dict(meta)
    meta["num_projects"] = str(len(projects))
    meta["num_votes"] = str(len(votes))
    voters = [
        {"voter_id": str(position), **{k: str(v) for k, v in vote.items()}}
        for position, vote in enumerate(votes, start=1)
    ]
    counts: dict[str, int] = {}
    for voter in voters:
        for pid in filter(None, voter.get("vote", "").split(",")):
            counts[pid] = counts.get(pid, 0) + 1
    rows = [
        {"votes": str(counts.get(str(p["project_id"]), 0)), **{k: str(v) for k, v in p.items()}}
        for p in projects
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(("key", "value"))
    for key in _ordered(meta, META_ORDER):
        writer.writerow((key, meta[key]))
    for title, items, order in (("PROJECTS", rows, PROJECT_ORDER), ("VOTES", voters, VOTE_ORDER)):
        out.write(f"{title}\n")
        columns = _ordered({k: "" for item in items for k in item}, order)
        writer.writerow(columns)
        writer.writerows([item.get(c, "") for c in columns] for item in items)
    return out.getvalue()


def _ordered(keys: Mapping[str, object], order: Sequence[str]) -> list[str]:
    known = [k for k in order if k in keys]
    return known + [k for k in keys if k not in order]


def export(election: Election, outcome: Outcome, meta: Mapping[str, str]) -> str:
    """A counted election as ``.pb`` text (``write`` does the formatting).

    ``meta`` gives the descriptive META fields (``description``, ``country``,
    ``unit``, ``instance``, ``date_begin``, ``date_end``, optionally ``language``,
    ``comment``...); ``budget``, ``vote_type``, ``rule``, ``currency`` and the score
    threshold come from the election and outcome. Money is written in currency units
    (pence become pounds with two decimals). Projects get ``votes`` (ballots naming
    them), ``score`` for cumulative and ranked ballots, and ``selected``. Ballots are
    written in sorted order with voter ids 1, 2, ..., so the file reveals nothing
    about who voted when.
    """
    tally_scores = scores(election)
    approvals: dict[str, int] = dict.fromkeys(tally_scores, 0)
    for ballot in election.ballots:
        for pid in ballot:
            approvals[pid] += 1
    chosen = set(outcome.selected)
    fields = {
        **meta,
        "budget": _amount(election.budget, election.minor_units),
        "vote_type": election.vote_type,
        "rule": outcome.rule,
    }
    if election.currency:
        fields["currency"] = election.currency
    if election.min_project_score_threshold:
        fields["min_project_score_threshold"] = str(election.min_project_score_threshold)
    if election.vote_type == "cumulative" and "max_sum_points" not in fields:
        # Required for cumulative files; without the council's limit, the largest used.
        fields["max_sum_points"] = str(max((sum(p) for p in election.points or ()), default=0))
    projects = []
    for project in election.projects:
        row = {
            "project_id": project.id,
            "cost": _amount(project.cost, election.minor_units),
            "votes": str(approvals[project.id]),
        }
        if election.vote_type in ("cumulative", "ordinal"):
            row["score"] = str(tally_scores[project.id])
        # The validator needs a name column; an unnamed project is called by its id.
        row["name"] = project.name or project.id
        row["selected"] = "1" if project.id in chosen else "0"
        projects.append(row)
    points = election.points
    if election.vote_type == "ordinal" and election.ordinal_points:
        # Fixed points per rank differ from the format's default (a ballot's own
        # length down to 1) on shorter ballots, so write the points each choice earned.
        top = election.ordinal_points
        points = [tuple(max(top - i, 1) for i in range(len(b))) for b in election.ballots]
    if points is not None:
        pairs = sorted(zip(election.ballots, points, strict=True))
        votes = [{"vote": ",".join(b), "points": ",".join(map(str, p))} for b, p in pairs]
    else:
        votes = [{"vote": ",".join(ballot)} for ballot in sorted(election.ballots)]
    return write(fields, projects, votes)


def _amount(value: int, minor_units: int) -> str:
    whole, part = divmod(value, minor_units)
    if not part:
        return str(whole)
    digits = len(str(minor_units)) - 1
    return f"{whole}.{part:0{digits}d}"
