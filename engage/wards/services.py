"""Ward rules: importing the council's wards and areas, and named officer contacts."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from engage import audit
from engage.accounts.models import User
from engage.db import DbSession
from engage.errors import RuleViolation
from engage.wards.models import Area, Ward, WardContact

REQUIRED_COLUMNS = ("ward", "area")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class WardRow:
    line: int
    ward: str
    area: str
    code: str | None


@dataclass(frozen=True)
class ImportResult:
    areas_created: int
    wards_created: int
    wards_updated: int


def parse_ward_csv(text: str) -> list[WardRow]:
    """Read ``ward,area[,code]`` rows; every problem is reported with its line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RuleViolation(f"The file needs the columns: {', '.join(missing)} (line 1)")
    rows: list[WardRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        ward, area, code = (
            record.get("ward", ""),
            record.get("area", ""),
            record.get("code") or None,
        )
        if not ward or not area:
            problems.append(f"line {line}: a ward name and an area are both needed")
        elif ward.lower() in seen:
            problems.append(f"line {line}: ward '{ward}' appears twice")
        else:
            seen.add(ward.lower())
            rows.append(WardRow(line, ward, area, code))
    if problems:
        raise RuleViolation("; ".join(problems))
    return rows


def import_wards(session: DbSession, rows: list[WardRow]) -> ImportResult:
    """Create or update wards and their areas by name. Safe to run again."""
    areas = {a.name: a for a in session.scalars(select(Area))}
    wards = {w.name: w for w in session.scalars(select(Ward))}
    areas_created = wards_created = wards_updated = 0
    for row in rows:
        area = areas.get(row.area)
        if area is None:
            area = areas[row.area] = Area(name=row.area, slug=slugify(row.area))
            session.add(area)
            areas_created += 1
        ward = wards.get(row.ward)
        if ward is None:
            ward = wards[row.ward] = Ward(
                name=row.ward, slug=slugify(row.ward), code=row.code, area=area
            )
            session.add(ward)
            wards_created += 1
        elif ward.area is not area or ward.code != row.code:
            ward.area, ward.code = area, row.code
            wards_updated += 1
    session.flush()
    return ImportResult(areas_created, wards_created, wards_updated)


def save_contact(
    session: DbSession,
    *,
    actor: User | None,
    ward: Ward,
    contact: WardContact | None,
    data: dict[str, str],
) -> WardContact:
    fields = ("name", "job_title", "service", "responsibilities", "email", "phone")
    if contact is None:
        contact = WardContact(ward=ward)
        session.add(contact)
    for field in fields:
        setattr(contact, field, data.get(field) or "")
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="ward.contact.save",
        target_type="ward",
        target_id=ward.id,
        contact=contact.name,
        service=contact.service,
    )
    return contact


def remove_contact(session: DbSession, *, actor: User, contact: WardContact) -> None:
    audit.record(
        session,
        actor=actor,
        action="ward.contact.remove",
        target_type="ward",
        target_id=contact.ward_id,
        contact=contact.name,
        service=contact.service,
    )
    session.delete(contact)
