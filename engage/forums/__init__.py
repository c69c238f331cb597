"""Community forums with officer moderation.

Each community forum area has a forum with boards set up by moderators. Residents
with a confirmed email start threads, reply, quote, follow and report; moderators
work a report queue and an approval queue, hide and restore posts, lock, pin and
move threads, suspend or pre-moderate members, and every action is in an
append-only moderation log they can export.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, select, update

from engage.db import DbSession
from engage.hooks import (
    add_demo_seeder,
    add_nav_item,
    add_personal_data,
    add_priority_source,
    add_retention_task,
    add_ward_section,
)

# Read notifications are only a record of what was seen: kept for six months.
READ_NOTIFICATION_RETENTION = timedelta(days=182)


def init_app(app: Flask) -> None:
    from engage.forums import demo, markdown, permissions, queries
    from engage.forums.moderation_views import bp as moderation_bp
    from engage.forums.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(moderation_bp)

    add_nav_item(app, "forums.index", "Forums")
    add_nav_item(app, "forum_moderation.queue", "Moderation", visible=permissions.can_moderate)
    add_ward_section(app, "forums/_ward_section.html")
    add_demo_seeder(app, demo.seed)
    add_priority_source(app, "forum", queries.forum_mentions)
    add_personal_data(app, _personal_data, _erase_personal_data)
    add_retention_task(app, _retention_task)

    app.jinja_env.filters["forum_markdown"] = markdown.render
    # Templates ask the same named rules as the views (what to show, never what to allow).
    app.jinja_env.globals["forum_permissions"] = permissions
    app.add_template_global(_ward_forum, "forum_for_ward")


def _ward_forum(ward: Any) -> Any:
    from engage.extensions import db
    from engage.forums import queries

    return queries.ward_forum_summary(db.session, ward)


def _personal_data(session: DbSession, user: Any) -> dict[str, list[dict[str, Any]]]:
    from engage.forums.models import Post, Report, Suspension, Thread, ThreadReader

    posts = session.scalars(select(Post).where(Post.author_id == user.id).order_by(Post.id))
    reports = session.scalars(select(Report).where(Report.reporter_id == user.id))
    follows = session.scalars(
        select(Thread)
        .join(ThreadReader, ThreadReader.thread_id == Thread.id)
        .where(ThreadReader.user_id == user.id, ThreadReader.following.is_(True))
    )
    suspensions = session.scalars(select(Suspension).where(Suspension.user_id == user.id))
    return {
        "forum_posts": [
            {
                "thread": post.thread.title,
                "posted_at": post.created_at,
                "edited_at": post.edited_at,
                "status": post.status.value,
                "deleted_at": post.deleted_at,
                "hidden_reason": post.hidden_reason if post.hidden else "",
                "body": post.body,
                "earlier_versions": " | ".join(r.body for r in post.revisions),
            }
            for post in posts
        ],
        "forum_reports_made": [
            {
                "thread": r.post.thread.title,
                "reason": r.reason.label,
                "details": r.details,
                "reported_at": r.created_at,
            }
            for r in reports
        ],
        "forum_threads_followed": [{"thread": t.title} for t in follows],
        "forum_suspensions": [
            {
                "from": s.created_at,
                "until": s.ends_at or "permanent",
                "reason": s.reason,
                "lifted_at": s.lifted_at,
            }
            for s in suspensions
        ],
    }


def _erase_personal_data(session: DbSession, user: Any) -> None:
    """Posts stay, shown as "Former member"; what only mattered to the person goes."""
    from engage.forums.models import (
        Badge,
        MemberPremoderation,
        Notification,
        Post,
        ThreadReader,
    )

    session.execute(delete(Notification).where(Notification.user_id == user.id))
    session.execute(delete(ThreadReader).where(ThreadReader.user_id == user.id))
    session.execute(delete(MemberPremoderation).where(MemberPremoderation.user_id == user.id))
    # A former member is no longer a councillor or officer.
    session.execute(update(Post).where(Post.author_id == user.id).values(badge=Badge.NONE))


def _retention_task(session: DbSession, now: datetime) -> str:
    from engage.forums.models import Notification

    result = session.execute(
        delete(Notification).where(
            Notification.read_at.is_not(None),
            Notification.read_at < now - READ_NOTIFICATION_RETENTION,
        )
    )
    count = result.rowcount or 0  # type: ignore[attr-defined]
    return f"Forums: deleted {count} read notifications older than six months."
