"""Put a cross-site-scripting payload into every piece of user-visible text in the
database, so tests can check that no page, export or log shows it unescaped."""

from __future__ import annotations

from sqlalchemy import JSON, Enum, String, Text, cast, literal, update

from engage.extensions import db

PAYLOAD = '"><script>alert("xss")</script><img src=x onerror=alert(1)><svg onload=alert(1)>'
# Signs that the payload reached the page as markup rather than text.
UNESCAPED = ("<script>alert", "<img src=x onerror", "<svg onload")
# Secrets are not user-visible text.
NOT_TEXT = {"password_hash", "totp_secret"}


def poisonable_columns() -> list[tuple[object, object]]:
    found = []
    for table in db.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        for column in table.columns:
            kind = column.type
            if (
                column.primary_key
                or column.foreign_keys
                or column.name in NOT_TEXT
                or column.name.endswith(("_key", "_token"))
                or isinstance(kind, Enum | JSON)
                or not isinstance(kind, String | Text)
            ):
                continue
            length = getattr(kind, "length", None)
            if length is not None and length < len(PAYLOAD) + 12:
                continue
            found.append((table, column))
    return found


def poison_all_text() -> int:
    """Overwrite every long-enough text column with the payload (made unique per row)."""
    count = 0
    for table, column in poisonable_columns():
        value = literal(PAYLOAD).op("||")(cast(table.c.id, String))  # type: ignore[attr-defined]
        db.session.execute(update(table).values({column.name: value}))  # type: ignore[attr-defined]
        count += 1
    db.session.commit()
    return count
