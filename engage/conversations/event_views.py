"""Events: the public list, ward calendars and iCalendar feeds; officers create and
edit events; councillors say which they will attend."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from engage.conversations import queries, services
from engage.conversations.clock import council_zone, local
from engage.conversations.forms import AttendForm, EventForm
from engage.conversations.ical import FeedEvent, calendar_feed
from engage.conversations.models import Event, EventKind
from engage.conversations.permissions import (
    can_attend_events,
    can_log_conversations,
    can_manage_events,
)
from engage.db import utcnow
from engage.errors import RuleViolation
from engage.extensions import db
from engage.forms import signed_in_form
from engage.permissions import require
from engage.wards.models import Area, Ward
from engage.web import page_number

bp = Blueprint("events", __name__, url_prefix="/events")
PAGE_SIZE = 20
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _ward_or_404(slug: str) -> Ward:
    return db.first_or_404(select(Ward).where(Ward.slug == slug))


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm(
        obj=event,
        wards=queries.wards_by_name(db.session),
        areas=list(db.session.scalars(select(Area).order_by(Area.name))),
        councillors=queries.councillors(db.session),
    )
    if event is not None and request.method == "GET":
        start = local(event.starts_at)
        assert start is not None
        form.kind.data = event.kind.value
        form.day.data = start.date()
        form.start_time.data = f"{start:%H:%M}"
        form.end_time.data = f"{local(event.ends_at):%H:%M}" if event.ends_at else ""
        form.ward_ids.data = [ward.id for ward in event.wards]
        form.area_id.data = event.area_id or 0
        form.councillor_ids.data = [c.id for c in event.councillors]
    return form


@bp.route("/")
def index() -> str:
    wards = queries.wards_by_name(db.session)
    ward = next((w for w in wards if w.slug == request.args.get("ward")), None)
    past = request.args.get("show") == "past"
    now = utcnow()
    page = None
    events = []
    if past:
        page = db.paginate(
            queries.past_events(now, ward),
            page=page_number(),
            per_page=PAGE_SIZE,
            error_out=False,
        )
        events = list(page.items)
    else:
        events = queries.upcoming_events(db.session, now, ward=ward)
    return render_template(
        "conversations/events_index.html",
        events=events,
        page=page,
        past=past,
        ward=ward,
        wards=wards,
        can_manage=can_manage_events(current_user),
    )


@bp.route("/<int:event_id>")
def show(event_id: int) -> str:
    event = db.get_or_404(Event, event_id)
    now = utcnow()
    officer = can_log_conversations(current_user)
    return render_template(
        "conversations/event.html",
        event=event,
        happened=event.has_happened(now),
        can_manage=can_manage_events(current_user),
        can_log=officer,
        logged=queries.conversation_counts(db.session, [event.id]).get(event.id, 0)
        if officer
        else None,
        can_attend=can_attend_events(current_user) and not event.has_happened(now),
        attending=current_user.is_authenticated and current_user in event.councillors,
        attend_form=signed_in_form(AttendForm),
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | BaseResponse:
    require(can_manage_events(current_user))
    form = _event_form()
    if request.method == "GET":
        form.kind.data = EventKind.FESTIVAL_STAND.value
        form.area_id.data = 0
    if form.validate_on_submit():
        try:
            event = services.save_event(
                db.session, actor=current_user, event=None, data=form.event_data(council_zone())
            )
        except RuleViolation as error:
            form.end_time.errors.append(error.message)
        else:
            db.session.commit()
            flash(f"{event.title} added to the events.", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("conversations/event_form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int) -> str | BaseResponse:
    require(can_manage_events(current_user))
    event = db.get_or_404(Event, event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            services.save_event(
                db.session, actor=current_user, event=event, data=form.event_data(council_zone())
            )
        except RuleViolation as error:
            form.end_time.errors.append(error.message)
        else:
            db.session.commit()
            flash("Event updated.", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("conversations/event_form.html", form=form, event=event)


@bp.route("/<int:event_id>/attend", methods=["POST"])
def attend(event_id: int) -> BaseResponse:
    require(can_attend_events(current_user))
    event = db.get_or_404(Event, event_id)
    form = AttendForm()
    if form.validate_on_submit():
        attending = form.attending.data != "no"
        try:
            services.set_attendance(
                db.session, councillor=current_user, event=event, attending=attending, now=utcnow()
            )
        except RuleViolation as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                "You are down to attend." if attending else "You are no longer down to attend.",
                "success",
            )
    return redirect(url_for("events.show", event_id=event.id))


def _month(text: str | None, today: date) -> tuple[int, int]:
    match = _MONTH.match(text or "")
    if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    return today.year, today.month


@bp.route("/wards/<slug>/calendar")
def ward_calendar(slug: str) -> str:
    ward = _ward_or_404(slug)
    zone = council_zone()
    today = utcnow().astimezone(zone).date()
    year, month = _month(request.args.get("month"), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    start = datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(UTC)
    end = datetime(last.year, last.month, last.day, 23, 59, 59, tzinfo=zone).astimezone(UTC)
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in queries.events_between(db.session, start, end, ward):
        by_day[event.starts_at.astimezone(zone).date()].append(event)
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template(
        "conversations/calendar.html",
        ward=ward,
        weeks=weeks,
        month=month,
        year=year,
        month_name=calendar.month_name[month],
        by_day=by_day,
        today=today,
        before=f"{before[0]}-{before[1]:02d}",
        after=f"{after[0]}-{after[1]:02d}",
    )


@bp.route("/wards/<slug>/events.ics")
def ward_feed(slug: str) -> Response:
    ward = _ward_or_404(slug)
    now = utcnow()
    # A year back (so recent events stay in people's calendars) and two years ahead.
    since, until = now - timedelta(days=365), now + timedelta(days=730)
    events = [
        FeedEvent(
            uid=f"event-{event.id}@{request.host.split(':')[0]}",
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            place=event.place,
            description=f"{event.kind.label}. {event.description}".strip(),
            url=url_for("events.show", event_id=event.id, _external=True),
        )
        for event in queries.events_between(db.session, since, until, ward)
    ]
    body = calendar_feed(events, name=f"Events in {ward.name}", now=now)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{ward.slug}-events.ics"'
    return response
