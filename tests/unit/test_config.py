from __future__ import annotations

from pathlib import Path

import pytest

from engage import create_app
from engage.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENGAGE_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        load_config(tmp_path)


def test_production_uses_secure_cookies(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = load_config(tmp_path)
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


def test_development_key_is_made_once_and_shared(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ENGAGE_ENV", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").read_text() == first


def test_database_url_defaults_to_sqlite_in_the_instance_folder(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'engage.db'}"


def test_postgres_urls_use_psycopg_3(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://engage@db/engage")
    assert (
        load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://engage@db/engage"
    )


def test_brand_colours_must_be_colours(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COUNCIL_BRAND_COLOUR", "red; } body { display:none")
    with pytest.raises(ConfigError, match="COUNCIL_BRAND_COLOUR"):
        load_config(tmp_path, {"SECRET_KEY": "x"})


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    from sqlalchemy import text

    from engage.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}",
        }
    )
    with app.app_context():
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    "proxies, expected", [(0, ("10.0.0.9", "http")), (1, ("203.0.113.7", "https"))]
)
def test_forwarded_headers_are_trusted_only_behind_a_configured_proxy(
    tmp_path: Path, proxies: int, expected: tuple[str, str]
) -> None:
    from flask import request

    app = create_app(
        {
            "SECRET_KEY": "x",
            "INSTANCE_PATH": tmp_path,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.db'}",
            "TRUSTED_PROXIES": proxies,
        }
    )
    seen: list[tuple[str, str]] = []
    app.before_request(lambda: seen.append((request.remote_addr or "", request.scheme)))
    app.test_client().get(
        "/health",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert seen == [expected]
