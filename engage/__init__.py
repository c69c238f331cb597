"""Engage: community engagement and participatory budgeting for UK councils."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

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

    import engage.models  # noqa: F401  (register every table with the metadata)

    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)

    from engage import web

    web.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from engage.accounts.auth import init_login
    from engage.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)
    WTFormsHelpers(app)


def _register_blueprints(app: Flask) -> None:
    from engage.accounts.views import bp as accounts_bp
    from engage.admin.views import bp as admin_bp
    from engage.pages.views import bp as pages_bp
    from engage.wards.views import bp as wards_bp

    for blueprint in (pages_bp, accounts_bp, wards_bp, admin_bp):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from engage.cli import register_commands

    register_commands(app)
