from __future__ import annotations

import io

import pandas as pd

from engage.exports import neutralise_formulas, to_csv_bytes, to_xlsx_bytes


def test_cells_that_would_run_as_formulas_are_neutralised() -> None:
    frame = pd.DataFrame(
        {"text": ["=SUM(A1)", "+44 20", "-1", "@cmd", "\tx", "safe"], "number": [1, 2, 3, 4, 5, -6]}
    )
    cleaned = neutralise_formulas(frame)
    assert list(cleaned["text"]) == ["'=SUM(A1)", "'+44 20", "'-1", "'@cmd", "'\tx", "safe"]
    assert list(cleaned["number"]) == [1, 2, 3, 4, 5, -6]  # numbers stay numbers
    assert list(frame["text"])[0] == "=SUM(A1)"  # the input is not changed


def test_csv_and_xlsx_round_trip_through_pandas() -> None:
    frame = pd.DataFrame({"ward": ["Abbey Fields", "Canal Side"], "mentions": [12, 7]})
    assert pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig").equals(frame)
    sheets = pd.read_excel(
        io.BytesIO(to_xlsx_bytes({"Summary": frame, "a/b": frame})), sheet_name=None
    )
    assert list(sheets) == ["Summary", "ab"]
    assert sheets["Summary"].equals(frame)
