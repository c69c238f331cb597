"""Every model, imported in one place so metadata (and Alembic) sees the whole schema."""

from engage.accounts.models import CouncillorProfile, User, UserRole
from engage.audit.models import AuditEntry
from engage.wards.models import Area, Ward, WardContact, councillor_wards

__all__ = [
    "Area",
    "AuditEntry",
    "CouncillorProfile",
    "User",
    "UserRole",
    "Ward",
    "WardContact",
    "councillor_wards",
]
