"""Append-only audit log of decisions: who did what, when, to what, and why."""

from engage.audit.models import AuditEntry, record

__all__ = ["AuditEntry", "record"]
