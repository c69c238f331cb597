from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from engage.db import Base, DbSession, utcnow
from engage.errors import RuleViolation

if TYPE_CHECKING:
    from engage.accounts.models import User


class AuditEntry(Base):
    """One decision. Rows are only ever inserted (see the flush guard below)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null actor means the system (a CLI command run by the council's IT team).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    @property
    def actor_name(self) -> str:
        return self.actor.display_name if self.actor else "System"


def record(
    session: DbSession,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: object,
    reason: str = "",
    **details: Any,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        reason=reason,
        details=details,
    )
    session.add(entry)
    return entry


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuleViolation("Audit entries cannot be changed or deleted.")


def delete_entries_older_than(session: DbSession, cutoff: datetime) -> int:
    """The retention schedule's deletion: the only way audit rows ever go.

    A bulk DELETE statement, deliberately outside the ORM flush guard above, which
    protects entries from edits and deletions in ordinary code.
    """
    from sqlalchemy import delete

    result = session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
    return result.rowcount or 0  # type: ignore[attr-defined]
