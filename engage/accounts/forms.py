from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    Form,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from engage.accounts.services import password_problem
from engage.forms import PlainText, UKPostcode, clean_text, normalise_postcode


def ward_field(label: str = "Your ward") -> SelectField:
    return SelectField(
        label,
        coerce=int,
        validators=[
            InputRequired(message="Select your ward"),
            NumberRange(min=1, message="Select your ward"),
        ],
        widget=GovSelect(),
        validate_choice=True,
    )


def postcode_field() -> StringField:
    return StringField(
        "Home postcode",
        filters=[normalise_postcode],
        validators=[InputRequired(message="Enter your home postcode"), UKPostcode()],
        widget=GovTextInput(),
    )


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        filters=[clean_text],
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
        widget=GovTextInput(),
    )


class StrongPassword:
    """The account rules for a new password, shown with the other errors on the form."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "Create a password",
        validators=[
            InputRequired(message="Enter a password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
            StrongPassword(),
        ],
        widget=GovPasswordInput(),
    )
    confirm = PasswordField(
        "Confirm your password",
        validators=[
            InputRequired(message="Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
        widget=GovPasswordInput(),
    )
    return password, confirm


class RegisterForm(FlaskForm):
    display_name = StringField(
        "Your name",
        description="This is shown next to anything you post.",
        filters=[clean_text],
        validators=[
            InputRequired(message="Enter your name"),
            Length(max=80, message="Name must be 80 characters or fewer"),
            PlainText("Name"),
        ],
        widget=GovTextInput(),
    )
    email = email_field()
    password, confirm = new_password_fields()
    postcode = postcode_field()
    ward = ward_field()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired(message="Enter your password")],
        widget=GovPasswordInput(),
    )
    remember = BooleanField("Keep me signed in on this device", widget=GovCheckboxInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(message="Enter your current password")],
        widget=GovPasswordInput(),
    )
    password, confirm = new_password_fields()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class PasswordResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class PasswordResetForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField("Set new password", widget=GovSubmitInput())


class HomeForm(FlaskForm):
    postcode = postcode_field()
    ward = ward_field()
    submit = SubmitField("Save", widget=GovSubmitInput())


class ResendConfirmationForm(FlaskForm):
    submit = SubmitField("Send the confirmation email again", widget=GovSubmitInput())


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out", widget=GovSubmitInput())


class SecurityCodeForm(FlaskForm):
    code = StringField(
        "Security code",
        description="The 6-digit code from your authenticator app.",
        filters=[clean_text],
        validators=[
            InputRequired(message="Enter the 6-digit security code"),
            Length(max=12, message="Enter the 6-digit security code"),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[InputRequired(message="Enter your password")],
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class TurnOffTwoFactorForm(FlaskForm):
    submit = SubmitField("Turn off the authenticator app", widget=GovSubmitInput())


class DownloadDataForm(FlaskForm):
    submit = SubmitField("Download your data", widget=GovSubmitInput())


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Enter your password to confirm",
        validators=[InputRequired(message="Enter your password")],
        widget=GovPasswordInput(),
    )
    understood = BooleanField(
        "I understand my account will be deleted and cannot be restored",
        validators=[InputRequired(message="Confirm you understand your account will be deleted")],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Delete my account", widget=GovSubmitInput())
