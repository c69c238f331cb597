"""Pages for forum moderators: the report queue, posts waiting for approval, actions on
posts, threads and members, forum settings and the moderation log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from engage.accounts.models import User
from engage.accounts.security import recent_sign_in_required
from engage.db import utcnow
from engage.errors import RuleViolation
from engage.exports import to_csv_bytes
from engage.extensions import db
from engage.forms import ActionForm
from engage.forums import queries, services
from engage.forums.forms import (
    BoardForm,
    CodeOfConductForm,
    ForumSettingsForm,
    MoveThreadForm,
    OptionalReasonForm,
    PremoderateForm,
    ReasonForm,
    SuspendForm,
)
from engage.forums.models import Board, ModerationAction, ModerationEntry, Post, Thread
from engage.forums.permissions import can_moderate
from engage.forums.rules import REPORT_SERVICE_LEVEL_WORKING_DAYS, working_days_before
from engage.forums.views import thread_url
from engage.permissions import require
from engage.wards.models import Area
from engage.web import page_number

bp = Blueprint("forum_moderation", __name__, url_prefix="/forums/moderation")
PAGE_SIZE = 25


@bp.before_request
def moderators_only() -> None:
    require(can_moderate(current_user))


def _overdue_cutoff(now: datetime) -> datetime:
    return working_days_before(now, REPORT_SERVICE_LEVEL_WORKING_DAYS)


def _counts() -> dict[str, int]:
    """Numbers shown in the moderation menu on every moderation page."""
    now = utcnow()
    return {
        "reported": queries.open_report_count(db.session),
        "overdue": queries.open_report_count(db.session, _overdue_cutoff(now)),
        "pending": queries.count(db.session, queries.pending_posts()),
    }


def _area_or_404(slug: str) -> Area:
    area = queries.area_by_slug(db.session, slug)
    if area is None:
        abort(404)
    return area


# --- queues ----------------------------------------------------------------------------


@bp.route("/")
def queue() -> str:
    return _report_list(older_than=None)


@bp.route("/overdue")
def overdue() -> str:
    return _report_list(older_than=_overdue_cutoff(utcnow()))


def _report_list(older_than: datetime | None) -> str:
    page = db.paginate(
        queries.reported_posts(older_than), page=page_number(), per_page=PAGE_SIZE, error_out=False
    )
    # paginate() of a two-column select returns the first column: the post ids.
    items = queries.load_reported(db.session, list(page.items))
    return render_template(
        "forums/moderation/queue.html",
        page=page,
        items=items,
        overdue=older_than is not None,
        counts=_counts(),
        form=ActionForm(),
        working_days=REPORT_SERVICE_LEVEL_WORKING_DAYS,
    )


@bp.route("/pending")
def pending() -> str:
    page = db.paginate(
        queries.pending_posts(), page=page_number(), per_page=PAGE_SIZE, error_out=False
    )
    return render_template(
        "forums/moderation/pending.html", page=page, counts=_counts(), form=ActionForm()
    )


# --- posts -----------------------------------------------------------------------------


def _back(post: Post) -> BaseResponse:
    target = request.args.get("next", "")
    if target in ("queue", "pending", "overdue"):
        return redirect(url_for(f"forum_moderation.{target}"))
    return redirect(thread_url(post.thread, post))


def _confirmed_post_action(post_id: int, act: Callable[[Post], object], done: str) -> BaseResponse:
    post = db.get_or_404(Post, post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        act(post)
        db.session.commit()
        flash(done, "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "info")
    return _back(post)


@bp.route("/posts/<int:post_id>/dismiss", methods=["POST"])
def dismiss(post_id: int) -> BaseResponse:
    return _confirmed_post_action(
        post_id,
        lambda post: services.dismiss_reports(
            db.session, actor=current_user, post=post, now=utcnow()
        ),
        "Reports dismissed. The post stays as it is.",
    )


@bp.route("/posts/<int:post_id>/approve", methods=["POST"])
def approve(post_id: int) -> BaseResponse:
    return _confirmed_post_action(
        post_id,
        lambda post: services.approve_post(db.session, actor=current_user, post=post, now=utcnow()),
        "Post approved and published.",
    )


def _post_with_reason(
    post_id: int,
    form_class: type[ReasonForm] | type[OptionalReasonForm],
    template: str,
    act: Callable[[Post, str], None],
    done: str,
) -> str | BaseResponse:
    post = db.get_or_404(Post, post_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            act(post, form.reason.data or "")
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "info")
            return _back(post)
        flash(done, "success")
        return _back(post)
    return render_template(template, form=form, post=post, next=request.args.get("next", ""))


@bp.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
def hide(post_id: int) -> str | BaseResponse:
    return _post_with_reason(
        post_id,
        ReasonForm,
        "forums/moderation/hide.html",
        lambda post, reason: services.hide_post(
            db.session, actor=current_user, post=post, reason=reason, now=utcnow()
        ),
        "Post hidden. Its author has been told why.",
    )


@bp.route("/posts/<int:post_id>/restore", methods=["GET", "POST"])
def restore(post_id: int) -> str | BaseResponse:
    return _post_with_reason(
        post_id,
        OptionalReasonForm,
        "forums/moderation/restore.html",
        lambda post, reason: services.restore_post(
            db.session, actor=current_user, post=post, reason=reason
        ),
        "Post restored: everyone can see it again.",
    )


@bp.route("/posts/<int:post_id>/reject", methods=["GET", "POST"])
def reject(post_id: int) -> str | BaseResponse:
    return _post_with_reason(
        post_id,
        ReasonForm,
        "forums/moderation/reject.html",
        lambda post, reason: services.reject_post(
            db.session, actor=current_user, post=post, reason=reason
        ),
        "Post not approved. Its author has been told why.",
    )


# --- threads ---------------------------------------------------------------------------


def _thread_action(action: ModerationAction, done: str) -> Callable[[int], BaseResponse]:
    def view(thread_id: int) -> BaseResponse:
        thread = db.get_or_404(Thread, thread_id)
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            services.change_thread(db.session, actor=current_user, thread=thread, action=action)
            db.session.commit()
            flash(done, "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "info")
        return redirect(url_for("forums.thread", thread_id=thread.id))

    return view


for _name, _action, _done in (
    ("lock", ModerationAction.LOCK_THREAD, "Thread locked: it accepts no more replies."),
    ("unlock", ModerationAction.UNLOCK_THREAD, "Thread unlocked: members can reply again."),
    ("pin", ModerationAction.PIN_THREAD, "Thread pinned to the top of its board."),
    ("unpin", ModerationAction.UNPIN_THREAD, "Thread unpinned."),
):
    bp.add_url_rule(
        f"/threads/<int:thread_id>/{_name}",
        endpoint=f"{_name}_thread",
        view_func=_thread_action(_action, _done),
        methods=["POST"],
    )


@bp.route("/threads/<int:thread_id>/move", methods=["GET", "POST"])
def move_thread(thread_id: int) -> str | BaseResponse:
    thread = db.get_or_404(Thread, thread_id)
    boards = queries.all_boards(db.session)
    form = MoveThreadForm(boards=boards)
    if request.method == "GET":
        form.board_id.data = thread.board_id
    if form.validate_on_submit():
        board = db.session.get(Board, form.board_id.data)
        try:
            if board is None:
                raise RuleViolation("Select a board")
            services.move_thread(
                db.session,
                actor=current_user,
                thread=thread,
                board=board,
                reason=form.reason.data or "",
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            form.board_id.errors = [*form.board_id.errors, error.message]
        else:
            flash(f"Thread moved to {board.area.name}: {board.name}.", "success")
            return redirect(url_for("forums.thread", thread_id=thread.id))
    return render_template("forums/moderation/move.html", form=form, thread=thread)


# --- members ---------------------------------------------------------------------------


@bp.route("/members/<int:user_id>")
def member(user_id: int) -> str:
    person = db.get_or_404(User, user_id)
    now = utcnow()
    return render_template(
        "forums/moderation/member.html",
        person=person,
        suspension=queries.active_suspension(db.session, person, now),
        suspensions=queries.suspensions_of(db.session, person),
        premoderation=queries.member_premoderation(db.session, person),
        posts=db.session.scalars(queries.recent_posts_by(person)).all(),
        form=ActionForm(),
        now=now,
    )


@bp.route("/members/<int:user_id>/suspend", methods=["GET", "POST"])
def suspend(user_id: int) -> str | BaseResponse:
    person = db.get_or_404(User, user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            services.suspend_member(
                db.session,
                actor=current_user,
                member=person,
                reason=form.reason.data,
                days=form.days,
                now=utcnow(),
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            form.length.errors = [*form.length.errors, error.message]
        else:
            flash(f"{person.display_name} cannot post until the suspension ends.", "success")
            return redirect(url_for("forum_moderation.member", user_id=person.id))
    return render_template("forums/moderation/suspend.html", form=form, person=person)


@bp.route("/members/<int:user_id>/lift", methods=["POST"])
def lift_suspension(user_id: int) -> BaseResponse:
    person = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.lift_suspension(
            db.session, actor=current_user, member=person, reason="", now=utcnow()
        )
        db.session.commit()
        flash(f"{person.display_name} can post again.", "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "info")
    return redirect(url_for("forum_moderation.member", user_id=person.id))


@bp.route("/members/<int:user_id>/premoderate", methods=["GET", "POST"])
def premoderate(user_id: int) -> str | BaseResponse:
    person = db.get_or_404(User, user_id)
    form = PremoderateForm()
    if form.validate_on_submit():
        try:
            services.set_member_premoderation(
                db.session, actor=current_user, member=person, on=True, reason=form.reason.data
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "info")
        else:
            flash(f"{person.display_name}'s posts will wait for approval.", "success")
        return redirect(url_for("forum_moderation.member", user_id=person.id))
    return render_template("forums/moderation/premoderate.html", form=form, person=person)


@bp.route("/members/<int:user_id>/end-premoderation", methods=["POST"])
def end_premoderation(user_id: int) -> BaseResponse:
    person = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.set_member_premoderation(
            db.session, actor=current_user, member=person, on=False, reason=""
        )
        db.session.commit()
        flash(f"{person.display_name}'s posts now appear straight away.", "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "info")
    return redirect(url_for("forum_moderation.member", user_id=person.id))


# --- the moderation log ----------------------------------------------------------------


def _log_filters() -> tuple[ModerationAction | None, Area | None, dict[str, str]]:
    # Filters are looked up among what exists, never put into SQL as given.
    action = next((a for a in ModerationAction if a.value == request.values.get("action")), None)
    area = queries.area_by_slug(db.session, request.values.get("forum", "")[:120])
    filters = {
        key: value
        for key, value in {
            "action": action.value if action else "",
            "forum": area.slug if area else "",
        }.items()
        if value
    }
    return action, area, filters


@bp.route("/log")
def log() -> str:
    action, area, filters = _log_filters()
    page = db.paginate(
        queries.moderation_log(action=action, area_id=area.id if area else None),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    return render_template(
        "forums/moderation/log.html",
        page=page,
        actions=list(ModerationAction),
        areas=[s.area for s in queries.forum_summaries(db.session)],
        action=action,
        area=area,
        filters=filters,
        form=ActionForm(),
        members=_member_names([e for e in page.items if e.target_type == "member"]),
    )


def _member_names(entries: list[ModerationEntry]) -> dict[int, str]:
    """Names are read when shown, so an erased member reads "Former member"."""
    ids = {e.target_id for e in entries}
    return {u.id: u.display_name for u in db.session.scalars(queries.users_by_id(ids))}


@bp.route("/log/export", methods=["POST"])
@recent_sign_in_required
def export_log() -> Response:
    action, area, _ = _log_filters()
    if not ActionForm().validate_on_submit():
        abort(400)
    entries = db.session.scalars(
        queries.moderation_log(action=action, area_id=area.id if area else None)
    ).all()
    names = _member_names([e for e in entries if e.target_type == "member"])
    frame = pd.DataFrame(
        [
            {
                "When (UTC)": e.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                "Moderator": e.actor.display_name if e.actor else "System",
                "Action": e.action.label,
                "Forum": e.area.name if e.area else "",
                "Target": e.target_type,
                "Target id": e.target_id,
                "About": names.get(e.target_id, "")
                if e.target_type == "member"
                else e.target_label,
                "Reason": e.reason,
            }
            for e in entries
        ],
        columns=[
            "When (UTC)",
            "Moderator",
            "Action",
            "Forum",
            "Target",
            "Target id",
            "About",
            "Reason",
        ],
    )
    filename = f"forum-moderation-log-{utcnow():%Y-%m-%d}.csv"
    return Response(
        to_csv_bytes(frame),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- forum settings --------------------------------------------------------------------


@bp.route("/forums/<slug>/settings", methods=["GET", "POST"])
def settings(slug: str) -> str | BaseResponse:
    area = _area_or_404(slug)
    forum = queries.forum_for(db.session, area)
    form = ForumSettingsForm(obj=forum)
    if form.validate_on_submit():
        services.save_forum_settings(
            db.session, actor=current_user, area=area, data=form.settings(), now=utcnow()
        )
        db.session.commit()
        flash("Forum settings saved.", "success")
        return redirect(url_for("forums.forum", slug=area.slug))
    return render_template(
        "forums/moderation/settings.html",
        form=form,
        area=area,
        boards=queries.boards_of(db.session, area.id),
    )


@bp.route("/forums/<slug>/code-of-conduct", methods=["GET", "POST"])
def edit_code_of_conduct(slug: str) -> str | BaseResponse:
    area = _area_or_404(slug)
    form = CodeOfConductForm(obj=queries.forum_for(db.session, area))
    if form.validate_on_submit():
        services.save_code_of_conduct(
            db.session, actor=current_user, area=area, text=form.code_of_conduct.data, now=utcnow()
        )
        db.session.commit()
        flash("Code of conduct saved.", "success")
        return redirect(url_for("forums.code_of_conduct", slug=area.slug))
    return render_template("forums/moderation/code_of_conduct.html", form=form, area=area)


@bp.route("/forums/<slug>/boards/new", methods=["GET", "POST"])
def new_board(slug: str) -> str | BaseResponse:
    area = _area_or_404(slug)
    return _board_form(area, None)


@bp.route("/boards/<int:board_id>/edit", methods=["GET", "POST"])
def edit_board(board_id: int) -> str | BaseResponse:
    board = db.get_or_404(Board, board_id)
    return _board_form(board.area, board)


def _board_form(area: Area, board: Board | None) -> str | BaseResponse:
    form = BoardForm(obj=board)
    if form.validate_on_submit():
        try:
            saved = services.save_board(
                db.session, actor=current_user, area=area, board=board, data=form.board_data()
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            form.name.errors = [*form.name.errors, error.message]
        else:
            flash(f"Board {saved.name} saved.", "success")
            return redirect(url_for("forum_moderation.settings", slug=area.slug))
    return render_template("forums/moderation/board.html", form=form, area=area, board=board)
