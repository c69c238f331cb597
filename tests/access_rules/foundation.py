"""Pages, accounts, wards and administration."""

from __future__ import annotations

from typing import Any

from engage.extensions import db
from engage.wards.models import WardContact
from tests.access_rules import (
    ADMINISTRATORS,
    EVERYONE_BAD_LINK,
    LOGIN,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    STAFF,
)

EXPECTED: dict[str, dict[str, str]] = {
    "pages.home GET": PUBLIC,
    "pages.accessibility GET": PUBLIC,
    "pages.privacy GET": PUBLIC,
    "pages.cookies GET": PUBLIC,
    "pages.contact GET": PUBLIC,
    "pages.brand_css GET": PUBLIC,
    "pages.health GET": PUBLIC,
    "accounts.register GET": PUBLIC,
    "accounts.register POST": PUBLIC,
    "accounts.check_email GET": PUBLIC,
    "accounts.sign_in GET": PUBLIC,
    "accounts.sign_in POST": PUBLIC,
    "accounts.sign_out POST": PUBLIC,
    "accounts.account GET": SIGNED_IN,
    "accounts.confirm_email GET": EVERYONE_BAD_LINK,
    "accounts.resend_confirmation POST": SIGNED_IN,
    "accounts.change_password GET": SIGNED_IN,
    "accounts.change_password POST": SIGNED_IN,
    "accounts.reset_request GET": PUBLIC,
    "accounts.reset_request POST": PUBLIC,
    "accounts.reset_password GET": EVERYONE_BAD_LINK,
    "accounts.reset_password POST": EVERYONE_BAD_LINK,
    # With no password step pending, everyone is sent back to sign in.
    "accounts.sign_in_code GET": {role: LOGIN for role in ROLES},
    "accounts.sign_in_code POST": {role: LOGIN for role in ROLES},
    "accounts.confirm_password GET": SIGNED_IN,
    "accounts.confirm_password POST": SIGNED_IN,
    "accounts.two_factor GET": SIGNED_IN,
    "accounts.two_factor_setup GET": SIGNED_IN,
    "accounts.two_factor_setup POST": SIGNED_IN,
    "accounts.two_factor_turn_off POST": SIGNED_IN,
    "accounts.your_data GET": SIGNED_IN,
    "accounts.download_data POST": SIGNED_IN,
    "accounts.delete_account GET": SIGNED_IN,
    "accounts.delete_account POST": SIGNED_IN,
    "accounts.home GET": SIGNED_IN,
    "accounts.home POST": SIGNED_IN,
    "wards.index GET": PUBLIC,
    "wards.show GET": PUBLIC,
    "wards.new_contact GET": STAFF,
    "wards.new_contact POST": STAFF,
    "wards.edit_contact GET": STAFF,
    "wards.edit_contact POST": STAFF,
    "wards.remove_contact POST": STAFF,
    "admin.people GET": STAFF,
    "admin.person GET": STAFF,
    "admin.grant_role POST": ADMINISTRATORS,
    "admin.revoke_role GET": ADMINISTRATORS,
    "admin.revoke_role POST": ADMINISTRATORS,
    "admin.verify_ward POST": STAFF,
    "admin.councillor_profile GET": ADMINISTRATORS,
    "admin.councillor_profile POST": ADMINISTRATORS,
    "admin.audit_log GET": ADMINISTRATORS,
    # Officers with engagement permission (our "officer" holds all) and administrators.
    "admin.person_data POST": STAFF,
    "admin.erase_person GET": STAFF,
    "admin.erase_person POST": STAFF,
}


def url_values(world: Any, endpoint: str) -> dict[str, Any]:
    if not endpoint.startswith(("wards.", "admin.", "accounts.")):
        return {}
    contact = WardContact(
        ward=world.ward,
        name="Dana Whitfield",
        job_title="Neighbourhood Officer",
        service="Community Safety",
        email="dana@example.org",
    )
    db.session.add(contact)
    db.session.commit()
    # The councillor profile page exists only for councillors.
    person = world.people["councillor" if endpoint.startswith("admin.") else "resident"]
    return {
        "slug": world.ward.slug,
        "contact_id": contact.id,
        "user_id": person.id,
        "role": "councillor",
        "token": "not-a-real-token",
    }
