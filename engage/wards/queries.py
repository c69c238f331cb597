from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from engage.db import DbSession
from engage.wards.models import Area, Ward


def ward_choices(session: DbSession, prompt: str | None = "Select your ward") -> list[SelectChoice]:
    wards = session.scalars(select(Ward).order_by(Ward.name))
    choices = [SelectChoice(ward.id, ward.name) for ward in wards]
    return [SelectChoice(0, prompt), *choices] if prompt else choices


def areas_with_wards(session: DbSession) -> list[Area]:
    return list(session.scalars(select(Area).options(selectinload(Area.wards)).order_by(Area.name)))
