"""Export builders shared by every domain: pure functions from DataFrames to bytes.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage
return) as a formula, so text from residents is neutralised with a leading
apostrophe before it is written (OWASP "CSV injection").
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas."""
    result = frame.copy()
    for column in result.columns:
        if result[column].dtype == object:
            result[column] = result[column].map(_neutralise)
    return result


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with a byte-order mark so Excel opens names with accents correctly.
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per entry; sheet names are cut to Excel's 31 characters."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
            neutralise_formulas(frame).to_excel(writer, sheet_name=safe, index=False)
    return buffer.getvalue()
