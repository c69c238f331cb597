"""Community forums with officer moderation (being built: see issue 3)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers nothing until the forums land."""
