"""Fields, filters and validators shared by every domain's forms: text with the
house's length and control-character checks, money in pounds, whole numbers and
GOV.UK date boxes, each with an error message in the GOV.UK voice."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextArea, GovTextInput
from wtforms import DateField, Field, Form, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

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


MAX_POUNDS = Decimal(100_000_000)
_MONEY = re.compile(r"^£?\s*(\d[\d,]*)(\.\d{1,2})?$")


def text_field(label: str, required: str | None, max_length: int, **kwargs: Any) -> StringField:
    validators: list[Any] = [InputRequired(message=required)] if required else [Optional()]
    validators += [
        Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"),
        PlainText(label),
    ]
    return StringField(
        label, filters=[clean_text], validators=validators, widget=GovTextInput(), **kwargs
    )


def text_area(label: str, required: str | None, max_length: int, **kwargs: Any) -> TextAreaField:
    validators: list[Any] = [InputRequired(message=required)] if required else [Optional()]
    validators += [
        Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"),
        PlainText(label),
    ]
    return TextAreaField(
        label, filters=[clean_text], validators=validators, widget=GovTextArea(), **kwargs
    )


def reason_field(label: str = "Reason", hint: str = "This is kept in the audit log.") -> Field:
    return text_area(label, "Enter a reason", 500, description=hint)


def pounds(pence: int | None) -> str:
    """Pence as the pounds an officer would type: 2500000 -> "25000", 150 -> "1.50"."""
    if pence is None:
        return ""
    whole, part = divmod(pence, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}"


class MoneyField(StringField):
    """Pounds typed as "£25,000" or "1234.50"; ``data`` is integer pence."""

    widget = GovTextInput()

    def __init__(self, label: str, *, example: str = "25000", **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.example = example

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return pounds(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        match = _MONEY.match(text.replace(" ", ""))
        amount = None
        if match:
            try:
                amount = Decimal(match[1].replace(",", "") + (match[2] or ""))
            except InvalidOperation:
                amount = None
        if amount is None or amount > MAX_POUNDS:
            raise ValueError(f"{self.label.text} must be an amount in pounds, like {self.example}")
        self.data = int(amount * 100)


class WholeNumberField(IntegerField):
    """A whole number with a GOV.UK-voice message when it is not one."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not re.fullmatch(r"\d{1,9}", text):
            raise ValueError(f"{self.label.text} must be a whole number, like 3")
        self.data = int(text)


class GovDateField(DateField):
    """Day, month and year boxes; blank boxes are left to InputRequired/Optional."""

    # Declared, or mypy would take the type from the ``None`` assigned below.
    data: date | None

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) != 3:
            # Not sent from our three boxes: the widget can only redraw three.
            self.raw_data = None
        if not valuelist or not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            if len(valuelist) != 3:
                raise ValueError("expected day, month and year")
            super().process_formdata([part.strip() for part in valuelist])
        except ValueError as error:
            raise ValueError(
                f"{self.label.text} must be a real date, like 12 7 {date.today().year}"
            ) from error


class ActionForm(FlaskForm):
    """A button that does one thing; the form carries only the CSRF token."""


SignedInForm = TypeVar("SignedInForm", bound=FlaskForm)


def signed_in_form(form_class: type[SignedInForm]) -> SignedInForm | None:
    """The form for a page's buttons, made only for a signed-in person: anonymous
    visitors can use none, and making a form makes a security token, which would stop
    the page being shared between them (engage/public_pages.py)."""
    return form_class() if current_user.is_authenticated else None
