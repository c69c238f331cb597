from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from engage.forms import PlainText, clean_text


def _text(label: str, required: str, max_length: int) -> StringField:
    return StringField(
        label,
        filters=[clean_text],
        validators=[
            InputRequired(message=required),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
            PlainText(label),
        ],
        widget=GovTextInput(),
    )


class WardContactForm(FlaskForm):
    name = _text("Name", "Enter the officer's name", 120)
    job_title = _text("Job title", "Enter their job title", 120)
    service = _text("Council service", "Enter the council service", 120)
    responsibilities = TextAreaField(
        "What they can help with",
        filters=[clean_text],
        validators=[Optional(), Length(max=1000, message="Keep this to 1,000 characters or fewer")],
        widget=GovTextArea(),
    )
    email = EmailField(
        "Email address",
        filters=[clean_text],
        validators=[
            InputRequired(message="Enter their email address"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
        widget=GovTextInput(),
    )
    phone = StringField(
        "Phone (optional)",
        filters=[clean_text],
        validators=[Optional(), Length(max=40, message="Phone must be 40 characters or fewer")],
        widget=GovTextInput(),
    )
    submit = SubmitField("Save contact", widget=GovSubmitInput())


class DeleteContactForm(FlaskForm):
    submit = SubmitField("Remove contact", widget=GovSubmitInput())
