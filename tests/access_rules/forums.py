"""Community forums and their moderation.

Posting needs only a signed-in person with a confirmed email (every matrix person has
one). The post in the URLs was written by ``resident`` a moment ago, so only they may
edit or delete it, and everyone else may report it. Moderation is for moderators
(our "officer" holds the role) and administrators.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from engage.db import utcnow
from engage.extensions import db
from engage.forums import services
from engage.forums.models import Board, Report, ReportReason
from engage.wards.models import Area
from tests.access_rules import FORBIDDEN, LOGIN, PUBLIC, SIGNED_IN, STAFF, policy

AUTHOR_ONLY = policy(
    anonymous=LOGIN,
    other_resident=FORBIDDEN,
    councillor=FORBIDDEN,
    officer=FORBIDDEN,
    administrator=FORBIDDEN,
)
NOT_THE_AUTHOR = policy(anonymous=LOGIN, resident=FORBIDDEN)

EXPECTED: dict[str, dict[str, str]] = {
    "forums.index GET": PUBLIC,
    "forums.forum GET": PUBLIC,
    "forums.code_of_conduct GET": PUBLIC,
    "forums.board GET": PUBLIC,
    "forums.new_thread GET": SIGNED_IN,
    "forums.new_thread POST": SIGNED_IN,
    "forums.thread GET": PUBLIC,
    "forums.reply GET": SIGNED_IN,
    "forums.reply POST": SIGNED_IN,
    "forums.follow POST": SIGNED_IN,
    "forums.unfollow POST": SIGNED_IN,
    "forums.show_post GET": PUBLIC,
    "forums.edit_post GET": AUTHOR_ONLY,
    "forums.edit_post POST": AUTHOR_ONLY,
    "forums.delete_post GET": AUTHOR_ONLY,
    "forums.delete_post POST": AUTHOR_ONLY,
    "forums.report_post GET": NOT_THE_AUTHOR,
    "forums.report_post POST": NOT_THE_AUTHOR,
    "forums.notifications GET": SIGNED_IN,
    "forums.mark_notifications_read POST": SIGNED_IN,
    "forums.search GET": PUBLIC,
    "forum_moderation.queue GET": STAFF,
    "forum_moderation.overdue GET": STAFF,
    "forum_moderation.pending GET": STAFF,
    "forum_moderation.dismiss POST": STAFF,
    "forum_moderation.approve POST": STAFF,
    "forum_moderation.hide GET": STAFF,
    "forum_moderation.hide POST": STAFF,
    "forum_moderation.restore GET": STAFF,
    "forum_moderation.restore POST": STAFF,
    "forum_moderation.reject GET": STAFF,
    "forum_moderation.reject POST": STAFF,
    "forum_moderation.lock_thread POST": STAFF,
    "forum_moderation.unlock_thread POST": STAFF,
    "forum_moderation.pin_thread POST": STAFF,
    "forum_moderation.unpin_thread POST": STAFF,
    "forum_moderation.move_thread GET": STAFF,
    "forum_moderation.move_thread POST": STAFF,
    "forum_moderation.member GET": STAFF,
    "forum_moderation.suspend GET": STAFF,
    "forum_moderation.suspend POST": STAFF,
    "forum_moderation.lift_suspension POST": STAFF,
    "forum_moderation.premoderate GET": STAFF,
    "forum_moderation.premoderate POST": STAFF,
    "forum_moderation.end_premoderation POST": STAFF,
    "forum_moderation.log GET": STAFF,
    "forum_moderation.export_log POST": STAFF,
    "forum_moderation.settings GET": STAFF,
    "forum_moderation.settings POST": STAFF,
    "forum_moderation.edit_code_of_conduct GET": STAFF,
    "forum_moderation.edit_code_of_conduct POST": STAFF,
    "forum_moderation.new_board GET": STAFF,
    "forum_moderation.new_board POST": STAFF,
    "forum_moderation.edit_board GET": STAFF,
    "forum_moderation.edit_board POST": STAFF,
}


def url_values(world: Any, endpoint: str) -> dict[str, Any]:
    if not endpoint.startswith(("forums.", "forum_moderation.")):
        return {}
    # An area of its own, with a plain slug even after the payload test rewrites text.
    area = db.session.scalar(select(Area).where(Area.slug == "matrix-forum"))
    if area is None:
        area = Area(name="Matrix forum area", slug="matrix-forum")
        db.session.add(area)
    board = Board(area=area, name=f"Streets {uuid.uuid4().hex[:8]}", description="")
    db.session.add(board)
    db.session.flush()
    thread = services.start_thread(
        db.session,
        actor=world.people["resident"],
        board=board,
        data=services.NewThread("Bins not collected", "Again this week.", str(uuid.uuid4())),
        now=utcnow(),
    )
    post = thread.opening_post
    db.session.add(
        Report(post=post, reporter=world.people["other_resident"], reason=ReportReason.SPAM)
    )
    db.session.commit()
    return {
        "slug": area.slug,
        "board_id": board.id,
        "thread_id": thread.id,
        "post_id": post.id,
        "user_id": world.people["resident"].id,
    }
