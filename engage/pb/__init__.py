"""Participatory budgeting (being built: see issues 5 and 6)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers nothing until the counting engine lands."""
