from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from engage.accounts.models import Role, User
from engage.audit import AuditEntry
from engage.errors import RuleViolation
from engage.extensions import db
from engage.wards.models import Ward
from tests.conftest import World, post_form, sign_in_as


def test_granting_and_removing_a_role_is_audited(client: FlaskClient, world: World) -> None:
    admin, resident = world.people["administrator"], world.people["resident"]
    sign_in_as(client, admin)
    response = post_form(
        client,
        f"/admin/people/{resident.id}/roles",
        {"role": "councillor", "reason": "Elected in May"},
    )
    assert response.status_code == 302
    db.session.refresh(resident)
    assert resident.is_councillor

    post_form(
        client, f"/admin/people/{resident.id}/roles/councillor/remove", {"reason": "Stood down"}
    )
    db.session.refresh(resident)
    assert not resident.is_councillor
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.reason, e.actor_id, e.details["role"]) for e in entries] == [
        ("role.grant", "Elected in May", admin.id, "councillor"),
        ("role.revoke", "Stood down", admin.id, "councillor"),
    ]


def test_a_grant_without_a_reason_is_refused_and_changes_nothing(
    client: FlaskClient, world: World
) -> None:
    resident = world.people["resident"]
    sign_in_as(client, world.people["administrator"])
    response = post_form(client, f"/admin/people/{resident.id}/roles", {"role": "councillor"})
    assert "Enter a reason" in response.get_data(as_text=True)
    db.session.refresh(resident)
    assert not resident.roles
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0


def test_the_last_administrator_cannot_be_removed(client: FlaskClient, world: World) -> None:
    admin = world.people["administrator"]
    sign_in_as(client, admin)
    response = post_form(
        client, f"/admin/people/{admin.id}/roles/administrator/remove", {"reason": "Testing"}
    )
    assert "at least one administrator" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_administrator


def test_an_officer_verifies_a_ward_with_a_reason(
    client: FlaskClient, world: World, make_user: Callable[..., User]
) -> None:
    newcomer = make_user(ward=world.ward, verified=False)
    sign_in_as(client, world.people["officer"])
    post_form(
        client,
        f"/admin/people/{newcomer.id}/verify-ward",
        {"verify-reason": "Council tax bill seen at the festival stand"},
    )
    db.session.refresh(newcomer)
    assert newcomer.ward_verified
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "ward.verify"))
    assert entry.reason == "Council tax bill seen at the festival stand"


def test_people_search_finds_by_name_and_email(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    html = client.get("/admin/people?q=elsewhere").get_data(as_text=True)
    assert "Chris Elsewhere" in html and "Jamie Resident" not in html


def test_audit_entries_cannot_be_changed_or_deleted(world: World) -> None:
    from engage import audit

    audit.record(db.session, actor=None, action="test", target_type="user", target_id=1)
    db.session.commit()
    entry = db.session.scalar(db.select(AuditEntry))
    entry.reason = "rewritten"
    with pytest.raises(RuleViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(db.select(AuditEntry)))
    with pytest.raises(RuleViolation):
        db.session.flush()
    db.session.rollback()


def test_ward_page_shows_councillors_and_named_contacts(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    post_form(
        client,
        f"/wards/{world.ward.slug}/contacts/new",
        {
            "name": "Marcus Bell",
            "job_title": "Team Leader",
            "service": "Street Cleansing",
            "responsibilities": "Litter and fly-tipping",
            "email": "marcus@example.org",
        },
    )
    html = client.get(f"/wards/{world.ward.slug}").get_data(as_text=True)
    assert "Councillor Grace Councillor" in html
    assert "Marcus Bell" in html and "Litter and fly-tipping" in html


def test_contact_form_errors_keep_what_was_typed(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.people["officer"])
    response = post_form(
        client,
        f"/wards/{world.ward.slug}/contacts/new",
        {"name": "Marcus Bell", "email": "not-an-email"},
    )
    html = response.get_data(as_text=True)
    assert "<title>Error:" in html and "Enter their job title" in html
    assert 'value="Marcus Bell"' in html
    assert not db.session.get(Ward, world.ward.id).contacts


def test_councillor_of_one_ward_only_is_listed_there(client: FlaskClient, world: World) -> None:
    html = client.get(f"/wards/{world.other_ward.slug}").get_data(as_text=True)
    assert "Grace Councillor" not in html
    assert world.people["councillor"].has_role(Role.COUNCILLOR)
