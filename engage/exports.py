"""Export builders shared by every domain: pure functions from DataFrames to bytes.

Each domain builds its own DataFrame (plain rows in, a frame out) and a view sends the
bytes these functions return; nothing here reads a request or the database.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage
return) as a formula, so text from residents could run code on an officer's computer
(OWASP "CSV injection"). Every text cell and column heading that starts with one of
those is written with a leading apostrophe, which spreadsheets show as plain text.
Numbers stay numbers: only text is touched, so a negative amount is still a number.

Usage::

    from engage.exports import to_csv_bytes, to_xlsx_bytes

    to_csv_bytes(frame)                                   # one table, UTF-8 with BOM
    to_xlsx_bytes({"Bids": bids, "Decisions": decisions})  # one sheet each
"""

from __future__ import annotations

import io

import pandas as pd
from pandas.api.types import is_object_dtype

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headings cannot run as formulas.

    Text in object, string and category columns is checked cell by cell (mixed
    columns keep their numbers as they are); the input frame is never changed.
    """
    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if is_object_dtype(series.dtype) or isinstance(series.dtype, pd.StringDtype):
            result[column] = series.map(_neutralise, na_action="ignore")
    result.columns = [_neutralise(name) for name in result.columns]
    return result


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with a byte-order mark so Excel opens names with accents correctly.
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def _without_time_zones(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store a time zone: aware datetimes are written as UTC clock times."""
    result = frame.copy()
    for column in result.columns:
        if isinstance(result[column].dtype, pd.DatetimeTZDtype):
            result[column] = result[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return result


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per entry, in order. Sheet names lose the characters
    Excel forbids (``[]:*?/\\``) and are cut to its 31 characters."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
            _without_time_zones(neutralise_formulas(frame)).to_excel(
                writer, sheet_name=safe, index=False
            )
    return buffer.getvalue()
