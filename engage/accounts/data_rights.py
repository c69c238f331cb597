"""UK GDPR rights of access and erasure: a person's data as a download, and account
deletion that erases personal fields while keeping what the public record needs.

Each domain adds its own tables and erasure through ``engage.hooks.add_personal_data``:
posts stay as "Former member", ballots stay counted but unlinked.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from typing import Any

import pandas as pd

from engage import audit
from engage.accounts.models import User
from engage.db import DbSession, utcnow
from engage.errors import RuleViolation
from engage.exports import to_csv_bytes
from engage.hooks import hooks

FORMER_MEMBER = "Former member"


def account_tables(user: User) -> dict[str, list[dict[str, Any]]]:
    profile = user.councillor_profile
    return {
        "account": [
            {
                "name": user.display_name,
                "email": user.email,
                "email_confirmed_at": user.email_confirmed_at,
                "postcode": user.postcode,
                "ward": user.ward.name if user.ward else None,
                "ward_verified_at": user.ward_verified_at,
                "joined_at": user.created_at,
                "authenticator_app": bool(user.totp_secret),
            }
        ],
        "roles": [
            {"role": grant.role.label, "granted_at": grant.granted_at} for grant in user.roles
        ],
        "councillor_profile": (
            [
                {
                    "wards": ", ".join(w.name for w in user.represented_wards),
                    "party": profile.party,
                    "biography": profile.biography,
                    "surgeries": profile.surgeries,
                }
            ]
            if profile
            else []
        ),
    }


def personal_data(session: DbSession, user: User) -> dict[str, list[dict[str, Any]]]:
    tables = account_tables(user)
    for exporter in hooks().personal_data_exporters:
        tables.update(exporter(session, user))
    return tables


def personal_data_zip(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """A ZIP with everything as one JSON file and one CSV per table."""

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("your-data.json", json.dumps(tables, indent=2, default=str))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", to_csv_bytes(pd.DataFrame(rows)))
    return buffer.getvalue()


def erase_account(session: DbSession, *, actor: User, user: User, reason: str) -> None:
    if user.erased:
        raise RuleViolation("This account has already been deleted")
    if user.is_administrator and actor.id == user.id:
        raise RuleViolation(
            "Administrators must have their role removed before deleting their own account"
        )
    for eraser in hooks().account_erasers:
        eraser(session, user)
    user.display_name = FORMER_MEMBER
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.password_hash = "!"  # noqa: S105 (not a password: a hash that matches none)
    user.postcode = None
    user.totp_secret = None
    user.email_confirmed_at = None
    user.ward_verified_at = None
    user.ward_verified_by_id = None
    user.roles.clear()
    user.represented_wards.clear()
    user.councillor_profile = None
    user.session_version += 1
    user.erased_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="account.erase",
        target_type="user",
        target_id=user.id,
        reason=reason,
        on_request_of="themselves" if actor.id == user.id else "an officer",
    )
    session.flush()
