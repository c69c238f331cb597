"""Home page, statutory information pages and the council's brand stylesheet."""

from flask import Flask


def init_app(app: Flask) -> None:
    from engage.pages.views import bp

    app.register_blueprint(bp)
