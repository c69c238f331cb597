"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from engage import create_app

app = create_app()
