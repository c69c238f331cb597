"""Councillors' local fund (being built: see issue 4)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers nothing until the local fund lands."""
