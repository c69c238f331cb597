from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from engage.db import Base, CreatedAtMixin, enum_type, utcnow
from engage.wards.models import Ward, councillor_wards


class Role(enum.StrEnum):
    """Roles granted on top of being a resident (everyone with an account is one)."""

    COUNCILLOR = "councillor"
    MODERATOR = "moderator"
    FUND_OFFICER = "fund_officer"
    ENGAGEMENT_OFFICER = "engagement_officer"
    PB_ADMINISTRATOR = "pb_administrator"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.COUNCILLOR: "Councillor",
    Role.MODERATOR: "Officer: forum moderator",
    Role.FUND_OFFICER: "Officer: local fund",
    Role.ENGAGEMENT_OFFICER: "Officer: engagement",
    Role.PB_ADMINISTRATOR: "Officer: participatory budgeting",
    Role.ADMINISTRATOR: "Administrator",
}

OFFICER_ROLES = frozenset(
    {Role.MODERATOR, Role.FUND_OFFICER, Role.ENGAGEMENT_OFFICER, Role.PB_ADMINISTRATOR}
)


class User(UserMixin, CreatedAtMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    email_confirmed_at: Mapped[datetime | None]
    postcode: Mapped[str | None] = mapped_column(String(8))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    ward_verified_at: Mapped[datetime | None]
    ward_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Bumped on password change so every other signed-in session ends.
    session_version: Mapped[int] = mapped_column(default=1)
    # Base32 secret for an authenticator app, when the person has set one up.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Set when the account is deleted: personal fields are erased, the row stays so
    # contributions show as "Former member".
    erased_at: Mapped[datetime | None]

    ward: Mapped[Ward | None] = relationship(foreign_keys=[ward_id])
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="UserRole.user_id",
        lazy="selectin",
    )
    represented_wards: Mapped[list[Ward]] = relationship(
        secondary=councillor_wards, back_populates="councillors", order_by="Ward.name"
    )
    councillor_profile: Mapped[CouncillorProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: Role) -> bool:
        return any(grant.role == role for grant in self.roles)

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.roles)

    @property
    def is_officer(self) -> bool:
        return bool(self.role_set & OFFICER_ROLES)

    @property
    def is_councillor(self) -> bool:
        return self.has_role(Role.COUNCILLOR)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def ward_verified(self) -> bool:
        return self.ward_id is not None and self.ward_verified_at is not None

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def confirm_email(self) -> None:
        if self.email_confirmed_at is None:
            self.email_confirmed_at = utcnow()


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class CouncillorProfile(Base):
    """What residents see about a councillor: a short biography and how to reach them."""

    __tablename__ = "councillor_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    party: Mapped[str] = mapped_column(String(80), default="")
    biography: Mapped[str] = mapped_column(Text, default="")
    surgeries: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(back_populates="councillor_profile")
