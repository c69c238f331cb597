"""Settings read from the environment, with defaults that are safe for a laptop.

Production (``ENGAGE_ENV=production``) refuses to start without ``SECRET_KEY`` and
turns on secure cookies; development keeps a generated key in the instance folder so
that several worker processes share it.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret_key(instance_path: Path) -> str:
    """Create the development key once and keep it, so every worker signs alike."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Write-then-rename so two workers starting together agree on one key.
        tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return key_file.read_text().strip()


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Settings from the environment, then ``overrides`` (tests and embedding apps)."""
    overrides = overrides or {}
    env = overrides.get("ENGAGE_ENV") or os.environ.get("ENGAGE_ENV", "development")
    production = env == "production"
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if production and not secret_key:
        raise ConfigError(
            "SECRET_KEY must be set when ENGAGE_ENV=production. "
            'Generate one with: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if not secret_key:
        secret_key = _instance_secret_key(instance_path)

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'engage.db'}"
    if database_url.startswith("postgres://"):
        # Heroku-style URLs name the old driver; psycopg 3 is the one we ship.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    config: dict[str, Any] = {
        "ENGAGE_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 5 * 1024 * 1024)),
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,
        # Six years, as for most council decision records; set by the council.
        "AUDIT_RETENTION_DAYS": int(os.environ.get("AUDIT_RETENTION_DAYS", 6 * 365)),
        "STAFF_IDLE_SECONDS": int(os.environ.get("STAFF_IDLE_SECONDS", 30 * 60)),
        "RECENT_SIGN_IN_SECONDS": int(os.environ.get("RECENT_SIGN_IN_SECONDS", 15 * 60)),
        "REQUIRE_TWO_FACTOR_FOR_STAFF": _flag("REQUIRE_TWO_FACTOR_FOR_STAFF", False),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # How many proxies (nginx, a load balancer) stand in front and set
        # X-Forwarded-For/-Proto/-Host; 0 trusts none of those headers.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Council branding: one install can serve any council.
        "COUNCIL_NAME": os.environ.get("COUNCIL_NAME", "Riverside Borough Council"),
        "SERVICE_NAME": os.environ.get("SERVICE_NAME", "Engage"),
        "COUNCIL_LOGO_TEXT": os.environ.get("COUNCIL_LOGO_TEXT", "Riverside"),
        "COUNCIL_BRAND_COLOUR": os.environ.get("COUNCIL_BRAND_COLOUR", "#0b3d5c"),
        "COUNCIL_ACCENT_COLOUR": os.environ.get("COUNCIL_ACCENT_COLOUR", "#00a19a"),
        "COUNCIL_CONTACT_EMAIL": os.environ.get(
            "COUNCIL_CONTACT_EMAIL", "engage@riverside.example"
        ),
        "COUNCIL_CONTACT_PHONE": os.environ.get("COUNCIL_CONTACT_PHONE", "020 7946 0000"),
        "COUNCIL_ADDRESS": os.environ.get(
            "COUNCIL_ADDRESS", "Town Hall, 1 High Street, Riverside, RV1 1AA"
        ),
        "COUNCIL_WEBSITE": os.environ.get("COUNCIL_WEBSITE", "https://www.riverside.example"),
        # The council's local time: events are typed and shown in it.
        "COUNCIL_TIMEZONE": os.environ.get("COUNCIL_TIMEZONE", "Europe/London"),
        # How long contact details given at a stand are kept (officers can shorten it).
        "CONVERSATION_CONTACT_RETENTION_DAYS": int(
            os.environ.get("CONVERSATION_CONTACT_RETENTION_DAYS", 180)
        ),
        # How long a ward page may show a ranking of priorities before counting again.
        "WARD_PRIORITIES_CACHE_SECONDS": int(os.environ.get("WARD_PRIORITIES_CACHE_SECONDS", 300)),
        # How long each process may answer anonymous visitors with a page it has already
        # made (engage/public_pages.py); 0 switches it off.
        "PUBLIC_PAGE_CACHE_SECONDS": int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", 30)),
        # Links in emails sent by scheduled commands, where no request gives the address.
        "ENGAGE_BASE_URL": os.environ.get("ENGAGE_BASE_URL", "http://127.0.0.1:5000"),
        # Mail: in development messages go to the outbox folder and the log.
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Engage <no-reply@riverside.example>"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 587)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX", str(instance_path / "outbox")),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600)),
        "EMAIL_CONFIRM_MAX_AGE": int(os.environ.get("EMAIL_CONFIRM_MAX_AGE", 7 * 24 * 3600)),
    }
    config.update(overrides)
    for key in ("COUNCIL_BRAND_COLOUR", "COUNCIL_ACCENT_COLOUR"):
        if not _HEX_COLOUR.match(config[key]):
            raise ConfigError(f"{key} must be a colour like #0b3d5c, not {config[key]!r}")
    return config
