"""Session rules for people who make decisions: idle time-out, recent sign-in before
sensitive actions, and an optional (or required) second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import pyotp
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user, user_loaded_from_cookie

from engage.accounts.models import User

F = TypeVar("F", bound=Callable[..., Any])

# Endpoints a staff member without a second factor can still reach when it is required.
_TWO_FACTOR_SETUP_ENDPOINTS = {
    "accounts.two_factor",
    "accounts.two_factor_setup",
    "accounts.sign_out",
    "static",
    "pages.brand_css",
}


def is_staff(user: User) -> bool:
    """Officers, councillors and administrators: their sessions are held to more."""
    return bool(
        user.is_authenticated and (user.is_officer or user.is_councillor or user.is_administrator)
    )


def mark_signed_in() -> None:
    now = time.time()
    session["authenticated_at"] = now
    session["last_seen"] = now


def signed_in_recently() -> bool:
    limit = current_app.config["RECENT_SIGN_IN_SECONDS"]
    return time.time() - session.get("authenticated_at", 0) <= limit


def recent_sign_in_required(view: F) -> F:
    """Ask for the password again before exports, role changes and fund decisions."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and not signed_in_recently():
            target = request.full_path if request.method == "GET" else request.referrer
            flash("For your security, enter your password again to continue.", "info")
            return redirect(url_for("accounts.confirm_password", next=target or "/"))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def totp_for(secret: str, email: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, name=email, issuer=current_app.config["SERVICE_NAME"])


def code_is_valid(secret: str, code: str) -> bool:
    digits = "".join(ch for ch in code if ch.isdigit())
    # One step either side allows for a phone clock a little out.
    return len(digits) == 6 and pyotp.TOTP(secret).verify(digits, valid_window=1)


def init_app(app: Flask) -> None:
    @app.before_request
    def staff_session_rules() -> Any:
        if not current_user.is_authenticated or not is_staff(current_user):
            return None
        now = time.time()
        last_seen = session.get("last_seen", now)
        if now - last_seen > app.config["STAFF_IDLE_SECONDS"]:
            logout_user()
            session.clear()
            flash("You were signed out after 30 minutes without activity. Sign in again.", "info")
            return redirect(url_for("accounts.sign_in"))
        session["last_seen"] = now
        if (
            app.config["REQUIRE_TWO_FACTOR_FOR_STAFF"]
            and not current_user.totp_secret
            and request.endpoint not in _TWO_FACTOR_SETUP_ENDPOINTS
        ):
            flash("Set up an authenticator app to continue: staff accounts need one.", "info")
            return redirect(url_for("accounts.two_factor"))
        return None

    @user_loaded_from_cookie.connect_via(app)
    def no_remembered_staff(sender: Flask, user: User) -> None:
        # "Keep me signed in" would outlive the idle time-out, so staff sign in afresh.
        if is_staff(user):
            logout_user()
