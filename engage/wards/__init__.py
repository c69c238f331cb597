"""Wards, community forum areas and named officer contacts."""

from flask import Flask


def init_app(app: Flask) -> None:
    from engage.wards.views import bp

    app.register_blueprint(bp)
