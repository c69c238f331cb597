"""Councillors' ward briefings and their "menu" of what to receive."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage.conversations import briefings, queries
from engage.conversations.forms import AttendForm, BriefingPreferencesForm
from engage.conversations.permissions import (
    can_attend_events,
    can_choose_briefing,
    can_view_briefing,
    is_engagement_officer,
)
from engage.db import utcnow
from engage.extensions import db
from engage.hooks import hooks
from engage.permissions import require
from engage.wards.models import Ward

bp = Blueprint("briefings", __name__, url_prefix="/briefings")


@bp.route("/")
def index() -> str | Response:
    officer = is_engagement_officer(current_user)
    require(officer or can_choose_briefing(current_user))
    wards = queries.wards_by_name(db.session) if officer else current_user.represented_wards
    if len(wards) == 1 and not officer:
        return redirect(url_for("briefings.show", slug=wards[0].slug))
    return render_template(
        "conversations/briefings.html",
        wards=wards,
        can_choose=can_choose_briefing(current_user),
    )


@bp.route("/<slug>")
def show(slug: str) -> str:
    ward = db.first_or_404(select(Ward).where(Ward.slug == slug))
    require(can_view_briefing(current_user, ward))
    hidden = (
        briefings.preferences_for(db.session, current_user).hidden_parts
        if can_choose_briefing(current_user)
        else []
    )
    sections = hooks().briefing_sections
    briefing = briefings.build_briefing(
        db.session,
        ward=ward,
        sources=hooks().priority_sources,
        section_templates=sections,
        hidden=hidden,
        now=utcnow(),
    )
    labels = dict(briefings.briefing_parts(sections))
    return render_template(
        "conversations/briefing.html",
        ward=ward,
        briefing=briefing,
        left_out=[labels[key] for key in labels if key not in briefing.shown],
        can_choose=can_choose_briefing(current_user),
        can_attend=can_attend_events(current_user),
        attend_form=AttendForm(),
    )


@bp.route("/preferences", methods=["GET", "POST"])
def preferences() -> str | Response:
    require(can_choose_briefing(current_user))
    parts = briefings.briefing_parts(hooks().briefing_sections)
    saved = briefings.preferences_for(db.session, current_user)
    form = BriefingPreferencesForm(parts=parts)
    if not form.is_submitted():
        form.parts.data = [key for key, _ in parts if key not in saved.hidden_parts]
        form.monthly_email.data = "yes" if saved.monthly_email else "no"
    if form.validate_on_submit():
        briefings.save_preferences(
            db.session,
            user=current_user,
            parts=parts,
            shown=form.parts.data or [],
            monthly_email=form.monthly_email.data == "yes",
            now=utcnow(),
        )
        db.session.commit()
        flash("Your choices are saved.", "success")
        return redirect(url_for("briefings.index"))
    return render_template("conversations/briefing_preferences.html", form=form)
