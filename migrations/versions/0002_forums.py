"""Community forums: boards, threads, posts, reports, suspensions, pre-moderation,
notifications and the moderation log

Revision ID: 0002_forums
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_forums"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


SEARCH_FUNCTION = """
CREATE OR REPLACE FUNCTION forum_posts_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector(
        'english'::regconfig,
        coalesce(
            (SELECT t.title FROM forum_threads t
             WHERE t.id = NEW.thread_id
               AND NOT EXISTS (SELECT 1 FROM forum_posts p
                               WHERE p.thread_id = NEW.thread_id AND p.id < NEW.id)),
            ''
        ) || ' ' || NEW.body
    );
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "forum_boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_forum_boards_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_boards")),
        sa.UniqueConstraint("area_id", "name", name=op.f("uq_forum_boards_area_id_name")),
    )
    with op.batch_alter_table("forum_boards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_boards_area_id"), ["area_id"], unique=False)
    op.create_table(
        "forums",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("code_of_conduct", sa.Text(), nullable=False),
        sa.Column("premoderated", sa.Boolean(), nullable=False),
        sa.Column("approve_first_posts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_forums_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_forums")),
    )
    op.create_table(
        "forum_member_premoderation",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_forum_member_premoderation_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_forum_member_premoderation_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_forum_member_premoderation")),
    )
    op.create_table(
        "forum_moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "hide_post",
                "restore_post",
                "dismiss_reports",
                "approve_post",
                "reject_post",
                "lock_thread",
                "unlock_thread",
                "pin_thread",
                "unpin_thread",
                "move_thread",
                "suspend_member",
                "lift_suspension",
                "premoderate_member",
                "end_member_premoderation",
                "change_forum_settings",
                "change_code_of_conduct",
                "add_board",
                "change_board",
                name="moderationaction",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_forum_moderation_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_forum_moderation_log_area_id_areas"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_moderation_log")),
    )
    with op.batch_alter_table("forum_moderation_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_moderation_log_action"), ["action"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_forum_moderation_log_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "forum_suspensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_forum_suspensions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_forum_suspensions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_suspensions")),
    )
    with op.batch_alter_table("forum_suspensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_suspensions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "forum_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_forum_threads_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["board_id"], ["forum_boards.id"], name=op.f("fk_forum_threads_board_id_forum_boards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_threads")),
    )
    with op.batch_alter_table("forum_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_threads_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_threads_board_id"), ["board_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forum_threads_last_post_at"), ["last_post_at"], unique=False
        )
    op.create_table(
        "forum_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "badge",
            sa.Enum("none", "councillor", "officer", name="badge", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "published", "rejected", name="poststatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("quoted_post_id", sa.Integer(), nullable=True),
        sa.Column("submission_key", sa.String(length=36), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.Column("moderated_by_id", sa.Integer(), nullable=True),
        # PostgreSQL's full-text document; SQLite leaves it empty and searches with LIKE.
        sa.Column("search_vector", postgresql.TSVECTOR() if postgres else sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_forum_posts_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"], ["users.id"], name=op.f("fk_forum_posts_moderated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["quoted_post_id"],
            ["forum_posts.id"],
            name=op.f("fk_forum_posts_quoted_post_id_forum_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_threads.id"],
            name=op.f("fk_forum_posts_thread_id_forum_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_posts")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_forum_posts_submission_key")),
    )
    with op.batch_alter_table("forum_posts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_posts_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_posts_thread_id"), ["thread_id"], unique=False)
        batch_op.create_index(
            "ix_forum_posts_search_vector",
            ["search_vector"],
            unique=False,
            postgresql_using="gin",
        )
    if postgres:
        # The database keeps the document in step with the body, however it is written;
        # a thread's opening post also carries the thread's title.
        op.execute(SEARCH_FUNCTION)
        op.execute(
            "CREATE TRIGGER forum_posts_search_vector BEFORE INSERT OR UPDATE OF body "
            "ON forum_posts FOR EACH ROW EXECUTE FUNCTION forum_posts_search_vector()"
        )
    op.create_table(
        "forum_thread_readers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("following", sa.Boolean(), nullable=False),
        sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["forum_threads.id"],
            name=op.f("fk_forum_thread_readers_thread_id_forum_threads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_forum_thread_readers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "thread_id", name=op.f("pk_forum_thread_readers")),
    )
    with op.batch_alter_table("forum_thread_readers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_thread_readers_thread_id"), ["thread_id"], unique=False
        )
    op.create_table(
        "forum_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reply",
                "report",
                "post_hidden",
                "post_approved",
                "post_rejected",
                "suspended",
                name="notificationkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["forum_posts.id"],
            name=op.f("fk_forum_notifications_post_id_forum_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_forum_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_notifications")),
    )
    with op.batch_alter_table("forum_notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forum_notifications_user_unread", ["user_id", "read_at"], unique=False
        )
    op.create_table(
        "forum_post_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["forum_posts.id"],
            name=op.f("fk_forum_post_revisions_post_id_forum_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_post_revisions")),
    )
    with op.batch_alter_table("forum_post_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_post_revisions_post_id"), ["post_id"], unique=False
        )
    op.create_table(
        "forum_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(
                "spam",
                "abusive",
                "off_topic",
                "personal_information",
                "other",
                name="reportreason",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("details", sa.String(length=500), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("dismissed", "post_hidden", name="reportoutcome", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["forum_posts.id"],
            name=op.f("fk_forum_reports_post_id_forum_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_forum_reports_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_forum_reports_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_reports")),
        sa.UniqueConstraint(
            "post_id", "reporter_id", name=op.f("uq_forum_reports_post_id_reporter_id")
        ),
    )
    with op.batch_alter_table("forum_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_reports_post_id"), ["post_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forum_reports_resolved_at"), ["resolved_at"], unique=False
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS forum_posts_search_vector ON forum_posts")
        op.execute("DROP FUNCTION IF EXISTS forum_posts_search_vector()")
    with op.batch_alter_table("forum_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_reports_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_forum_reports_post_id"))
    op.drop_table("forum_reports")
    with op.batch_alter_table("forum_post_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_post_revisions_post_id"))
    op.drop_table("forum_post_revisions")
    with op.batch_alter_table("forum_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_notifications_user_unread")
    op.drop_table("forum_notifications")
    with op.batch_alter_table("forum_thread_readers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_thread_readers_thread_id"))
    op.drop_table("forum_thread_readers")
    with op.batch_alter_table("forum_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_forum_posts_search_vector")
        batch_op.drop_index(batch_op.f("ix_forum_posts_thread_id"))
        batch_op.drop_index(batch_op.f("ix_forum_posts_author_id"))
    op.drop_table("forum_posts")
    with op.batch_alter_table("forum_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_threads_last_post_at"))
        batch_op.drop_index(batch_op.f("ix_forum_threads_board_id"))
        batch_op.drop_index(batch_op.f("ix_forum_threads_author_id"))
    op.drop_table("forum_threads")
    with op.batch_alter_table("forum_suspensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_suspensions_user_id"))
    op.drop_table("forum_suspensions")
    with op.batch_alter_table("forum_moderation_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_moderation_log_created_at"))
        batch_op.drop_index(batch_op.f("ix_forum_moderation_log_action"))
    op.drop_table("forum_moderation_log")
    op.drop_table("forum_member_premoderation")
    op.drop_table("forums")
    with op.batch_alter_table("forum_boards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_boards_area_id"))
    op.drop_table("forum_boards")
