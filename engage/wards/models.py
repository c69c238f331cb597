from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.db import Base

if TYPE_CHECKING:
    from engage.accounts.models import User


# Which wards a councillor represents (usually one; a few councils share members).
councillor_wards = Table(
    "councillor_wards",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base):
    """A community forum area: a group of neighbouring wards with one forum."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)

    wards: Mapped[list[Ward]] = relationship(back_populates="area", order_by="Ward.name")


class Ward(Base):
    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    # ONS-style code such as E05000001, where the council uses them.
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)

    area: Mapped[Area] = relationship(back_populates="wards")
    councillors: Mapped[list[User]] = relationship(
        secondary=councillor_wards, back_populates="represented_wards", order_by="User.display_name"
    )
    contacts: Mapped[list[WardContact]] = relationship(
        back_populates="ward", order_by="WardContact.service", cascade="all, delete-orphan"
    )


class WardContact(Base):
    """A named officer for a ward and service: "who does what", not a faceless inbox."""

    __tablename__ = "ward_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120))
    service: Mapped[str] = mapped_column(String(120))
    responsibilities: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")

    ward: Mapped[Ward] = relationship(back_populates="contacts")
