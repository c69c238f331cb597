"""Who may use each route, per domain. Each module here defines ``EXPECTED`` (route
"endpoint METHOD" -> expected outcome per role) and ``url_values(world)`` (values for
the route's URL arguments, creating whatever objects they need)."""

from __future__ import annotations

ROLES = ("anonymous", "resident", "other_resident", "councillor", "officer", "administrator")

OK, LOGIN, FORBIDDEN, BAD_LINK, NOT_FOUND = "ok", "login", "forbidden", "bad link", "not found"


def policy(**overrides: str) -> dict[str, str]:
    return {role: overrides.get(role, OK) for role in ROLES}


PUBLIC = policy()
SIGNED_IN = policy(anonymous=LOGIN)
ADMINISTRATORS = policy(
    anonymous=LOGIN,
    resident=FORBIDDEN,
    other_resident=FORBIDDEN,
    councillor=FORBIDDEN,
    officer=FORBIDDEN,
)
STAFF = policy(anonymous=LOGIN, resident=FORBIDDEN, other_resident=FORBIDDEN, councillor=FORBIDDEN)
EVERYONE_BAD_LINK = {role: BAD_LINK for role in ROLES}
