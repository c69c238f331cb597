from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage.accounts.permissions import can_manage_ward_contacts
from engage.extensions import db
from engage.forms import signed_in_form
from engage.permissions import require
from engage.wards import services
from engage.wards.forms import DeleteContactForm, WardContactForm
from engage.wards.models import Ward, WardContact
from engage.wards.queries import areas_with_wards

bp = Blueprint("wards", __name__, url_prefix="/wards")


def _ward_or_404(slug: str) -> Ward:
    return db.first_or_404(select(Ward).where(Ward.slug == slug))


def _contact_or_404(ward: Ward, contact_id: int) -> WardContact:
    return db.first_or_404(
        select(WardContact).where(WardContact.id == contact_id, WardContact.ward_id == ward.id)
    )


@bp.route("/")
def index() -> str:
    return render_template("wards/index.html", areas=areas_with_wards(db.session))


@bp.route("/<slug>")
def show(slug: str) -> str:
    ward = _ward_or_404(slug)
    return render_template(
        "wards/show.html",
        ward=ward,
        can_manage_contacts=can_manage_ward_contacts(current_user),
        delete_form=signed_in_form(DeleteContactForm),
    )


@bp.route("/<slug>/contacts/new", methods=["GET", "POST"])
def new_contact(slug: str) -> str | Response:
    ward = _ward_or_404(slug)
    require(can_manage_ward_contacts(current_user))
    form = WardContactForm()
    if form.validate_on_submit():
        services.save_contact(
            db.session, actor=current_user, ward=ward, contact=None, data=form.data
        )
        db.session.commit()
        flash(f"Contact added to {ward.name}.", "success")
        return redirect(url_for("wards.show", slug=ward.slug))
    return render_template("wards/contact_form.html", form=form, ward=ward, contact=None)


@bp.route("/<slug>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(slug: str, contact_id: int) -> str | Response:
    ward = _ward_or_404(slug)
    require(can_manage_ward_contacts(current_user))
    contact = _contact_or_404(ward, contact_id)
    form = WardContactForm(obj=contact)
    if form.validate_on_submit():
        services.save_contact(
            db.session, actor=current_user, ward=ward, contact=contact, data=form.data
        )
        db.session.commit()
        flash("Contact updated.", "success")
        return redirect(url_for("wards.show", slug=ward.slug))
    return render_template("wards/contact_form.html", form=form, ward=ward, contact=contact)


@bp.route("/<slug>/contacts/<int:contact_id>/remove", methods=["POST"])
def remove_contact(slug: str, contact_id: int) -> Response:
    ward = _ward_or_404(slug)
    require(can_manage_ward_contacts(current_user))
    contact = _contact_or_404(ward, contact_id)
    if DeleteContactForm().validate_on_submit():
        services.remove_contact(db.session, actor=current_user, contact=contact)
        db.session.commit()
        flash("Contact removed.", "success")
    return redirect(url_for("wards.show", slug=ward.slug))
