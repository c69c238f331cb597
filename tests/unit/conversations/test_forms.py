from __future__ import annotations

from datetime import time

import pytest

from engage.conversations.forms import parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", time(14, 30)),
        ("9:05", time(9, 5)),
        ("2pm", time(14)),
        ("2.30 PM", time(14, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("midday", time(12)),
        ("10", time(10)),
        ("25:00", None),
        ("13pm", None),
        ("noonish", None),
        ("", None),
    ],
)
def test_times_are_read_as_people_write_them(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected
