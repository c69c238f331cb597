from __future__ import annotations

import sqlite3

import pytest
from flask import Flask

from engage.accounts.models import User
from engage.db import write_transaction
from engage.extensions import db


def test_write_transaction_takes_the_sqlite_write_lock_up_front(
    app: Flask, app_context: None
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is how SQLite serialises read-then-write work")
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        with write_transaction():
            db.session.scalar(db.select(db.func.count()).select_from(User))  # a read only
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_transaction_rolls_back_everything_on_error(app: Flask, app_context: None) -> None:
    with pytest.raises(RuntimeError), write_transaction():
        db.session.add(User(email="a@example.org", display_name="A", password_hash="-"))
        db.session.flush()
        raise RuntimeError("half-way")
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
