"""Administration: people, roles, ward verification, councillor profiles, audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from engage import audit
from engage.accounts import services
from engage.accounts.data_rights import erase_account
from engage.accounts.models import Role, User
from engage.accounts.permissions import (
    can_handle_data_requests,
    can_manage_roles,
    can_verify_wards,
    can_view_audit_log,
    can_view_people,
)
from engage.accounts.security import recent_sign_in_required
from engage.accounts.views import data_download
from engage.admin.forms import (
    CouncillorProfileForm,
    DataRequestForm,
    EraseAccountForm,
    GrantRoleForm,
    RevokeRoleForm,
    VerifyWardForm,
)
from engage.audit import AuditEntry
from engage.errors import RuleViolation
from engage.extensions import db
from engage.permissions import require
from engage.wards.models import Ward
from engage.wards.queries import ward_choices
from engage.web import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 25


@bp.route("/people")
def people() -> str:
    require(can_view_people(current_user))
    query = (request.args.get("q") or "").strip()[:100]
    statement = select(User).order_by(User.display_name, User.id)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(
            or_(User.email.like(like), User.display_name.ilike(like), User.postcode.ilike(like))
        )
    page = db.paginate(statement, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/people.html", page=page, query=query)


def _person_page(user: User, grant_form: GrantRoleForm | None = None) -> str:
    return render_template(
        "admin/person.html",
        person=user,
        grant_form=grant_form or GrantRoleForm(),
        revoke_form=RevokeRoleForm(),
        verify_form=VerifyWardForm(prefix="verify"),
        data_form=DataRequestForm(prefix="data"),
        can_manage_roles=can_manage_roles(current_user),
        can_verify_wards=can_verify_wards(current_user),
        can_handle_data_requests=can_handle_data_requests(current_user),
    )


@bp.route("/people/<int:user_id>")
def person(user_id: int) -> str:
    require(can_view_people(current_user))
    return _person_page(db.get_or_404(User, user_id))


@bp.route("/people/<int:user_id>/roles", methods=["POST"])
@recent_sign_in_required
def grant_role(user_id: int) -> str | Response:
    require(can_manage_roles(current_user))
    user = db.get_or_404(User, user_id)
    form = GrantRoleForm()
    if form.validate_on_submit():
        try:
            services.grant_role(
                db.session,
                actor=current_user,
                user=user,
                role=Role(form.role.data),
                reason=form.reason.data,
            )
        except RuleViolation as error:
            form.role.errors.append(error.message)
        else:
            db.session.commit()
            flash(f"{user.display_name} is now {Role(form.role.data).label}.", "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return _person_page(user, grant_form=form)


@bp.route("/people/<int:user_id>/roles/<role>/remove", methods=["GET", "POST"])
@recent_sign_in_required
def revoke_role(user_id: int, role: str) -> str | Response:
    require(can_manage_roles(current_user))
    user = db.get_or_404(User, user_id)
    try:
        chosen = Role(role)
    except ValueError:
        abort(404)
    form = RevokeRoleForm()
    if form.validate_on_submit():
        try:
            services.revoke_role(
                db.session, actor=current_user, user=user, role=chosen, reason=form.reason.data
            )
        except RuleViolation as error:
            form.reason.errors.append(error.message)
        else:
            db.session.commit()
            flash(f"{chosen.label} removed from {user.display_name}.", "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/revoke_role.html", person=user, role=chosen, form=form)


@bp.route("/people/<int:user_id>/verify-ward", methods=["POST"])
def verify_ward(user_id: int) -> Response:
    require(can_verify_wards(current_user))
    user = db.get_or_404(User, user_id)
    form = VerifyWardForm(prefix="verify")
    if form.validate_on_submit():
        try:
            services.verify_ward(db.session, actor=current_user, user=user, reason=form.reason.data)
        except RuleViolation as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"{user.display_name}'s ward is verified.", "success")
    else:
        flash("Enter how their address was checked before verifying.", "error")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.route("/people/<int:user_id>/councillor", methods=["GET", "POST"])
def councillor_profile(user_id: int) -> str | Response:
    require(can_manage_roles(current_user))
    user = db.get_or_404(User, user_id)
    if not user.is_councillor:
        abort(404)
    profile = user.councillor_profile
    form = CouncillorProfileForm(
        data={
            "wards": [w.id for w in user.represented_wards],
            "party": profile.party if profile else "",
            "biography": profile.biography if profile else "",
            "surgeries": profile.surgeries if profile else "",
        }
    )
    form.wards.choices = ward_choices(db.session, prompt=None)
    if form.validate_on_submit():
        wards = list(db.session.scalars(select(Ward).where(Ward.id.in_(form.wards.data))))
        services.set_councillor_profile(
            db.session,
            actor=current_user,
            councillor=user,
            wards=wards,
            party=form.party.data or "",
            biography=form.biography.data or "",
            surgeries=form.surgeries.data or "",
        )
        db.session.commit()
        flash("Councillor profile saved.", "success")
        return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/councillor_profile.html", person=user, form=form)


@bp.route("/audit")
def audit_log() -> str:
    require(can_view_audit_log(current_user))
    action = request.args.get("action", "")
    statement = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    actions = list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )
    if action in actions:  # allow-listed: only actions that exist
        statement = statement.where(AuditEntry.action == action)
    page = db.paginate(statement, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", page=page, actions=actions, action=action)


@bp.route("/people/<int:user_id>/data", methods=["POST"])
@recent_sign_in_required
def person_data(user_id: int) -> str | Response:
    require(can_handle_data_requests(current_user))
    user = db.get_or_404(User, user_id)
    form = DataRequestForm(prefix="data")
    if not form.validate_on_submit():
        flash("Enter who asked for their data and how you checked it was them.", "error")
        return redirect(url_for("admin.person", user_id=user.id))
    audit.record(
        db.session,
        actor=current_user,
        action="account.data_request",
        target_type="user",
        target_id=user.id,
        reason=form.reason.data,
    )
    db.session.commit()
    return data_download(user)


@bp.route("/people/<int:user_id>/erase", methods=["GET", "POST"])
@recent_sign_in_required
def erase_person(user_id: int) -> str | Response:
    require(can_handle_data_requests(current_user))
    user = db.get_or_404(User, user_id)
    form = EraseAccountForm()
    if form.validate_on_submit():
        try:
            erase_account(db.session, actor=current_user, user=user, reason=form.reason.data)
        except RuleViolation as error:
            form.reason.errors.append(error.message)
        else:
            db.session.commit()
            flash(
                'The account has been deleted. Their contributions now show as "Former member".',
                "success",
            )
            return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/erase_person.html", person=user, form=form)
