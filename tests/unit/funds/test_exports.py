"""The export builders are pure: plain rows in, a frame with the council's column
names out; written out, text that could run as a formula is neutralised and money
stays a number."""

from __future__ import annotations

import io

import pandas as pd

from engage.exports import to_csv_bytes, to_xlsx_bytes
from engage.funds.exports import BID_COLUMNS, BidRow, DecisionRow, bids_frame, decisions_frame

ROW = BidRow(
    reference="LF00001",
    title="@SUM(A1:A9)",
    status="Approved",
    wards="Riverside East",
    proposed_by="A resident",
    local_need="-1 bins on the street",
    deliverables="Bins",
    service="Street Cleansing",
    aims="Safer streets",
    amount_requested=900.0,
    one_off="Yes",
    ongoing_cost_per_year=None,
    paid_to_voluntary_organisation="No",
    submitted="2026-11-01 10:00",
    allocation="Riverside East ward",
    decided_by="Grace Okafor",
    decided="2026-11-20 09:30",
    decision_reason="=1+1",
    amount_approved=825.5,
    actual_spend=None,
    completed="",
)


def test_bids_frame_uses_the_councils_column_names_in_order() -> None:
    frame = bids_frame([ROW])
    assert list(frame.columns) == list(BID_COLUMNS.values())
    assert frame.loc[0, "Amount approved (£)"] == 825.5


def test_an_empty_export_still_has_its_headings() -> None:
    assert list(decisions_frame([]).columns)[:3] == ["When", "Reference", "Title"]


def test_written_out_formulas_are_neutralised_and_money_stays_numeric() -> None:
    frame = pd.read_csv(io.BytesIO(to_csv_bytes(bids_frame([ROW]))), encoding="utf-8-sig")
    assert frame.loc[0, "Title"] == "'@SUM(A1:A9)"
    assert frame.loc[0, "Local need"] == "'-1 bins on the street"
    assert frame.loc[0, "Decision reason"] == "'=1+1"
    assert frame.loc[0, "Amount requested (£)"] == 900


def test_decisions_go_to_their_own_sheet() -> None:
    row = DecisionRow(
        "2026-11-20 09:30",
        "LF00001",
        "Bins",
        "Approved",
        "Grace Okafor",
        "Awaiting councillor decision",
        "Approved",
        None,
        825.5,
        "+good",
    )
    book = pd.read_excel(
        io.BytesIO(to_xlsx_bytes({"Decisions": decisions_frame([row])})), sheet_name=None
    )
    assert list(book) == ["Decisions"]
    assert book["Decisions"].loc[0, "Reason"] == "'+good"
    assert book["Decisions"].loc[0, "Approved after (£)"] == 825.5
