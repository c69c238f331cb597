from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from engage.accounts.models import Role
from engage.forms import PlainText, clean_text


def reason_field(label: str = "Reason") -> TextAreaField:
    return TextAreaField(
        label,
        description="This is kept in the audit log.",
        filters=[clean_text],
        validators=[
            InputRequired(message="Enter a reason"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
            PlainText("Reason"),
        ],
        widget=GovTextArea(),
    )


class GrantRoleForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice("", "Select a role")]
        + [SelectChoice(role.value, role.label) for role in Role],
        validators=[InputRequired(message="Select a role")],
        widget=GovSelect(),
    )
    reason = reason_field()
    submit = SubmitField("Grant role", widget=GovSubmitInput())


class RevokeRoleForm(FlaskForm):
    reason = reason_field("Why is this role being removed?")
    submit = SubmitField("Remove role", widget=GovSubmitInput())


class VerifyWardForm(FlaskForm):
    reason = reason_field("How was their address checked?")
    submit = SubmitField("Verify ward", widget=GovSubmitInput())


class CouncillorProfileForm(FlaskForm):
    wards = SelectMultipleField(
        "Wards they represent",
        coerce=int,
        validators=[InputRequired(message="Select at least one ward")],
        widget=GovCheckboxesInput(),
    )
    party = StringField(
        "Party or group (optional)",
        filters=[clean_text],
        validators=[Optional(), Length(max=80, message="Party must be 80 characters or fewer")],
        widget=GovTextInput(),
    )
    biography = TextAreaField(
        "Short biography",
        description="A few sentences so residents know who their councillor is.",
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=2000, message="Biography must be 2,000 characters or fewer"),
        ],
        widget=GovTextArea(),
    )
    surgeries = TextAreaField(
        "Ward surgeries (optional)",
        filters=[clean_text],
        validators=[Optional(), Length(max=1000, message="Keep this to 1,000 characters or fewer")],
        widget=GovTextArea(),
    )
    submit = SubmitField("Save profile", widget=GovSubmitInput())


class DataRequestForm(FlaskForm):
    reason = reason_field("Who asked, and how did you check it was them?")
    submit = SubmitField("Download their data", widget=GovSubmitInput())


class EraseAccountForm(FlaskForm):
    reason = reason_field("Who asked, and how did you check it was them?")
    submit = SubmitField("Delete their account", widget=GovSubmitInput())
