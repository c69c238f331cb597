"""Engage: community engagement and participatory budgeting for UK councils."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from engage.config import load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    if config and "INSTANCE_PATH" in config:
        app.instance_path = str(config["INSTANCE_PATH"])
    app.config.from_mapping(load_config(Path(app.instance_path), config))

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from engage import public_pages, web

    # Before any route is added, so every ``<int:...>`` is bounded.
    app.url_map.converters["int"] = web.IdConverter
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    web.init_app(app)
    public_pages.init_app(app)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind a proxy, the client's address (rate limits, audit) and https scheme
        # come from the proxy's headers, trusted only from that many hops.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    return app


def _init_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from engage import db as engage_db
    from engage.accounts.auth import init_login
    from engage.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    engage_db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    WTFormsHelpers(app)


# Each domain package has ``init_app(app)``: it registers its blueprint, commands and
# hooks (navigation, ward page sections, demo data). Order sets the navigation order.
DOMAINS = ("pages", "accounts", "wards", "forums", "funds", "pb", "conversations", "admin")


def _register_blueprints(app: Flask) -> None:
    from engage import hooks

    hooks.init_app(app)
    for name in DOMAINS:
        importlib.import_module(f"engage.{name}").init_app(app)


def _register_commands(app: Flask) -> None:
    from engage.cli import register_commands

    register_commands(app)
