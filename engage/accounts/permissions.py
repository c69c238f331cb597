"""Who may do what with accounts and roles. Pure functions of the people involved."""

from __future__ import annotations

from engage.accounts.models import Role, User


def is_signed_in(user: User) -> bool:
    return bool(user.is_authenticated)


def can_manage_roles(user: User) -> bool:
    return user.is_authenticated and user.is_administrator


def can_view_people(user: User) -> bool:
    """Officers look people up to verify wards; administrators to grant roles."""
    return user.is_authenticated and (user.is_administrator or user.is_officer)


def can_verify_wards(user: User) -> bool:
    return user.is_authenticated and (
        user.is_administrator
        or user.has_role(Role.ENGAGEMENT_OFFICER)
        or user.has_role(Role.PB_ADMINISTRATOR)
    )


def can_manage_ward_contacts(user: User) -> bool:
    return user.is_authenticated and (user.is_administrator or user.is_officer)


def can_view_audit_log(user: User) -> bool:
    return user.is_authenticated and user.is_administrator


def can_handle_data_requests(user: User) -> bool:
    """Subject access and erasure requests made to the council, not through the site."""
    return user.is_authenticated and (
        user.is_administrator or user.has_role(Role.ENGAGEMENT_OFFICER)
    )
