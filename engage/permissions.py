"""How views enforce the named permission functions that live in each domain."""

from __future__ import annotations

from flask import abort
from flask_login import current_user


def require(allowed: bool) -> None:
    """Answer 403 unless the permission holds; anonymous people are sent to sign in."""
    if allowed:
        return
    if not current_user.is_authenticated:
        from engage.extensions import login_manager

        abort(login_manager.unauthorized())
    abort(403)
