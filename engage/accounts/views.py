from __future__ import annotations

import time

import pyotp
import segno
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from engage.accounts import data_rights, security, services
from engage.accounts.auth import load_user, sign_in_account_key
from engage.accounts.forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    DeleteAccountForm,
    DownloadDataForm,
    HomeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegisterForm,
    ResendConfirmationForm,
    SecurityCodeForm,
    SignInForm,
    SignOutForm,
    TurnOffTwoFactorForm,
)
from engage.accounts.models import User
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
def register() -> str | BaseResponse:
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


def _complete_sign_in(user: User, remember: bool) -> BaseResponse:
    session.clear()  # a fresh session at sign-in: no fixation
    login_user(user, remember=remember and not security.is_staff(user))
    security.mark_signed_in()
    return redirect(url_for("accounts.account"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=sign_in_account_key)
def sign_in() -> str | BaseResponse:
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None and user.totp_secret:
            session.clear()
            session["pending_sign_in"] = {
                "user": user.get_id(),
                "remember": bool(form.remember.data),
                "at": time.time(),
            }
            return redirect(url_for("accounts.sign_in_code"))
        if user is not None:
            return _complete_sign_in(user, bool(form.remember.data))
        # Same words whether the email is unknown or the password wrong.
        form.email.errors.append("Enter a correct email address and password")
    return render_template("accounts/sign_in.html", form=form)


PENDING_SIGN_IN_SECONDS = 300


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def sign_in_code() -> str | BaseResponse:
    pending = session.get("pending_sign_in")
    user = load_user(pending["user"]) if pending else None
    if (
        not pending
        or user is None
        or not user.totp_secret
        or (time.time() - pending["at"] > PENDING_SIGN_IN_SECONDS)
    ):
        session.pop("pending_sign_in", None)
        flash("Sign in again: the security code step has expired.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = SecurityCodeForm()
    if form.validate_on_submit():
        if security.code_is_valid(user.totp_secret, form.code.data):
            return _complete_sign_in(user, pending["remember"])
        form.code.errors.append("The security code is not correct or has expired")
    return render_template("accounts/sign_in_code.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only ever return to a page on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("accounts.account")


@bp.route("/confirm-password", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per minute", methods=["POST"])
def confirm_password() -> str | BaseResponse:
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            security.mark_signed_in()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Your password is not correct")
    return render_template("accounts/confirm_password.html", form=form)


@bp.route("/two-factor")
@login_required
def two_factor() -> str:
    return render_template(
        "accounts/two_factor.html",
        required=current_app.config["REQUIRE_TWO_FACTOR_FOR_STAFF"]
        and security.is_staff(current_user),
        turn_off_form=TurnOffTwoFactorForm(),
    )


@bp.route("/two-factor/set-up", methods=["GET", "POST"])
@login_required
@security.recent_sign_in_required
def two_factor_setup() -> str | BaseResponse:
    secret = session.get("totp_setup") or pyotp.random_base32()
    session["totp_setup"] = secret
    form = SecurityCodeForm()
    if form.validate_on_submit():
        if security.code_is_valid(secret, form.code.data):
            services.turn_on_two_factor(db.session, user=current_user, secret=secret)
            db.session.commit()
            session.pop("totp_setup", None)
            flash(
                "Your authenticator app is set up. You will need a code each time you sign in.",
                "success",
            )
            return redirect(url_for("accounts.account"))
        form.code.errors.append("The security code is not correct or has expired")
    uri = security.totp_for(secret, current_user.email).provisioning_uri()
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return render_template("accounts/two_factor_setup.html", form=form, secret=secret, qr=qr)


@bp.route("/two-factor/turn-off", methods=["POST"])
@login_required
@security.recent_sign_in_required
def two_factor_turn_off() -> BaseResponse:
    if TurnOffTwoFactorForm().validate_on_submit():
        required = current_app.config["REQUIRE_TWO_FACTOR_FOR_STAFF"] and security.is_staff(
            current_user
        )
        try:
            services.turn_off_two_factor(db.session, user=current_user, required=required)
        except RuleViolation as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("The authenticator app has been turned off.", "success")
    return redirect(url_for("accounts.two_factor"))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> BaseResponse:
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
def confirm_email(token: str) -> str | tuple[str, int] | BaseResponse:
    user = services.user_from_token(
        db.session,
        current_app.config["SECRET_KEY"],
        CONFIRM,
        token,
        current_app.config["EMAIL_CONFIRM_MAX_AGE"],
    )
    if user is None:
        return render_template("accounts/link_expired.html"), 400
    user.confirm_email()
    db.session.commit()
    flash("Your email address is confirmed.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/confirm", methods=["POST"])
@login_required
@limiter.limit("3 per hour")
def resend_confirmation() -> BaseResponse:
    if ResendConfirmationForm().validate_on_submit() and not current_user.email_confirmed:
        token = services.make_token(current_app.config["SECRET_KEY"], CONFIRM, current_user)
        _send_confirmation(current_user.email, current_user.display_name, token)
        flash("We have sent the confirmation email again.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | BaseResponse:
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
            security.mark_signed_in()
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def reset_request() -> str | BaseResponse:
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
def reset_password(token: str) -> str | tuple[str, int] | BaseResponse:
    user = services.user_from_token(
        db.session,
        current_app.config["SECRET_KEY"],
        RESET,
        token,
        current_app.config["PASSWORD_RESET_MAX_AGE"],
    )
    if user is None:
        return render_template("accounts/link_expired.html"), 400
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
def home() -> str | BaseResponse:
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


def data_download(user: User) -> Response:
    archive = data_rights.personal_data_zip(data_rights.personal_data(db.session, user))
    response = Response(archive, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="engage-data-{user.id}.zip"'
    return response


@bp.route("/your-data")
@login_required
def your_data() -> str:
    return render_template("accounts/your_data.html", form=DownloadDataForm())


@bp.route("/your-data/download", methods=["POST"])
@login_required
@security.recent_sign_in_required
def download_data() -> BaseResponse:
    if not DownloadDataForm().validate_on_submit():
        return redirect(url_for("accounts.your_data"))
    return data_download(current_user)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> str | BaseResponse:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append("Your password is not correct")
        else:
            try:
                data_rights.erase_account(
                    db.session,
                    actor=current_user,
                    user=current_user,
                    reason="Deleted by the account holder",
                )
            except RuleViolation as error:
                form.password.errors.append(error.message)
            else:
                db.session.commit()
                logout_user()
                session.clear()
                flash("Your account has been deleted.", "success")
                return redirect(url_for("pages.home"))
    return render_template("accounts/delete_account.html", form=form)
