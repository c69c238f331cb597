"""Spreadsheet imports and the council's themes."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from flask.testing import FlaskClient

from engage.audit import AuditEntry
from engage.conversations.models import Conversation, Event, Theme
from engage.extensions import db
from tests.conftest import World, post_form, sign_in_as

GOOD_AND_BAD = (
    "Date,What they raised,Themes,Ward,Sentiment\r\n"
    "12/07/2026,Fly-tipping behind the shops,Litter and fly-tipping,Riverside East,negative\r\n"
    "12/07/2026,,Housing,,\r\n"
    "12/07/2026,Lovely new playground,,Atlantis,positive\r\n"
)


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(Conversation)) or 0


def _upload(client: FlaskClient, content: bytes, name: str = "log.csv", **fields: str):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(content), name), "event_id": "0", **fields}
    return post_form(client, "/conversations/import", data, content_type="multipart/form-data")


def test_nothing_is_imported_while_any_row_has_a_problem(
    client: FlaskClient, world: World, themes: dict[str, Theme]
) -> None:
    sign_in_as(client, world.people["officer"])
    html = _upload(client, GOOD_AND_BAD.encode()).get_data(as_text=True)
    assert "<title>Error: " in html
    assert "Nothing was imported: 2 rows have problems" in html
    assert "Row 3, What they raised: Enter what they raised" in html
    assert "“Atlantis” is not a ward" in html
    assert _count() == 0


def test_an_officer_can_choose_to_import_the_valid_rows(
    client: FlaskClient, world: World, themes: dict[str, Theme]
) -> None:
    sign_in_as(client, world.people["officer"])
    html = _upload(client, GOOD_AND_BAD.encode(), import_valid_rows="y").get_data(as_text=True)
    assert "1 conversations imported. 2 rows had problems and were not imported." in html
    assert "Rows with problems were not imported" in html
    assert _count() == 1
    saved = db.session.scalar(db.select(Conversation))
    assert saved.ward_id == world.ward.id and saved.source.value == "import"


def test_an_excel_file_for_an_event_and_importing_it_again_adds_nothing(
    client: FlaskClient, world: World, themes: dict[str, Theme], make_event: Callable[..., Event]
) -> None:
    event = make_event("Summer fair")
    frame = pd.DataFrame(
        {
            "What they raised": ["Potholes on the main road", "More youth clubs please"],
            "Themes": ["Roads and pavements", ""],
            "Ward": ["Riverside East", "not known"],
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    sign_in_as(client, world.people["officer"])
    first = _upload(client, buffer.getvalue(), "paper-forms.xlsx", event_id=str(event.id))
    assert first.status_code == 302
    again = _upload(client, buffer.getvalue(), "paper-forms.xlsx", event_id=str(event.id))
    message = client.get(again.location).get_data(as_text=True)
    assert "0 conversations imported. 2 were already imported from this file." in message
    assert _count() == 2
    rows = db.session.scalars(db.select(Conversation).order_by(Conversation.id)).all()
    assert all(row.event_id == event.id and row.occurred_at == event.starts_at for row in rows)
    assert [t.key for t in rows[1].themes] == ["youth-provision"]  # chosen by keywords


def test_a_file_that_is_not_a_spreadsheet_is_explained(
    client: FlaskClient, world: World, themes: dict[str, Theme]
) -> None:
    sign_in_as(client, world.people["officer"])
    html = _upload(client, b"%PDF-1.4", "notes.pdf").get_data(as_text=True)
    assert "The file must be a CSV or an Excel (.xlsx) file" in html
    html = _upload(client, b"PK\x03\x04 broken", "log.xlsx").get_data(as_text=True)
    assert "The file could not be read" in html
    template = client.get("/conversations/import/template.csv")
    assert template.mimetype == "text/csv"
    assert "What they raised" in template.get_data(as_text=True)


def test_officers_add_edit_and_merge_themes(
    client: FlaskClient,
    world: World,
    themes: dict[str, Theme],
    make_conversation: Callable[..., Conversation],
) -> None:
    noise = make_conversation("anti-social-behaviour", summary="Loud music at night")
    sign_in_as(client, world.people["officer"])
    post_form(client, "/conversations/themes/new", {"name": "Dog fouling", "keywords": "dog mess"})
    clash = post_form(client, "/conversations/themes/new", {"name": "HOUSING", "keywords": ""})
    assert "There is already a theme called Housing" in clash.get_data(as_text=True)
    housing = themes["housing"]
    post_form(
        client,
        f"/conversations/themes/{housing.id}/edit",
        {"name": "Housing and repairs", "keywords": "damp, mould, landlord*"},
    )
    page = client.get("/conversations/themes").get_data(as_text=True)
    assert "Dog fouling" in page and "Housing and repairs" in page and "landlord*" in page

    same = post_form(
        client,
        "/conversations/themes/merge",
        {"source_id": housing.id, "target_id": housing.id, "reason": "x"},
    )
    assert "Choose two different themes" in same.get_data(as_text=True)
    merged = post_form(
        client,
        "/conversations/themes/merge",
        {
            "source_id": themes["anti-social-behaviour"].id,
            "target_id": themes["community-safety"].id,
            "reason": "Residents do not separate them",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Anti-social behaviour merged into Community safety: 1 conversations re-tagged" in merged
    db.session.expire_all()
    assert [t.key for t in db.session.get(Conversation, noise.id).themes] == ["community-safety"]
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "conversations.theme.merge")
    )
    assert entry.reason == "Residents do not separate them"


def test_the_standard_themes_can_be_added_when_there_are_none(
    client: FlaskClient, world: World
) -> None:
    sign_in_as(client, world.people["officer"])
    assert "Add the standard themes" in client.get("/conversations/themes").get_data(as_text=True)
    post_form(client, "/conversations/themes/standard")
    names = db.session.scalars(db.select(Theme.name)).all()
    assert "Litter and fly-tipping" in names and len(names) == 12
