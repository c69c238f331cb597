"""Flask-Login wiring: sessions carry the user id and their session version."""

from __future__ import annotations

from flask import Flask, request

from engage.accounts.models import User
from engage.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def sign_in_account_key() -> str:
    """Rate-limit key for sign-in attempts against one account, whatever the address."""
    return "account:" + (request.form.get("email") or "").strip().lower()
