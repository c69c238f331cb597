"""Forum pages for everyone: forums, boards, threads, posting, reporting, following,
notifications and search."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from engage.db import utcnow, write_transaction
from engage.errors import RuleViolation
from engage.extensions import db, limiter
from engage.forms import ActionForm, signed_in_form
from engage.forums import permissions, queries, services
from engage.forums.forms import EditPostForm, ReplyForm, ReportForm, ThreadForm
from engage.forums.markdown import quote
from engage.forums.models import Board, Post, ReportReason, Thread
from engage.permissions import require
from engage.wards.models import Area
from engage.web import page_number

bp = Blueprint("forums", __name__, url_prefix="/forums")
THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20
RESULTS_PER_PAGE = 20
POSTING_LIMIT = "10 per minute"


def _member_key() -> str:
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return request.remote_addr or "unknown"


# New threads and replies share one allowance per member; a refused form is not counted.
posting_limit = limiter.shared_limit(
    POSTING_LIMIT,
    scope="forum-posting",
    methods=["POST"],
    key_func=_member_key,
    error_message="you can post up to 10 times a minute. Wait a minute, then post again",
    deduct_when=lambda response: response.status_code in (302, 303),
)


def _area_or_404(slug: str) -> Area:
    area = queries.area_by_slug(db.session, slug)
    if area is None:
        abort(404)
    return area


def _board_or_404(area: Area, board_id: int) -> Board:
    board = db.get_or_404(Board, board_id)
    if board.area_id != area.id:
        abort(404)
    return board


def _visible_post_or_404(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    if not permissions.can_see_post(current_user, post):
        abort(404)
    return post


def _visible_thread_or_404(thread_id: int) -> Thread:
    thread = db.get_or_404(Thread, thread_id)
    _visible_post_or_404(thread.opening_post.id)
    return thread


def _first_post() -> bool:
    return current_user.is_authenticated and not queries.has_posted(db.session, current_user)


def thread_url(thread: Thread, post: Post | None = None) -> str:
    """The thread page holding ``post`` (the last page if none), anchored to it."""
    if post is None:
        return url_for("forums.thread", thread_id=thread.id)
    position = queries.post_position(db.session, post, current_user)
    page = (position - 1) // POSTS_PER_PAGE + 1
    return url_for(
        "forums.thread",
        thread_id=thread.id,
        page=page if page > 1 else None,
        _anchor=f"post-{post.id}",
    )


# --- forums and boards -----------------------------------------------------------------


@bp.route("/")
def index() -> str:
    return render_template(
        "forums/index.html",
        forums=queries.forum_summaries(db.session),
        followed=(
            queries.with_post_counts(
                db.session,
                db.session.scalars(queries.followed_threads(current_user).limit(10)).all(),
            )
            if current_user.is_authenticated
            else []
        ),
        notifications=queries.unread_notification_count(db.session, current_user),
    )


@bp.route("/<slug>/")
def forum(slug: str) -> str:
    area = _area_or_404(slug)
    boards = queries.boards_of(db.session, area.id)
    page = db.paginate(
        queries.threads_in([b.id for b in boards], current_user),
        page=page_number(),
        per_page=THREADS_PER_PAGE,
        error_out=False,
    )
    return _thread_list("forums/forum.html", page, area=area, boards=boards)


@bp.route("/<slug>/code-of-conduct")
def code_of_conduct(slug: str) -> str:
    area = _area_or_404(slug)
    return render_template(
        "forums/code_of_conduct.html", area=area, forum=queries.forum_for(db.session, area)
    )


@bp.route("/<slug>/boards/<int:board_id>/")
def board(slug: str, board_id: int) -> str:
    area = _area_or_404(slug)
    board = _board_or_404(area, board_id)
    page = db.paginate(
        queries.threads_in([board.id], current_user),
        page=page_number(),
        per_page=THREADS_PER_PAGE,
        error_out=False,
    )
    return _thread_list("forums/board.html", page, area=area, board=board)


def _thread_list(template: str, page: Any, **context: Any) -> str:
    rows = queries.with_post_counts(db.session, page.items)
    unread = queries.unread_counts(db.session, current_user, [t.id for t, _ in rows])
    return render_template(
        template,
        page=page,
        rows=rows,
        unread=unread,
        forum=queries.forum_for(db.session, context["area"]),
        notifications=queries.unread_notification_count(db.session, current_user),
        **context,
    )


@bp.route("/<slug>/boards/<int:board_id>/new", methods=["GET", "POST"])
@posting_limit
def new_thread(slug: str, board_id: int) -> str | BaseResponse:
    area = _area_or_404(slug)
    board = _board_or_404(area, board_id)
    require(permissions.can_post(current_user))
    form = ThreadForm(first_post=_first_post())
    if form.validate_on_submit():
        data = form.thread_data()
        try:
            post = _save_once(
                data.submission_key,
                lambda: (
                    services.start_thread(
                        db.session, actor=current_user, board=board, data=data, now=utcnow()
                    ).opening_post
                ),
            )
        except RuleViolation as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            return redirect(url_for("forums.thread", thread_id=post.thread_id))
    return render_template(
        "forums/new_thread.html",
        form=form,
        area=area,
        board=board,
        forum=queries.forum_for(db.session, area),
        suspension=queries.active_suspension(db.session, current_user, utcnow()),
    )


def _save_once(key: str, create: Callable[[], Post]) -> Post:
    """Save a new post once per form, however often (or however quickly) it arrives.

    The write transaction serialises posts on SQLite; on PostgreSQL two copies racing
    meet the unique key, and the loser reads what the winner saved.
    """
    try:
        with write_transaction():
            post = queries.post_by_key(db.session, key)
            created = post is None
            if post is None:
                post = create()
    except IntegrityError:
        post = queries.post_by_key(db.session, key)
        if post is None:
            raise
        return post
    if created:
        _flash_posted(post)
    return post


def _flash_posted(post: Post) -> None:
    if post.public:
        flash("Your post is published.", "success")
    else:
        flash(
            "Thank you. Your post will appear when a moderator has approved it. "
            "Only you can see it until then.",
            "info",
        )


# --- threads ---------------------------------------------------------------------------


@bp.route("/threads/<int:thread_id>")
def thread(thread_id: int) -> str:
    thread = _visible_thread_or_404(thread_id)
    reader = queries.reader(db.session, current_user, thread)
    if current_user.is_authenticated and services.has_news(
        db.session, reader=reader, thread=thread
    ):
        # First, so the page is read after the write transaction has ended.
        with suppress(IntegrityError), write_transaction():  # two tabs at once: one wins
            services.mark_read(db.session, user=current_user, thread=thread, now=utcnow())
    page = db.paginate(
        queries.posts_in(thread, current_user),
        page=page_number(),
        per_page=POSTS_PER_PAGE,
        error_out=False,
    )
    return _thread_page(thread, page, following=bool(reader and reader.following), form=None)


def _thread_page(thread: Thread, page: Any, *, following: bool, form: ReplyForm | None) -> str:
    can_reply = permissions.can_reply(current_user, thread)
    if form is None and can_reply:
        form = ReplyForm(first_post=_first_post(), formdata=None)
    area = thread.board.area
    return render_template(
        "forums/thread.html",
        thread=thread,
        page=page,
        area=area,
        forum=queries.forum_for(db.session, area),
        following=following,
        form=form,
        can_reply=can_reply,
        action_form=signed_in_form(ActionForm),
        suspension=(
            queries.active_suspension(db.session, current_user, utcnow())
            if current_user.is_authenticated
            else None
        ),
        now=utcnow(),
    )


@bp.route("/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@posting_limit
def reply(thread_id: int) -> str | BaseResponse:
    thread = _visible_thread_or_404(thread_id)
    require(permissions.can_post(current_user))
    form = ReplyForm(first_post=_first_post())
    quoted: Post | None = None
    quote_id = request.args.get("quote", type=int)
    if request.method == "GET" and quote_id:
        quoted = db.session.get(Post, quote_id)
        if quoted is not None and quoted.thread_id == thread.id and quoted.public:
            form.body.data = quote(quoted.author.display_name, quoted.body)
            form.quoted_post_id.data = str(quoted.id)
    if form.validate_on_submit():
        data = form.post_data()
        try:
            post = _save_once(
                data.submission_key,
                lambda: services.reply(
                    db.session, actor=current_user, thread=thread, data=data, now=utcnow()
                ),
            )
        except RuleViolation as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            return redirect(thread_url(thread, post))
    return render_template(
        "forums/reply.html",
        form=form,
        thread=thread,
        area=thread.board.area,
        forum=queries.forum_for(db.session, thread.board.area),
        can_reply=permissions.can_reply(current_user, thread),
        suspension=queries.active_suspension(db.session, current_user, utcnow()),
    )


@bp.route("/threads/<int:thread_id>/follow", methods=["POST"])
def follow(thread_id: int) -> BaseResponse:
    return _set_following(thread_id, True)


@bp.route("/threads/<int:thread_id>/unfollow", methods=["POST"])
def unfollow(thread_id: int) -> BaseResponse:
    return _set_following(thread_id, False)


def _set_following(thread_id: int, following: bool) -> BaseResponse:
    thread = _visible_thread_or_404(thread_id)
    require(permissions.can_follow(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.follow(db.session, user=current_user, thread=thread, following=following)
    db.session.commit()
    flash(
        "You are following this thread. Replies will appear in your notifications."
        if following
        else "You are no longer following this thread.",
        "success",
    )
    return redirect(url_for("forums.thread", thread_id=thread.id))


# --- posts -----------------------------------------------------------------------------


@bp.route("/posts/<int:post_id>")
def show_post(post_id: int) -> BaseResponse:
    post = _visible_post_or_404(post_id)
    _visible_thread_or_404(post.thread_id)
    return redirect(thread_url(post.thread, post))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id: int) -> str | BaseResponse:
    post = _visible_post_or_404(post_id)
    require(permissions.can_edit(current_user, post, utcnow()))
    form = EditPostForm(obj=post)
    if form.validate_on_submit():
        try:
            services.edit_post(
                db.session, actor=current_user, post=post, body=form.body.data, now=utcnow()
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            form.body.errors = [*form.body.errors, error.message]
        else:
            flash("Your post has been changed.", "success")
            return redirect(thread_url(post.thread, post))
    return render_template("forums/edit_post.html", form=form, post=post)


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(post_id: int) -> str | BaseResponse:
    post = _visible_post_or_404(post_id)
    require(permissions.can_delete(current_user, post))
    form = ActionForm()
    if form.validate_on_submit():
        services.delete_post(db.session, actor=current_user, post=post)
        db.session.commit()
        flash("Your post has been deleted.", "success")
        return redirect(thread_url(post.thread, post))
    return render_template("forums/delete_post.html", form=form, post=post)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
def report_post(post_id: int) -> str | BaseResponse:
    post = _visible_post_or_404(post_id)
    require(permissions.can_report(current_user, post))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                services.report_post(
                    db.session,
                    actor=current_user,
                    post=post,
                    reason=ReportReason(form.reason.data),
                    details=form.details.data or "",
                    now=utcnow(),
                )
        except IntegrityError:
            pass  # sent twice at once (PostgreSQL): the other request saved the report
        except RuleViolation as error:
            flash(error.message, "info")
            return redirect(thread_url(post.thread, post))
        flash("Thank you. A moderator will look at the post you reported.", "success")
        return redirect(thread_url(post.thread, post))
    return render_template("forums/report.html", form=form, post=post)


# --- notifications and search ----------------------------------------------------------


@bp.route("/notifications")
def notifications() -> str:
    require(current_user.is_authenticated)
    page = db.paginate(
        queries.notifications_for(current_user), page=page_number(), per_page=30, error_out=False
    )
    return render_template(
        "forums/notifications.html",
        page=page,
        form=ActionForm(),
        suspension=queries.active_suspension(db.session, current_user, utcnow()),
        followed=queries.with_post_counts(
            db.session, db.session.scalars(queries.followed_threads(current_user)).all()
        ),
        unread=queries.unread_notification_count(db.session, current_user),
    )


@bp.route("/notifications/read", methods=["POST"])
def mark_notifications_read() -> BaseResponse:
    require(current_user.is_authenticated)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_notifications_read(db.session, user=current_user, now=utcnow())
    db.session.commit()
    flash("All notifications are marked as read.", "success")
    return redirect(url_for("forums.notifications"))


@bp.route("/search")
def search() -> str:
    text = request.args.get("q", "")[:200]
    words = queries.search_words(text)
    areas = [summary.area for summary in queries.forum_summaries(db.session)]
    area = next((a for a in areas if a.slug == request.args.get("forum")), None)
    boards = queries.boards_of(db.session, area.id) if area else []
    board = next((b for b in boards if str(b.id) == request.args.get("board")), None)
    page = None
    if words:
        page = db.paginate(
            queries.search_posts(
                db.session,
                words,
                area_id=area.id if area else None,
                board_id=board.id if board else None,
            ),
            page=page_number(),
            per_page=RESULTS_PER_PAGE,
            error_out=False,
        )
    filters = {
        key: value
        for key, value in {
            "q": text,
            "forum": area.slug if area else None,
            "board": board.id if board else None,
        }.items()
        if value
    }
    return render_template(
        "forums/search.html",
        text=text,
        searched=bool(text.strip()),
        page=page,
        areas=areas,
        area=area,
        boards=boards,
        board=board,
        filters=filters,
    )
