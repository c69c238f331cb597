from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from engage.accounts import services
from engage.accounts.auth import sign_in_account_key
from engage.accounts.forms import (
    ChangePasswordForm,
    HomeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegisterForm,
    ResendConfirmationForm,
    SignInForm,
    SignOutForm,
)
from engage.errors import RuleViolation
from engage.extensions import db, limiter
from engage.mail import send_email
from engage.wards.models import Ward
from engage.wards.queries import ward_choices

bp = Blueprint("accounts", __name__, url_prefix="/account")

CONFIRM = "confirm-email"
RESET = "password-reset"


def _send_confirmation(user_email: str, display_name: str, token: str) -> None:
    link = url_for("accounts.confirm_email", token=token, _external=True)
    send_email(
        user_email,
        "Confirm your email address",
        f"Dear {display_name},\n\nConfirm your email address to start posting:\n{link}\n\n"
        "If you did not create an account, ignore this email.",
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    form.ward.choices = ward_choices(db.session)
    if form.validate_on_submit():
        if (existing := services.find_by_email(db.session, form.email.data)) is not None:
            # Say the same as for a new account, and tell the real owner by email.
            send_email(
                existing.email,
                "Someone tried to register with your email address",
                "You already have an Engage account. If this was you, sign in or reset "
                f"your password: {url_for('accounts.reset_request', _external=True)}",
            )
            return redirect(url_for("accounts.check_email"))
        else:
            user = services.register(
                db.session,
                display_name=form.display_name.data,
                email=form.email.data,
                password=form.password.data,
                postcode=form.postcode.data,
                ward=db.get_or_404(Ward, form.ward.data),
            )
            db.session.commit()
            token = services.make_token(current_app.config["SECRET_KEY"], CONFIRM, user)
            _send_confirmation(user.email, user.display_name, token)
            session.clear()
            login_user(user)
            flash(
                "Your account has been created. We have emailed you a link to confirm your "
                "email address.",
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/register.html", form=form)


@bp.route("/check-your-email")
def check_email() -> str:
    return render_template("accounts/check_email.html")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=sign_in_account_key)
def sign_in() -> str | Response:
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in: no fixation
            login_user(user, remember=form.remember.data)
            return redirect(url_for("accounts.account"))
        # Same words whether the email is unknown or the password wrong.
        form.email.errors.append("Enter a correct email address and password")
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    SignOutForm().validate_on_submit()  # CSRF is checked globally; nothing else to read
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.home"))


@bp.route("/")
@login_required
def account() -> str:
    return render_template(
        "accounts/account.html", resend_form=ResendConfirmationForm(), sign_out_form=SignOutForm()
    )


@bp.route("/confirm/<token>")
def confirm_email(token: str) -> str | Response:
    user = services.user_from_token(
        db.session,
        current_app.config["SECRET_KEY"],
        CONFIRM,
        token,
        current_app.config["EMAIL_CONFIRM_MAX_AGE"],
    )
    if user is None:
        return render_template("accounts/link_expired.html"), 400  # type: ignore[return-value]
    user.confirm_email()
    db.session.commit()
    flash("Your email address is confirmed.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/confirm", methods=["POST"])
@login_required
@limiter.limit("3 per hour")
def resend_confirmation() -> Response:
    if ResendConfirmationForm().validate_on_submit() and not current_user.email_confirmed:
        token = services.make_token(current_app.config["SECRET_KEY"], CONFIRM, current_user)
        _send_confirmation(current_user.email, current_user.display_name, token)
        flash("We have sent the confirmation email again.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except RuleViolation as error:
            field = form.current_password if "current" in error.message else form.password
            field.errors.append(error.message)
        else:
            db.session.commit()
            # Keep this session (its id now carries the new version); others have ended.
            login_user(current_user._get_current_object())
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def reset_request() -> str | Response:
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        user = services.find_by_email(db.session, form.email.data)
        if user is not None:
            token = services.make_token(current_app.config["SECRET_KEY"], RESET, user)
            link = url_for("accounts.reset_password", token=token, _external=True)
            send_email(
                user.email,
                "Reset your Engage password",
                f"Dear {user.display_name},\n\nUse this link within an hour to choose a new "
                f"password:\n{link}\n\nIf you did not ask for this, ignore this email.",
            )
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    user = services.user_from_token(
        db.session,
        current_app.config["SECRET_KEY"],
        RESET,
        token,
        current_app.config["PASSWORD_RESET_MAX_AGE"],
    )
    if user is None:
        return render_template("accounts/link_expired.html"), 400  # type: ignore[return-value]
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            services.set_new_password(user, form.password.data)
        except RuleViolation as error:
            form.password.errors.append(error.message)
        else:
            user.confirm_email()  # the link proved they read this inbox
            db.session.commit()
            flash("Your password has been reset. Sign in with your new password.", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/home", methods=["GET", "POST"])
@login_required
def home() -> str | Response:
    form = HomeForm(data={"postcode": current_user.postcode, "ward": current_user.ward_id or 0})
    form.ward.choices = ward_choices(db.session)
    if form.validate_on_submit():
        services.set_home(
            current_user, postcode=form.postcode.data, ward=db.get_or_404(Ward, form.ward.data)
        )
        db.session.commit()
        flash("Your home postcode and ward have been saved.", "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/home.html", form=form)
