"""Spreadsheets built from hand-made priorities: right numbers, no personal data."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd

from engage.conversations.exports import (
    conversation_log_frame,
    priorities_frame,
    priorities_workbook,
)
from engage.conversations.priorities import WardPriorities
from engage.conversations.queries import LoggedConversation
from engage.conversations.ranking import Period, Tally, movers, rank_priorities
from engage.exports import to_csv_bytes, to_xlsx_bytes

PERIOD = Period(datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC))
NAMES = {"litter": "Litter and fly-tipping", "parks": "Parks and green spaces", "youth": "Youth"}


def ward(ward_id: int, *tallies: Tally, unclassified: int = 0) -> WardPriorities:
    ranked = rank_priorities(tallies)
    return WardPriorities(ward_id, PERIOD, ranked, movers(ranked), unclassified)


RESULTS = {
    "Riverside East": ward(
        1,
        Tally("litter", "conversations", 7, 2),
        Tally("litter", "forum", 2),
        Tally("parks", "conversations", 3, 3),
        unclassified=4,
    ),
    "A ward with a very long name indeed, longer than Excel allows": ward(
        2, Tally("youth", "pb", 5, 0)
    ),
    "Quiet Ward": ward(3),
}


def test_priorities_frame_has_a_row_per_ward_and_theme_with_source_columns() -> None:
    frame = priorities_frame(RESULTS, NAMES)
    assert list(frame.columns) == [
        "Ward",
        "Rank",
        "Theme",
        "Score",
        "Previous period score",
        "Change",
        "Trend",
        "Previous rank",
        "Conversations at events",
        "Forum posts",
        "Participatory budgeting",
    ]
    first = frame.iloc[0]
    assert first["Ward"] == "Riverside East" and first["Theme"] == "Litter and fly-tipping"
    assert (first["Score"], first["Previous period score"], first["Change"]) == (9, 2, 7)
    assert (first["Conversations at events"], first["Forum posts"]) == (7, 2)
    assert first["Trend"] == "Rising"
    assert len(frame) == 3  # the quiet ward has no rows


def test_workbook_has_a_summary_sheet_then_one_sheet_per_ward() -> None:
    workbook = to_xlsx_bytes(priorities_workbook(RESULTS, NAMES, PERIOD))
    sheets = pd.read_excel(io.BytesIO(workbook), sheet_name=None)
    assert list(sheets) == [
        "Summary",
        "Riverside East",
        "A ward with a very long name in",
        "Quiet Ward",
    ]
    summary = sheets["Summary"].set_index("Ward")
    assert summary.loc["Riverside East", "Top priority"] == "Litter and fly-tipping"
    assert summary.loc["Riverside East", "Total weighted mentions"] == 12
    assert summary.loc["Riverside East", "Mentions matching no theme"] == 4
    assert summary.loc["Riverside East", "Biggest mover"] == "Litter and fly-tipping"
    assert summary.loc["Quiet Ward", "Total weighted mentions"] == 0
    east = sheets["Riverside East"]
    assert "Ward" not in east.columns
    assert east["Score"].tolist() == [9, 3]


def test_log_export_removes_personal_details_and_neutralises_formulas() -> None:
    frame = conversation_log_frame(
        [
            LoggedConversation(
                occurred_at=datetime(2026, 7, 12, 11, tzinfo=UTC),
                event="Summer festival",
                ward="",
                themes=("Enforcement", "Litter and fly-tipping"),
                sentiment="Negative",
                summary='=HYPERLINK("http://x") dumped at 14 Mill Lane, ring 07700 900123',
                wanted_reply=True,
                followed_up=False,
            )
        ]
    )
    row = frame.iloc[0]
    assert row["Ward"] == "Not known"
    assert row["Themes"] == "Enforcement; Litter and fly-tipping"
    said = row["What they raised (personal details removed)"]
    assert "Mill Lane" not in said and "07700" not in said
    csv = to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert not any("contact" in column.lower() or "email" in column.lower() for column in frame)
