from __future__ import annotations

import io
import json
import zipfile

from flask import Flask
from flask.testing import FlaskClient

from engage.accounts.models import User
from engage.audit import AuditEntry
from engage.extensions import db
from engage.hooks import hooks
from tests.conftest import PASSWORD, World, post_form, sign_in_as


def test_a_resident_downloads_their_data(client: FlaskClient, world: World) -> None:
    resident = world.people["resident"]
    sign_in_as(client, resident)
    response = post_form(client, "/account/your-data/download")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("your-data.json"))
    assert data["account"][0]["email"] == resident.email
    assert data["account"][0]["ward"] == "Riverside East"
    assert resident.email in archive.read("account.csv").decode()


def test_each_domain_adds_to_the_download_and_erases_on_deletion(
    app: Flask, client: FlaskClient, world: World
) -> None:
    resident = world.people["resident"]
    erased: list[int] = []

    def exporter(session, user):  # type: ignore[no-untyped-def]
        return {"posts": [{"title": '=HYPERLINK("http://x")', "author": user.display_name}]}

    def eraser(session, user):  # type: ignore[no-untyped-def]
        erased.append(user.id)

    hooks(app).personal_data_exporters.append(exporter)
    hooks(app).account_erasers.append(eraser)
    try:
        sign_in_as(client, resident)
        archive = zipfile.ZipFile(io.BytesIO(post_form(client, "/account/your-data/download").data))
        posts_csv = archive.read("posts.csv").decode()
        assert "'=HYPERLINK" in posts_csv  # neutralised against formula injection
        post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    finally:
        hooks(app).personal_data_exporters.remove(exporter)
        hooks(app).account_erasers.remove(eraser)
    assert erased == [resident.id]


def test_deleting_your_account_erases_personal_fields(client: FlaskClient, world: World) -> None:
    resident = world.people["resident"]
    email = resident.email
    sign_in_as(client, resident)
    refused = post_form(client, "/account/delete", {"password": "not my password"})
    page = refused.get_data(as_text=True)
    assert "Your password is not correct" in page or "Confirm you understand" in page
    db.session.refresh(resident)
    assert not resident.erased

    response = post_form(client, "/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.location == "/"
    db.session.refresh(resident)
    assert resident.erased and resident.display_name == "Former member"
    assert resident.email != email and resident.postcode is None
    assert client.get("/account/").status_code == 302  # signed out
    signed_in = post_form(client, "/account/sign-in", {"email": email, "password": PASSWORD})
    assert "Enter a correct email address and password" in signed_in.get_data(as_text=True)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "account.erase"))
    assert entry.target_id == str(resident.id)


def test_officers_handle_requests_with_a_recorded_reason(client: FlaskClient, world: World) -> None:
    officer, resident = world.people["officer"], world.people["resident"]
    sign_in_as(client, officer)
    no_reason = post_form(client, f"/admin/people/{resident.id}/data", {})
    assert no_reason.status_code == 302
    download = post_form(
        client,
        f"/admin/people/{resident.id}/data",
        {"data-reason": "Letter of 3 May, ID checked at the town hall"},
    )
    assert download.mimetype == "application/zip"

    erase = post_form(
        client, f"/admin/people/{resident.id}/erase", {"reason": "Written request, ID checked"}
    )
    assert erase.status_code == 302
    db.session.refresh(resident)
    assert resident.erased
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["account.data_request", "account.erase"]
    assert db.session.get(User, officer.id).display_name == "Priya Officer"
