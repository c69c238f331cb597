"""Account rules: registration, sign-in, passwords, homes and role grants.

Services take the session and the acting user explicitly and only flush; the view
commits once.
"""

from __future__ import annotations

from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from engage import audit
from engage.accounts.models import CouncillorProfile, Role, User, UserRole
from engage.db import DbSession, utcnow
from engage.errors import RuleViolation
from engage.wards.models import Ward

MIN_PASSWORD_LENGTH = 10
# Checked when no account matches, so an unknown email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:1000])


def password_problem(password: str) -> str | None:
    """The reason a new password is refused, in words for the person choosing it."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if password.lower() in common_passwords():
        return "This password is too common. Choose one that is harder to guess"
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: DbSession, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def register(
    session: DbSession, *, display_name: str, email: str, password: str, postcode: str, ward: Ward
) -> User:
    problem = password_problem(password)
    if problem:
        raise RuleViolation(problem)
    if find_by_email(session, email) is not None:
        raise RuleViolation("An account already uses this email address")
    user = User(
        display_name=display_name,
        email=normalise_email(email),
        postcode=postcode,
        ward=ward,
    )
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def authenticate(session: DbSession, email: str, password: str) -> User | None:
    user = find_by_email(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if user.check_password(password) else None


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise RuleViolation("Your current password is not correct")
    set_new_password(user, new_password)


def set_new_password(user: User, new_password: str) -> None:
    problem = password_problem(new_password)
    if problem:
        raise RuleViolation(problem)
    user.set_password(new_password)
    # Every other session signed in with the old password ends.
    user.session_version += 1


def set_home(user: User, *, postcode: str, ward: Ward) -> None:
    if user.ward_id != ward.id:
        # A ward is verified for a place, so moving needs a fresh check.
        user.ward_verified_at = None
        user.ward_verified_by_id = None
    user.postcode = postcode
    user.ward = ward


# --- signed links -----------------------------------------------------------------


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"engage-{purpose}")


def make_token(secret_key: str, purpose: str, user: User) -> str:
    # Binding the token to the password hash makes a reset link single-use.
    return _serializer(secret_key, purpose).dumps([user.id, user.password_hash[-12:]])


def user_from_token(
    session: DbSession, secret_key: str, purpose: str, token: str, max_age: int
) -> User | None:
    try:
        user_id, fingerprint = _serializer(secret_key, purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.password_hash[-12:] != fingerprint:
        return None
    return user


# --- roles and verification (audited) --------------------------------------------


def grant_role(
    session: DbSession, *, actor: User | None, user: User, role: Role, reason: str
) -> None:
    if user.has_role(role):
        raise RuleViolation(f"{user.display_name} already has the role {role.label}")
    user.roles.append(UserRole(role=role, granted_by_id=actor.id if actor else None))
    audit.record(
        session,
        actor=actor,
        action="role.grant",
        target_type="user",
        target_id=user.id,
        reason=reason,
        role=role.value,
    )
    session.flush()


def revoke_role(
    session: DbSession, *, actor: User | None, user: User, role: Role, reason: str
) -> None:
    grant = next((g for g in user.roles if g.role == role), None)
    if grant is None:
        raise RuleViolation(f"{user.display_name} does not have the role {role.label}")
    if role is Role.ADMINISTRATOR and _administrator_count(session) <= 1:
        raise RuleViolation("The council must keep at least one administrator")
    user.roles.remove(grant)
    audit.record(
        session,
        actor=actor,
        action="role.revoke",
        target_type="user",
        target_id=user.id,
        reason=reason,
        role=role.value,
    )
    session.flush()


def _administrator_count(session: DbSession) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(UserRole).where(UserRole.role == Role.ADMINISTRATOR)
        )
        or 0
    )


def verify_ward(session: DbSession, *, actor: User, user: User, reason: str) -> None:
    if user.ward is None:
        raise RuleViolation(f"{user.display_name} has not told us their ward")
    if user.ward_verified:
        raise RuleViolation(f"{user.display_name}'s ward is already verified")
    user.ward_verified_at = utcnow()
    user.ward_verified_by_id = actor.id
    audit.record(
        session,
        actor=actor,
        action="ward.verify",
        target_type="user",
        target_id=user.id,
        reason=reason,
        ward=user.ward.name,
        postcode=user.postcode,
    )


def set_councillor_profile(
    session: DbSession,
    *,
    actor: User | None,
    councillor: User,
    wards: list[Ward],
    party: str,
    biography: str,
    surgeries: str,
) -> None:
    if not councillor.is_councillor:
        raise RuleViolation(f"{councillor.display_name} is not a councillor")
    before = sorted(w.name for w in councillor.represented_wards)
    councillor.represented_wards = list(wards)
    profile = councillor.councillor_profile or CouncillorProfile()
    profile.party, profile.biography, profile.surgeries = party, biography, surgeries
    councillor.councillor_profile = profile
    audit.record(
        session,
        actor=actor,
        action="councillor.profile",
        target_type="user",
        target_id=councillor.id,
        wards_before=before,
        wards_after=sorted(w.name for w in wards),
    )


def turn_on_two_factor(session: DbSession, *, user: User, secret: str) -> None:
    user.totp_secret = secret
    audit.record(
        session, actor=user, action="account.two_factor.on", target_type="user", target_id=user.id
    )


def turn_off_two_factor(session: DbSession, *, user: User, required: bool) -> None:
    if required:
        raise RuleViolation("Staff accounts must keep an authenticator app")
    user.totp_secret = None
    audit.record(
        session, actor=user, action="account.two_factor.off", target_type="user", target_id=user.id
    )
