"""Events, conversation log, themes, ward priority responses and councillor briefings

Revision ID: 0004_conversations
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_conversations"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["themes.id"], name=op.f("fk_themes_merged_into_id_themes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("key", name=op.f("uq_themes_key")),
        sa.UniqueConstraint("name", name=op.f("uq_themes_name")),
    )
    op.create_table(
        "postcode_wards",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["wards.id"],
            name=op.f("fk_postcode_wards_ward_id_wards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcode_wards")),
    )
    with op.batch_alter_table("postcode_wards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postcode_wards_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "briefing_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("monthly_email", sa.Boolean(), nullable=False),
        sa.Column("hidden_parts", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_briefing_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_briefing_preferences")),
    )
    op.create_table(
        "conversation_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_retention_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_conversation_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_settings")),
    )
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint("user_id", "month", name=op.f("uq_digest_deliveries_user_id_month")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "festival_stand",
                "community_forum_meeting",
                "ward_walkabout",
                "drop_in",
                "street_stall",
                "school_visit",
                "online_session",
                name="eventkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organiser", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_events_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_events_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "priority_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_priority_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_priority_notes_theme_id_themes")
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["wards.id"],
            name=op.f("fk_priority_notes_ward_id_wards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_notes")),
    )
    with op.batch_alter_table("priority_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_notes_theme_id"), ["theme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_notes_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "priority_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("we_did", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in_progress",
                "done",
                "not_possible",
                name="responsestatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_priority_responses_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_priority_responses_theme_id_themes")
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["wards.id"],
            name=op.f("fk_priority_responses_ward_id_wards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_responses")),
    )
    with op.batch_alter_table("priority_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_responses_theme_id"), ["theme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_responses_ward_id"), ["ward_id"], unique=False
        )

    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column(
            "sentiment",
            sa.Enum(
                "positive", "neutral", "negative", name="sentiment", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("wants_reply", sa.Boolean(), nullable=False),
        sa.Column("follow_up_owner_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=36), nullable=False),
        sa.Column(
            "source",
            sa.Enum("stand", "import", name="conversationsource", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_conversations_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_owner_id"],
            ["users.id"],
            name=op.f("fk_conversations_follow_up_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["users.id"],
            name=op.f("fk_conversations_logged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_conversations_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_conversations_idempotency_key")),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversations_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_conversations_follow_up_owner_id"), ["follow_up_owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversations_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conversations_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "event_councillors",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_councillors_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_councillors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_councillors")),
    )
    with op.batch_alter_table("event_councillors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_councillors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "event_wards",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_wards_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_event_wards_ward_id_wards"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "ward_id", name=op.f("pk_event_wards")),
    )
    with op.batch_alter_table("event_wards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_wards_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "conversation_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_contacts_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_contacts")),
        sa.UniqueConstraint(
            "conversation_id", name=op.f("uq_conversation_contacts_conversation_id")
        ),
    )
    with op.batch_alter_table("conversation_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_contacts_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "conversation_themes",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_themes_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_conversation_themes_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_conversation_themes_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("conversation_id", "theme_id", name=op.f("pk_conversation_themes")),
    )
    with op.batch_alter_table("conversation_themes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_themes_period", ["occurred_at", "ward_id", "theme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_themes_theme_id"), ["theme_id"], unique=False
        )
        batch_op.create_index(
            "ix_conversation_themes_ward", ["ward_id", "occurred_at", "theme_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("conversation_themes", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_themes_ward")
        batch_op.drop_index(batch_op.f("ix_conversation_themes_theme_id"))
        batch_op.drop_index("ix_conversation_themes_period")

    op.drop_table("conversation_themes")
    with op.batch_alter_table("conversation_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_contacts_created_at"))

    op.drop_table("conversation_contacts")
    with op.batch_alter_table("event_wards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_wards_ward_id"))

    op.drop_table("event_wards")
    with op.batch_alter_table("event_councillors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_councillors_user_id"))

    op.drop_table("event_councillors")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_ward_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_conversations_follow_up_owner_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_event_id"))

    op.drop_table("conversations")
    with op.batch_alter_table("priority_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_responses_ward_id"))
        batch_op.drop_index(batch_op.f("ix_priority_responses_theme_id"))

    op.drop_table("priority_responses")
    with op.batch_alter_table("priority_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_notes_ward_id"))
        batch_op.drop_index(batch_op.f("ix_priority_notes_theme_id"))

    op.drop_table("priority_notes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_starts_at"))
        batch_op.drop_index(batch_op.f("ix_events_area_id"))

    op.drop_table("events")
    op.drop_table("digest_deliveries")
    op.drop_table("conversation_settings")
    op.drop_table("briefing_preferences")
    with op.batch_alter_table("postcode_wards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postcode_wards_ward_id"))

    op.drop_table("postcode_wards")
    op.drop_table("themes")
