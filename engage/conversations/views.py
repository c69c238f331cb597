"""The conversation log for officers: the stand form, imports, themes, ward
priorities with their evidence and responses, and exports."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from engage import audit
from engage.accounts.security import recent_sign_in_required
from engage.conversations import exports, imports, priorities, queries, services
from engage.conversations.clock import council_zone
from engage.conversations.forms import (
    ConversationForm,
    DeleteConversationForm,
    ExportForm,
    FollowUpForm,
    ImportForm,
    MergeThemesForm,
    NoteForm,
    ResponseForm,
    RetentionForm,
    StandardThemesForm,
    ThemeForm,
)
from engage.conversations.models import (
    Conversation,
    Event,
    PriorityResponse,
    ResponseStatus,
    Theme,
)
from engage.conversations.permissions import (
    can_change_settings,
    can_export,
    can_log_conversations,
    can_manage_themes,
    can_respond_to_priorities,
    can_see_contact_details,
    can_view_conversation_log,
    can_view_priorities_overview,
    can_view_ward_priorities,
    is_engagement_officer,
)
from engage.conversations.ranking import Classifier
from engage.db import utcnow
from engage.errors import RuleViolation
from engage.exports import to_csv_bytes, to_xlsx_bytes
from engage.extensions import db
from engage.hooks import hooks
from engage.permissions import require
from engage.wards.models import Ward
from engage.web import page_number

bp = Blueprint("conversations", __name__, url_prefix="/conversations")
PAGE_SIZE = 50
REMEMBERED_EVENT = "conversations_event_id"


def _ward_or_404(slug: str) -> Ward:
    return db.first_or_404(select(Ward).where(Ward.slug == slug))


def _theme_or_404(key: str) -> Theme:
    return db.first_or_404(select(Theme).where(Theme.key == key, Theme.merged_into_id.is_(None)))


def _retention_default() -> int:
    return int(current_app.config["CONVERSATION_CONTACT_RETENTION_DAYS"])


# --- the log -------------------------------------------------------------------------


@bp.route("/")
def log() -> str:
    require(can_view_conversation_log(current_user))
    wards = queries.wards_by_name(db.session)
    themes = queries.active_themes(db.session)
    # Filters are looked up among what exists, never put into SQL as given.
    ward_arg, theme_arg = request.args.get("ward", ""), request.args.get("theme", "")
    ward = next((w for w in wards if w.slug == ward_arg), None)
    theme = next((t for t in themes if t.key == theme_arg), None)
    event = db.session.get(Event, request.args.get("event", 0, type=int) or 0)
    follow_ups = request.args.get("show") == "follow-ups"
    statement = queries.conversation_log(
        event_id=event.id if event else None,
        ward_id=ward.id if ward else None,
        unknown_ward=ward_arg == "unknown",
        theme_id=theme.id if theme else None,
        follow_ups_only=follow_ups,
    )
    page = db.paginate(
        statement,
        page=page_number(),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    filters = {
        key: value
        for key, value in {
            "ward": ward.slug if ward else ("unknown" if ward_arg == "unknown" else None),
            "theme": theme.key if theme else None,
            "event": event.id if event else None,
            "show": "follow-ups" if follow_ups else None,
        }.items()
        if value
    }
    return render_template(
        "conversations/log.html",
        page=page,
        wards=wards,
        themes=themes,
        ward_arg=filters.get("ward", ""),
        theme=theme,
        event=event,
        follow_ups=follow_ups,
        filters=filters,
    )


@bp.route("/log")
def choose_event() -> str | BaseResponse:
    """Where "Log conversations" starts: the event remembered from last time, or a choice."""
    require(can_log_conversations(current_user))
    remembered = db.session.get(Event, session.get(REMEMBERED_EVENT) or 0)
    if remembered is not None and request.args.get("change") is None:
        return redirect(url_for("conversations.new", event_id=remembered.id))
    events = queries.recent_events_for_logging(db.session, since=utcnow() - timedelta(days=60))
    return render_template(
        "conversations/choose_event.html",
        events=events,
        counts=queries.conversation_counts(db.session, [e.id for e in events]),
        remembered=remembered,
    )


def _wants_json() -> bool:
    # Our stand-form script asks for JSON; browsers submitting the form ask for HTML.
    return request.accept_mimetypes.best == "application/json"


def _conversation_form() -> ConversationForm:
    return ConversationForm(
        themes=queries.active_themes(db.session),
        wards=queries.wards_by_name(db.session),
        officers=queries.engagement_officers(db.session),
        find_ward=lambda postcode: queries.ward_for_postcode(db.session, postcode),
    )


def _form_errors(form: ConversationForm) -> list[dict[str, str]]:
    errors = []
    for name, messages in form.errors.items():
        field = getattr(form, name)
        errors.append({"field": field.name, "href": f"#{field.id}", "text": messages[0]})
    return errors


def _saved(event: Event, conversation: Conversation, created: bool) -> BaseResponse:
    session[REMEMBERED_EVENT] = event.id
    count = queries.conversation_counts(db.session, [event.id]).get(event.id, 0)
    saved = "Conversation saved." if created else "That conversation was already saved."
    message = f"{saved} {count} logged at {event.title}."
    if _wants_json():
        return jsonify(
            saved=True,
            already_saved=not created,
            conversation_id=conversation.id,
            count=count,
            message=message,
            idempotency_key=str(uuid.uuid4()),
        )
    flash(message, "success")
    return redirect(url_for("conversations.new", event_id=event.id))


@bp.route("/events/<int:event_id>/new", methods=["GET", "POST"])
def new(event_id: int) -> str | BaseResponse | tuple[Response, int]:
    """The stand form. Works as a plain form; with JavaScript it saves without leaving
    the page, and keeps what was typed if the connection drops."""
    require(can_log_conversations(current_user))
    event = db.get_or_404(Event, event_id)
    form = _conversation_form()
    if form.validate_on_submit():
        data = form.conversation_data()
        conversation: Conversation | None = None
        try:
            conversation, created = services.log_conversation(
                db.session, actor=current_user, event=event, data=data, now=utcnow()
            )
            db.session.commit()
        except IntegrityError:
            # The same key arrived twice at once, and the other request saved it.
            db.session.rollback()
            conversation, created = (
                queries.conversation_by_key(db.session, data.idempotency_key),
                False,
            )
            if conversation is None:
                raise
        except RuleViolation as error:
            db.session.rollback()
            form.theme_ids.errors = [error.message]
        if conversation is not None:
            return _saved(event, conversation, created)
    if request.method == "POST" and _wants_json():
        return jsonify(saved=False, errors=_form_errors(form)), 422
    session[REMEMBERED_EVENT] = event.id
    return render_template(
        "conversations/new.html",
        form=form,
        event=event,
        logged=queries.conversation_counts(db.session, [event.id]).get(event.id, 0),
        retention_days=services.contact_retention_days(db.session, _retention_default()),
    )


@bp.route("/<int:conversation_id>")
def show(conversation_id: int) -> str:
    require(can_view_conversation_log(current_user))
    conversation = db.get_or_404(Conversation, conversation_id)
    return render_template(
        "conversations/show.html",
        conversation=conversation,
        show_contact=can_see_contact_details(current_user),
        follow_up_form=FollowUpForm(),
    )


@bp.route("/<int:conversation_id>/replied", methods=["POST"])
def follow_up(conversation_id: int) -> BaseResponse:
    require(can_view_conversation_log(current_user))
    conversation = db.get_or_404(Conversation, conversation_id)
    if FollowUpForm().validate_on_submit():
        try:
            services.mark_followed_up(
                db.session, actor=current_user, conversation=conversation, now=utcnow()
            )
        except RuleViolation as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Marked as replied. Their contact details have been deleted.", "success")
    return redirect(url_for("conversations.show", conversation_id=conversation.id))


@bp.route("/<int:conversation_id>/delete", methods=["GET", "POST"])
def delete(conversation_id: int) -> str | BaseResponse:
    require(can_log_conversations(current_user))
    conversation = db.get_or_404(Conversation, conversation_id)
    form = DeleteConversationForm()
    if form.validate_on_submit():
        event_id = conversation.event_id
        services.delete_conversation(
            db.session, actor=current_user, conversation=conversation, reason=form.reason.data
        )
        db.session.commit()
        flash("Conversation deleted.", "success")
        return redirect(url_for("conversations.log", event=event_id))
    return render_template("conversations/delete.html", conversation=conversation, form=form)


# --- imports -------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
def import_conversations() -> str | BaseResponse:
    require(can_log_conversations(current_user))
    events = queries.recent_events_for_logging(db.session, limit=200)
    form = ImportForm(events=events)
    check: imports.ImportCheck | None = None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        event = db.session.get(Event, form.event_id.data) if form.event_id.data else None
        try:
            records = imports.read_spreadsheet(upload.filename or "", content)
            active = queries.active_themes(db.session)
            now = utcnow()
            check = imports.check_rows(
                records,
                themes=queries.theme_lookup(db.session),
                wards={w.name.lower(): w.id for w in queries.wards_by_name(db.session)},
                classify=Classifier({t.key: t.keyword_list for t in active}),
                zone=council_zone(),
                now=now,
                default_when=event.starts_at if event else None,
            )
            result = imports.import_rows(
                db.session,
                actor=current_user,
                event=event,
                check=check,
                digest=imports.file_digest(content),
                import_valid_rows=bool(form.import_valid_rows.data),
                now=now,
            )
        except RuleViolation as error:
            db.session.rollback()
            form.file.errors = [error.message]
        else:
            db.session.commit()
            message = f"{result.imported} conversations imported."
            if result.already_imported:
                message += f" {result.already_imported} were already imported from this file."
            if result.not_imported:
                message += f" {result.not_imported} rows had problems and were not imported."
                flash(message, "success")
                return render_template(
                    "conversations/import.html", form=ImportForm(events=events), check=check
                )
            flash(message, "success")
            return redirect(url_for("conversations.log"))
    return render_template("conversations/import.html", form=form, check=check)


@bp.route("/import/template.csv")
def import_template() -> Response:
    require(can_log_conversations(current_user))
    response = Response(to_csv_bytes(imports.template_frame()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="conversations-template.csv"'
    return response


# --- themes and settings -------------------------------------------------------------


@bp.route("/themes")
def themes() -> str:
    require(can_manage_themes(current_user))
    all_themes = list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))
    return render_template(
        "conversations/themes.html",
        themes=[t for t in all_themes if not t.is_merged],
        merged=[t for t in all_themes if t.is_merged],
        standard_form=StandardThemesForm(),
    )


@bp.route("/themes/new", methods=["GET", "POST"])
def new_theme() -> str | BaseResponse:
    require(can_manage_themes(current_user))
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = services.save_theme(
                db.session,
                actor=current_user,
                theme=None,
                name=form.name.data,
                keywords=form.keywords.data or "",
            )
        except RuleViolation as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Theme {theme.name} added.", "success")
            return redirect(url_for("conversations.themes"))
    return render_template("conversations/theme_form.html", form=form, theme=None)


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
def edit_theme(theme_id: int) -> str | BaseResponse:
    require(can_manage_themes(current_user))
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            services.save_theme(
                db.session,
                actor=current_user,
                theme=theme,
                name=form.name.data,
                keywords=form.keywords.data or "",
            )
        except RuleViolation as error:
            db.session.rollback()
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash("Theme saved.", "success")
            return redirect(url_for("conversations.themes"))
    return render_template("conversations/theme_form.html", form=form, theme=theme)


@bp.route("/themes/merge", methods=["GET", "POST"])
def merge_themes() -> str | BaseResponse:
    require(can_manage_themes(current_user))
    form = MergeThemesForm(themes=queries.active_themes(db.session))
    if form.validate_on_submit():
        source = db.get_or_404(Theme, form.source_id.data)
        target = db.get_or_404(Theme, form.target_id.data)
        try:
            moved = services.merge_themes(
                db.session,
                actor=current_user,
                source=source,
                target=target,
                reason=form.reason.data,
            )
        except RuleViolation as error:
            db.session.rollback()
            form.source_id.errors = [error.message]
        else:
            db.session.commit()
            flash(
                f"{source.name} merged into {target.name}: {moved} conversations re-tagged.",
                "success",
            )
            return redirect(url_for("conversations.themes"))
    return render_template("conversations/merge_themes.html", form=form)


@bp.route("/themes/standard", methods=["POST"])
def standard_themes() -> BaseResponse:
    require(can_manage_themes(current_user))
    if StandardThemesForm().validate_on_submit():
        added = services.ensure_standard_themes(db.session)
        audit.record(
            db.session,
            actor=current_user,
            action="conversations.theme.standard",
            target_type="theme",
            target_id="*",
            added=added,
        )
        db.session.commit()
        flash(f"{added} standard themes added.", "success")
    return redirect(url_for("conversations.themes"))


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | BaseResponse:
    require(can_change_settings(current_user))
    days = services.contact_retention_days(db.session, _retention_default())
    form = RetentionForm(data={"days": days} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.set_contact_retention(
                db.session,
                actor=current_user,
                days=form.days.data,
                reason=form.reason.data,
                now=utcnow(),
            )
        except RuleViolation as error:
            form.days.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Contact details will be kept for {form.days.data} days.", "success")
            return redirect(url_for("conversations.settings"))
    waiting = db.session.scalar(
        select(func.count()).select_from(Conversation).where(Conversation.contact.has())
    )
    return render_template(
        "conversations/settings.html", form=form, days=days, contacts_held=waiting or 0
    )


# --- ward priorities -----------------------------------------------------------------


def _first_year() -> int | None:
    first = db.session.scalar(select(func.min(Conversation.occurred_at)))
    return first.year if first else None


def _period_from_request() -> priorities.ChosenPeriod:
    return priorities.choose_period(request.args.get("period"), utcnow())


def _visible_wards() -> list[Ward]:
    if is_engagement_officer(current_user):
        return queries.wards_by_name(db.session)
    return list(current_user.represented_wards)


@bp.route("/priorities")
def priorities_overview() -> str:
    require(can_view_priorities_overview(current_user))
    chosen = _period_from_request()
    wards = _visible_wards()
    results = priorities.compute_priorities(
        db.session,
        period=chosen.period,
        sources=hooks().priority_sources,
        ward_ids=[w.id for w in wards],
    )
    return render_template(
        "conversations/priorities.html",
        wards=wards,
        results=results,
        chosen=chosen,
        period_choices=priorities.period_choices(utcnow(), _first_year()),
        themes={t.key: t for t in queries.active_themes(db.session)},
        can_export=can_export(current_user),
    )


@bp.route("/priorities/<slug>")
def ward_priorities(slug: str) -> str:
    ward = _ward_or_404(slug)
    require(can_view_ward_priorities(current_user, ward))
    chosen = _period_from_request()
    sources = hooks().priority_sources
    result = priorities.ward_priorities(
        db.session, ward=ward, period=chosen.period, sources=sources
    )
    themes = {t.key: t for t in queries.active_themes(db.session)}
    now = utcnow()
    series = priorities.theme_series(db.session, ward=ward, sources=sources, now=now)
    charted = [p.theme_key for p in result.priorities[:5] if p.theme_key in themes]
    examples = {
        p.theme_key: priorities.example_quotes(
            db.session, ward=ward, theme=themes[p.theme_key], result=result, limit=1
        )
        for p in result.priorities
        if p.theme_key in themes
    }
    return render_template(
        "conversations/ward_priorities.html",
        examples=examples,
        ward=ward,
        result=result,
        chosen=chosen,
        period_choices=priorities.period_choices(now, _first_year()),
        themes=themes,
        series=series,
        charted=charted,
        source_label=priorities.source_label,
        sources=sorted(
            {s for p in result.priorities for s in p.by_source},
            key=lambda s: (s != priorities.CONVERSATIONS, s),
        ),
    )


def _priority_page(ward: Ward, theme: Theme, note_form: NoteForm | None = None) -> str:
    chosen = _period_from_request()
    sources = hooks().priority_sources
    result = priorities.ward_priorities(
        db.session, ward=ward, period=chosen.period, sources=sources, quotes_per_theme=10
    )
    now = utcnow()
    series = priorities.theme_series(db.session, ward=ward, sources=sources, now=now)
    return render_template(
        "conversations/priority.html",
        ward=ward,
        theme=theme,
        chosen=chosen,
        period_choices=priorities.period_choices(now, _first_year()),
        priority=result.priority(theme.key),
        quotes=priorities.example_quotes(
            db.session, ward=ward, theme=theme, result=result, limit=10
        ),
        sentiments=queries.sentiment_counts(db.session, ward.id, theme.id, chosen.period),
        series=series,
        notes=queries.priority_notes(db.session, ward.id, theme.id),
        responses=queries.ward_responses(db.session, ward.id, theme.id),
        can_respond=can_respond_to_priorities(current_user),
        note_form=note_form or NoteForm(),
        source_label=priorities.source_label,
    )


@bp.route("/priorities/<slug>/<theme_key>")
def priority(slug: str, theme_key: str) -> str:
    ward = _ward_or_404(slug)
    require(can_view_ward_priorities(current_user, ward))
    return _priority_page(ward, _theme_or_404(theme_key))


@bp.route("/priorities/<slug>/<theme_key>/notes", methods=["POST"])
def add_note(slug: str, theme_key: str) -> str | BaseResponse:
    ward = _ward_or_404(slug)
    require(can_respond_to_priorities(current_user))
    theme = _theme_or_404(theme_key)
    form = NoteForm()
    if form.validate_on_submit():
        priorities.add_note(
            db.session, actor=current_user, ward=ward, theme=theme, text=form.text.data
        )
        db.session.commit()
        flash("Note added.", "success")
        return redirect(url_for("conversations.priority", slug=ward.slug, theme_key=theme.key))
    return _priority_page(ward, theme, note_form=form)


def _response_form_page(
    ward: Ward, theme: Theme, response: PriorityResponse | None
) -> str | BaseResponse:
    form = ResponseForm(obj=response)
    if request.method == "GET" and response is None:
        form.status.data = ResponseStatus.PLANNED.value
        form.status_on.data = utcnow().astimezone(council_zone()).date()
    elif request.method == "GET" and response is not None:
        form.status.data = response.status.value
    if form.validate_on_submit():
        status_on = form.status_on.data
        assert status_on is not None  # a required field, so a valid form has a date
        try:
            priorities.save_response(
                db.session,
                actor=current_user,
                ward=ward,
                theme=theme,
                response=response,
                data=priorities.ResponseData(
                    you_said=form.you_said.data,
                    we_did=form.we_did.data,
                    owner=form.owner.data,
                    status=ResponseStatus(form.status.data),
                    status_on=status_on,
                ),
                now=utcnow(),
            )
        except RuleViolation as error:
            db.session.rollback()
            form.status.errors = [error.message]
        else:
            db.session.commit()
            flash("Response saved. It shows on the ward's page.", "success")
            return redirect(url_for("conversations.priority", slug=ward.slug, theme_key=theme.key))
    return render_template(
        "conversations/response_form.html", form=form, ward=ward, theme=theme, response=response
    )


@bp.route("/priorities/<slug>/<theme_key>/responses/new", methods=["GET", "POST"])
def new_response(slug: str, theme_key: str) -> str | BaseResponse:
    ward = _ward_or_404(slug)
    require(can_respond_to_priorities(current_user))
    return _response_form_page(ward, _theme_or_404(theme_key), None)


@bp.route("/responses/<int:response_id>/edit", methods=["GET", "POST"])
def edit_response(response_id: int) -> str | BaseResponse:
    require(can_respond_to_priorities(current_user))
    response = db.get_or_404(PriorityResponse, response_id)
    return _response_form_page(response.ward, response.theme, response)


# --- exports -------------------------------------------------------------------------

EXPORT_TYPES = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _download(content: bytes, name: str, kind: str) -> Response:
    mimetype, extension = EXPORT_TYPES[kind]
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@bp.route("/exports")
def exports_page() -> str:
    require(can_export(current_user))
    chosen = _period_from_request()
    return render_template(
        "conversations/exports.html",
        form=ExportForm(data={"period": chosen.key}),
        chosen=chosen,
        period_choices=priorities.period_choices(utcnow(), _first_year()),
    )


def _export_kind(kind: str) -> str:
    if kind not in EXPORT_TYPES:
        abort(404)
    return kind


@bp.route("/exports/priorities.<kind>", methods=["POST"])
@recent_sign_in_required
def export_priorities(kind: str) -> Response:
    require(can_export(current_user))
    kind = _export_kind(kind)
    chosen = priorities.choose_period(ExportForm().period.data, utcnow())
    wards = queries.wards_by_name(db.session)
    results = priorities.compute_priorities(
        db.session, period=chosen.period, sources=hooks().priority_sources
    )
    by_name = {ward.name: results[ward.id] for ward in wards}
    names = {t.key: t.name for t in queries.active_themes(db.session)}
    _audit_export("priorities", kind, chosen)
    if kind == "csv":
        content = to_csv_bytes(exports.priorities_frame(by_name, names))
    else:
        content = to_xlsx_bytes(exports.priorities_workbook(by_name, names, chosen.period))
    return _download(content, f"ward-priorities-{chosen.key}", kind)


@bp.route("/exports/conversations.<kind>", methods=["POST"])
@recent_sign_in_required
def export_log(kind: str) -> Response:
    require(can_export(current_user))
    kind = _export_kind(kind)
    chosen = priorities.choose_period(ExportForm().period.data, utcnow())
    frame = exports.conversation_log_frame(queries.logged_conversations(db.session, chosen.period))
    _audit_export("conversations", kind, chosen)
    content = to_csv_bytes(frame) if kind == "csv" else to_xlsx_bytes({"Conversations": frame})
    return _download(content, f"conversations-{chosen.key}", kind)


def _audit_export(what: str, kind: str, chosen: priorities.ChosenPeriod) -> None:
    audit.record(
        db.session,
        actor=current_user,
        action=f"conversations.export.{what}",
        target_type="export",
        target_id=kind,
        period=chosen.label,
    )
    db.session.commit()
