"""Checking spreadsheet rows before anything is imported."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from engage.conversations.imports import check_rows, read_spreadsheet
from engage.conversations.models import Sentiment
from engage.conversations.ranking import Classifier
from engage.errors import RuleViolation

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 9, 1, 12, tzinfo=UTC)
THEMES = {
    "litter and fly-tipping": "litter-and-fly-tipping",
    "litter-and-fly-tipping": "litter-and-fly-tipping",
    "enforcement": "enforcement",
    "parks and green spaces": "parks-and-green-spaces",
    "parks": "parks-and-green-spaces",  # a merged theme's old name
}
WARDS = {"riverside east": 1, "abbey fields": 2}
CLASSIFY = Classifier({"parks-and-green-spaces": ["park", "playground"]})


def check(*rows: dict[str, str], default_when: datetime | None = None):  # type: ignore[no-untyped-def]
    return check_rows(
        list(enumerate(rows, start=2)),
        themes=THEMES,
        wards=WARDS,
        classify=CLASSIFY,
        zone=LONDON,
        now=NOW,
        default_when=default_when,
    )


def test_good_rows_become_conversations() -> None:
    result = check(
        {
            "date": "12/07/2026",
            "raised": "  Fly-tipping behind   the shops ",
            "themes": "Litter and fly-tipping; Enforcement",
            "ward": "Riverside East",
            "sentiment": "Negative",
        },
        {"date": "2026-07-13 15:30", "raised": "Lovely playground", "themes": "", "ward": ""},
    )
    assert result.problems == []
    first, second = result.rows
    assert first.line == 2 and first.summary == "Fly-tipping behind the shops"
    assert first.theme_keys == ("litter-and-fly-tipping", "enforcement")
    assert first.ward_id == 1 and first.sentiment == Sentiment.NEGATIVE
    # A date alone is midday in the council's time zone (BST in July).
    assert first.occurred_at == datetime(2026, 7, 12, 11, tzinfo=UTC)
    assert second.occurred_at == datetime(2026, 7, 13, 14, 30, tzinfo=UTC)
    # No themes given: the keywords chose; no ward: not known; no sentiment: neutral.
    assert second.theme_keys == ("parks-and-green-spaces",)
    assert second.ward_id is None and second.sentiment == Sentiment.NEUTRAL


def test_every_problem_is_reported_with_its_row_and_column() -> None:
    result = check(
        {"date": "32/13/2026", "raised": "", "themes": "Bins", "ward": "Atlantis"},
        {"date": "01/01/2030", "raised": "Noise at night", "sentiment": "furious"},
        {"date": "", "raised": "Something", "themes": "Enforcement"},
    )
    assert result.rows == []
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (2, "What they raised", "Enter what they raised"),
        (2, "Date", "“32/13/2026” is not a date; write it like 12/07/2026"),
        (2, "Themes", "“Bins” is not one of the council's themes"),
        (2, "Ward", "“Atlantis” is not a ward. Leave it empty if not known"),
        (3, "Date", "The date must not be in the future"),
        (3, "Themes", "Enter a theme: no theme's keywords match what they raised"),
        (3, "Sentiment", "Sentiment must be positive, neutral or negative"),
        (4, "Date", "Enter the date, or choose the event these came from"),
    ]
    assert result.lines_with_problems == 3


def test_the_chosen_event_fills_blank_dates_and_old_theme_names_still_work() -> None:
    event_start = datetime(2026, 6, 20, 10, tzinfo=UTC)
    result = check(
        {"raised": "Parks need more bins", "themes": "parks, enforcement"},
        default_when=event_start,
    )
    assert result.problems == []
    assert result.rows[0].occurred_at == event_start
    assert result.rows[0].theme_keys == ("parks-and-green-spaces", "enforcement")


def test_long_summaries_and_control_characters_are_refused() -> None:
    result = check(
        {"date": "01/07/2026", "raised": "x" * 501, "themes": "Enforcement"},
        {"date": "01/07/2026", "raised": "bad\x07bell", "themes": "Enforcement"},
    )
    assert [p.message for p in result.problems] == [
        "What they raised must be 500 characters or fewer",
        "What they raised must not contain hidden control characters",
    ]


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_csv_and_excel_files_are_read_with_their_row_numbers() -> None:
    csv = (
        "\ufeffDate,What they raised,Themes,Ward,Sentiment\r\n"
        "12/07/2026,Fly-tipping,Enforcement,Riverside East,negative\r\n"
        ",,,,\r\n"
        "13/07/2026,Potholes,,,\r\n"
    ).encode()
    rows = read_spreadsheet("log.csv", csv)
    assert [line for line, _ in rows] == [2, 4]
    assert rows[0][1] == {
        "date": "12/07/2026",
        "raised": "Fly-tipping",
        "themes": "Enforcement",
        "ward": "Riverside East",
        "sentiment": "negative",
    }
    frame = pd.DataFrame(
        {"what_they_raised": ["Noise"], "DATE": [datetime(2026, 7, 12)], "Ward": ["Abbey Fields"]}
    )
    ((line, cells),) = read_spreadsheet("log.xlsx", _xlsx(frame))
    assert line == 2 and cells["raised"] == "Noise" and cells["ward"] == "Abbey Fields"
    assert cells["date"].startswith("2026-07-12")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("log.csv", b"Date,Ward\r\n12/07/2026,Abbey\r\n", "What they raised"),
        ("log.xlsx", b"this is not a workbook", "could not be read"),
        ("log.csv", b"\xff\xfe\x00bad", "could not be read"),
        ("log.csv", b"What they raised\r\n", "no conversations"),
    ],
)
def test_unreadable_files_are_explained(name: str, content: bytes, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        read_spreadsheet(name, content)
