"""Events, conversation log and ward priorities (being built: see issue 7)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers nothing until the conversation log lands."""
