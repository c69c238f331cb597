"""People, roles and sign-in."""

from flask import Flask


def init_app(app: Flask) -> None:
    from engage.accounts import security
    from engage.accounts.views import bp
    from engage.audit import models as audit_models  # noqa: F401  (its table)

    app.register_blueprint(bp)
    security.init_app(app)
