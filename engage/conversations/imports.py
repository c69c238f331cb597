"""Bulk import of conversations from a spreadsheet (CSV or Excel).

Checking is a pure function: every row is checked and every problem reported with
its row number and column. By default nothing is imported while any row has a
problem; officers may instead choose to import the rows that are right.
Re-importing the same file imports nothing twice: each row's idempotency key comes
from the file's contents and the row number.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select

from engage import audit
from engage.accounts.models import User
from engage.conversations import queries
from engage.conversations.models import Conversation, ConversationSource, Event, Sentiment
from engage.conversations.services import NewConversation, build_conversation
from engage.db import DbSession
from engage.errors import RuleViolation

MAX_ROWS = 10_000
MAX_SUMMARY = 500
# Column headings we accept (compared in lower case, spaces and underscores alike).
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "when", "date of conversation"),
    "raised": ("what they raised", "raised", "what was raised", "summary", "comment"),
    "themes": ("themes", "theme"),
    "ward": ("ward", "their ward"),
    "sentiment": ("sentiment", "how they felt"),
}
HEADINGS = {
    "date": "Date",
    "raised": "What they raised",
    "themes": "Themes",
    "ward": "Ward",
    "sentiment": "Sentiment",
}
TEMPLATE_ROWS = [
    [
        "12/07/2026",
        "Fly-tipping behind the shops on Saturday mornings",
        "Litter and fly-tipping",
        "Riverside East",
        "negative",
    ],
    ["12/07/2026", "Loves the new play area in the park", "", "Not known", "positive"],
]
UNKNOWN_WARDS = {"", "unknown", "not known", "n/a"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
_TIME_FORMATS = ("", " %H:%M", " %H:%M:%S")
IMPORT_NAMESPACE = uuid.UUID("0f4c8c1e-3b0a-4f7e-9a61-6f9f5d1c2e7a")


def _heading(text: str) -> str:
    return " ".join(str(text).replace("_", " ").lower().split())


def template_frame() -> pd.DataFrame:
    return pd.DataFrame(TEMPLATE_ROWS, columns=list(HEADINGS.values()))


def read_spreadsheet(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number as the spreadsheet shows it, cells by column) for each non-blank row."""
    try:
        if filename.lower().endswith(".xlsx"):
            frame = pd.read_excel(
                io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl"
            )
        else:
            frame = pd.read_csv(
                io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
    except (
        ValueError,
        KeyError,
        UnicodeDecodeError,
        zipfile.BadZipFile,
        pd.errors.ParserError,
    ) as e:
        raise RuleViolation(
            "The file could not be read. Save it as a CSV (UTF-8) or Excel (.xlsx) file and "
            "try again"
        ) from e
    aliases = {alias: key for key, names in COLUMNS.items() for alias in names}
    columns = {aliases[_heading(c)]: c for c in frame.columns if _heading(c) in aliases}
    if "raised" not in columns:
        raise RuleViolation(
            "The first row must have column headings, including “What they raised”. "
            "Download the template to see them all"
        )
    if len(frame) > MAX_ROWS:
        raise RuleViolation(f"The file has {len(frame):,} rows; import {MAX_ROWS:,} at most")
    rows = []
    for index, record in enumerate(frame.to_dict("records")):
        cells = {key: str(record[column]).strip() for key, column in columns.items()}
        if any(cells.values()):
            rows.append((index + 2, cells))  # row 1 holds the headings
    if not rows:
        raise RuleViolation("The file has no conversations in it")
    return rows


@dataclass(frozen=True)
class ImportRow:
    line: int
    occurred_at: datetime
    summary: str
    theme_keys: tuple[str, ...]
    ward_id: int | None
    sentiment: Sentiment


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    message: str


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def lines_with_problems(self) -> int:
        return len({problem.line for problem in self.problems})


def _parse_when(text: str, zone: ZoneInfo) -> datetime | None:
    text = text.strip()
    for date_format in _DATE_FORMATS:
        for time_format in _TIME_FORMATS:
            try:
                moment = datetime.strptime(text, date_format + time_format)
            except ValueError:
                continue
            # A date alone is taken as midday, so it lands on the right day in any zone.
            at = moment.time() if time_format else time(12)
            return datetime.combine(moment.date(), at, tzinfo=zone)
    return None


def check_rows(
    records: Sequence[tuple[int, Mapping[str, str]]],
    *,
    themes: Mapping[str, str],
    wards: Mapping[str, int],
    classify: Callable[[str], tuple[str, ...]],
    zone: ZoneInfo,
    now: datetime,
    default_when: datetime | None = None,
) -> ImportCheck:
    """Check every row. ``themes`` and ``wards`` map lower-case names (and theme keys)
    to theme keys and ward ids; ``classify`` gives themes from keywords when a row
    names none; ``default_when`` (the chosen event's start) fills blank dates."""
    check = ImportCheck()
    for line, cells in records:
        problems: list[tuple[str, str]] = []
        summary = " ".join(cells.get("raised", "").split())
        if not summary:
            problems.append(("raised", "Enter what they raised"))
        elif len(summary) > MAX_SUMMARY:
            problems.append(
                ("raised", f"What they raised must be {MAX_SUMMARY} characters or fewer")
            )
        elif _CONTROL.search(summary):
            problems.append(
                ("raised", "What they raised must not contain hidden control characters")
            )

        date_text = cells.get("date", "")
        when = _parse_when(date_text, zone) if date_text else default_when
        if when is None and date_text:
            problems.append(("date", f"“{date_text}” is not a date; write it like 12/07/2026"))
        elif when is None:
            problems.append(("date", "Enter the date, or choose the event these came from"))
        elif when > now:
            problems.append(("date", "The date must not be in the future"))

        theme_text = cells.get("themes", "").strip()
        keys: list[str] = []
        for name in filter(None, (n.strip() for n in re.split(r"[;,]", theme_text))):
            key = themes.get(name.lower())
            if key is None:
                problems.append(("themes", f"“{name}” is not one of the council's themes"))
            elif key not in keys:
                keys.append(key)
        if not theme_text and summary:
            keys = list(classify(summary))
            if not keys:
                problems.append(
                    ("themes", "Enter a theme: no theme's keywords match what they raised")
                )

        ward_text = cells.get("ward", "").strip()
        ward_id = None
        if ward_text.lower() not in UNKNOWN_WARDS:
            ward_id = wards.get(ward_text.lower())
            if ward_id is None:
                problems.append(
                    ("ward", f"“{ward_text}” is not a ward. Leave it empty if not known")
                )

        sentiment = cells.get("sentiment", "").strip().lower() or Sentiment.NEUTRAL.value
        if sentiment not in {s.value for s in Sentiment}:
            problems.append(("sentiment", "Sentiment must be positive, neutral or negative"))

        if problems:
            check.problems += [RowProblem(line, HEADINGS[c], m) for c, m in problems]
        else:
            assert when is not None
            check.rows.append(
                ImportRow(line, when, summary, tuple(keys), ward_id, Sentiment(sentiment))
            )
    return check


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_imported: int
    not_imported: int


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def import_rows(
    session: DbSession,
    *,
    actor: User,
    event: Event | None,
    check: ImportCheck,
    digest: str,
    import_valid_rows: bool,
    now: datetime,
) -> ImportResult:
    """Import the checked rows. Refused while rows have problems, unless the officer
    chose to import the valid rows (the others are reported, not imported)."""
    if check.problems and not import_valid_rows:
        raise RuleViolation(
            f"{check.lines_with_problems} rows have problems, so nothing was imported"
        )
    themes = queries.themes_by_key(session)
    keys = {
        row.line: str(uuid.uuid5(IMPORT_NAMESPACE, f"{digest}:{row.line}")) for row in check.rows
    }
    seen: set[str] = set()
    values = list(keys.values())
    for start in range(0, len(values), 500):
        seen.update(
            session.scalars(
                select(Conversation.idempotency_key).where(
                    Conversation.idempotency_key.in_(values[start : start + 500])
                )
            )
        )
    imported = 0
    for row in check.rows:
        if keys[row.line] in seen:
            continue
        data = NewConversation(
            summary=row.summary,
            theme_ids=[],
            ward_id=row.ward_id,
            sentiment=row.sentiment,
            idempotency_key=keys[row.line],
        )
        row_themes = list({themes[key].id: themes[key] for key in row.theme_keys}.values())
        session.add(
            build_conversation(
                actor=actor,
                event=event,
                data=data,
                themes=row_themes,
                occurred_at=row.occurred_at,
                source=ConversationSource.IMPORT,
                now=now,
            )
        )
        imported += 1
    session.flush()
    result = ImportResult(imported, len(check.rows) - imported, check.lines_with_problems)
    audit.record(
        session,
        actor=actor,
        action="conversations.import",
        target_type="event" if event else "conversations",
        target_id=event.id if event else "*",
        imported=result.imported,
        already_imported=result.already_imported,
        not_imported=result.not_imported,
    )
    return result
