"""Field filters and validators shared by every domain's forms."""

from __future__ import annotations

import re
import unicodedata

from wtforms import Field, Form
from wtforms.validators import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str | None:
    """Trim, normalise line endings and Unicode form, so stored text compares alike."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class PlainText:
    """Refuse control characters (other than tab and new line) with a clear message."""

    def __init__(self, label: str = "Text") -> None:
        self.label = label

    def __call__(self, form: Form, field: Field) -> None:
        if field.data and _CONTROL.search(field.data):
            raise ValidationError(
                f"{self.label} must not contain hidden control characters. "
                "Remove them and try again."
            )


UK_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str | None) -> str | None:
    """Upper case with a single space before the inward code: "rv11aa" -> "RV1 1AA"."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


class UKPostcode:
    def __call__(self, form: Form, field: Field) -> None:
        if field.data and not UK_POSTCODE.match(field.data):
            raise ValidationError("Enter a real postcode, like RV1 1AA")
