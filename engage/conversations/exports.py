"""Spreadsheets for officers, as pure builders: plain data in, DataFrames out.

The byte conversion (and neutralising spreadsheet formulas) is ``engage.exports``.
Contact details are never read here: the log export is built from conversations
alone, with quotes passed through ``redact``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from engage.conversations.priorities import WardPriorities, source_label
from engage.conversations.queries import LoggedConversation
from engage.conversations.ranking import Period
from engage.conversations.redaction import redact

PRIORITY_COLUMNS = (
    "Ward",
    "Rank",
    "Theme",
    "Score",
    "Previous period score",
    "Change",
    "Trend",
    "Previous rank",
)


def _sources(results: Iterable[WardPriorities]) -> list[str]:
    found = {source for r in results for p in r.priorities for source in p.by_source}
    # Conversations first, then the other services alphabetically.
    return sorted(found, key=lambda s: (s != "conversations", s))


def priorities_frame(
    results: Mapping[str, WardPriorities], theme_names: Mapping[str, str]
) -> pd.DataFrame:
    """One row per ward and theme: rank, score, trend and mentions from each source."""
    sources = _sources(results.values())
    rows = []
    for ward_name, result in results.items():
        for p in result.priorities:
            row: dict[str, object] = {
                "Ward": ward_name,
                "Rank": p.rank,
                "Theme": theme_names.get(p.theme_key, p.theme_key),
                "Score": p.score,
                "Previous period score": p.previous_score,
                "Change": p.change,
                "Trend": p.trend.label,
                "Previous rank": p.previous_rank,
            }
            for source in sources:
                row[source_label(source)] = p.by_source.get(source, 0)
            rows.append(row)
    columns = [*PRIORITY_COLUMNS, *(source_label(s) for s in sources)]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Previous rank"] = frame["Previous rank"].astype("Int64")
    return frame


def summary_frame(
    results: Mapping[str, WardPriorities], theme_names: Mapping[str, str], period: Period
) -> pd.DataFrame:
    """One row per ward: its top three priorities and biggest mover."""

    def name(result: WardPriorities, index: int) -> str:
        if len(result.priorities) <= index:
            return ""
        return theme_names.get(result.priorities[index].theme_key, "")

    rows = [
        {
            "Ward": ward_name,
            "Period from": period.start.date(),
            "Period to": (period.end - pd.Timedelta(days=1)).date(),
            "Top priority": name(result, 0),
            "Top priority score": result.priorities[0].score if result.priorities else 0,
            "Second": name(result, 1),
            "Third": name(result, 2),
            "Biggest mover": (
                theme_names.get(result.movers[0].theme_key, "") if result.movers else ""
            ),
            "Total weighted mentions": sum(p.score for p in result.priorities),
            "Mentions matching no theme": result.unclassified,
        }
        for ward_name, result in results.items()
    ]
    return pd.DataFrame(rows)


def priorities_workbook(
    results: Mapping[str, WardPriorities], theme_names: Mapping[str, str], period: Period
) -> dict[str, pd.DataFrame]:
    """A summary sheet, then one sheet per ward (Excel's 31-character names kept unique)."""
    sheets = {"Summary": summary_frame(results, theme_names, period)}
    frame = priorities_frame(results, theme_names)
    for ward_name in results:
        sheet = _unique_sheet_name(ward_name, sheets)
        sheets[sheet] = frame[frame["Ward"] == ward_name].drop(columns="Ward")
    return sheets


def _unique_sheet_name(name: str, taken: Mapping[str, object]) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Ward"
    candidate, n = cleaned, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    return candidate


LOG_COLUMNS = (
    "Date",
    "Event",
    "Ward",
    "Themes",
    "Sentiment",
    "What they raised (personal details removed)",
    "Wanted a reply",
    "Followed up",
)


def conversation_log_frame(conversations: Iterable[LoggedConversation]) -> pd.DataFrame:
    rows = [
        (
            c.occurred_at.date(),
            c.event,
            c.ward or "Not known",
            "; ".join(c.themes),
            c.sentiment,
            redact(c.summary),
            "Yes" if c.wanted_reply else "No",
            "Yes" if c.followed_up else "No",
        )
        for c in conversations
    ]
    return pd.DataFrame(rows, columns=LOG_COLUMNS)
