"""Participatory budgeting on the web: processes, phases, proposals, supports and
comments, ballots with their history, the published count and delivery updates

Revision ID: 0005_pb_web
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_pb_web"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pb_processes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("budget_pence", sa.BigInteger(), nullable=False),
        sa.Column(
            "ballot_type",
            sa.Enum(
                "approval",
                "knapsack",
                "ranked",
                "cumulative",
                name="ballottype",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("min_choices", sa.Integer(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("points_total", sa.Integer(), nullable=True),
        sa.Column("points_per_project", sa.Integer(), nullable=True),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("official_rule", sa.String(length=40), nullable=False),
        sa.Column("live_turnout", sa.Boolean(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "draft",
                "information",
                "proposals",
                "review",
                "shortlist",
                "voting",
                "counting",
                "results",
                "delivery",
                name="phase",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("phase_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("archive_meta", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_pb_processes_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_pb_processes_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_pb_processes_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_processes")),
    )
    with op.batch_alter_table("pb_processes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pb_processes_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pb_processes_phase"), ["phase"], unique=False)
        batch_op.create_index(batch_op.f("ix_pb_processes_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "pb_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=True),
        sa.Column("ward_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "online", "paper", "imported", name="ballotchannel", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "counted", "set_aside", "void", name="ballotstatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("paper_reference", sa.String(length=40), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("age_declared", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["pb_ballots.id"],
            name=op.f("fk_pb_ballots_duplicate_of_id_pb_ballots"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_pb_ballots_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["pb_processes.id"],
            name=op.f("fk_pb_ballots_process_id_pb_processes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"],
            ["users.id"],
            name=op.f("fk_pb_ballots_voter_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_pb_ballots_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_ballots")),
        sa.UniqueConstraint(
            "process_id", "paper_reference", name=op.f("uq_pb_ballots_process_id_paper_reference")
        ),
        sa.UniqueConstraint(
            "process_id", "voter_id", name=op.f("uq_pb_ballots_process_id_voter_id")
        ),
    )
    with op.batch_alter_table("pb_ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pb_ballots_process_id"), ["process_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pb_ballots_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "pb_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("budget_pence", sa.BigInteger(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["pb_processes.id"],
            name=op.f("fk_pb_categories_process_id_pb_processes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_categories")),
        sa.UniqueConstraint("process_id", "name", name=op.f("uq_pb_categories_process_id_name")),
    )
    with op.batch_alter_table("pb_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_categories_process_id"), ["process_id"], unique=False
        )

    op.create_table(
        "pb_count_results",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted_by_id", sa.Integer(), nullable=True),
        sa.Column("ballots_counted", sa.Integer(), nullable=False),
        sa.Column("funded", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("explanations", sa.JSON(), nullable=False),
        sa.Column("comparison", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counted_by_id"],
            ["users.id"],
            name=op.f("fk_pb_count_results_counted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["pb_processes.id"],
            name=op.f("fk_pb_count_results_process_id_pb_processes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("process_id", name=op.f("pk_pb_count_results")),
    )
    op.create_table(
        "pb_phase_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_phase",
            sa.Enum(
                "draft",
                "information",
                "proposals",
                "review",
                "shortlist",
                "voting",
                "counting",
                "results",
                "delivery",
                name="phase",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_phase",
            sa.Enum(
                "draft",
                "information",
                "proposals",
                "review",
                "shortlist",
                "voting",
                "counting",
                "results",
                "delivery",
                name="phase",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_pb_phase_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["pb_processes.id"],
            name=op.f("fk_pb_phase_changes_process_id_pb_processes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_phase_changes")),
    )
    with op.batch_alter_table("pb_phase_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_phase_changes_process_id"), ["process_id"], unique=False
        )

    op.create_table(
        "pb_phase_dates",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "draft",
                "information",
                "proposals",
                "review",
                "shortlist",
                "voting",
                "counting",
                "results",
                "delivery",
                name="phase",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["pb_processes.id"],
            name=op.f("fk_pb_phase_dates_process_id_pb_processes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("process_id", "phase", name=op.f("pk_pb_phase_dates")),
    )
    op.create_table(
        "pb_ballot_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("age_declared", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["pb_ballots.id"],
            name=op.f("fk_pb_ballot_revisions_ballot_id_pb_ballots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_ballot_revisions")),
    )
    with op.batch_alter_table("pb_ballot_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_ballot_revisions_ballot_id"), ["ballot_id"], unique=False
        )

    op.create_table(
        "pb_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("rough_cost_pence", sa.BigInteger(), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "feasible",
                "not_feasible",
                "merged",
                name="proposalstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("estimated_cost_pence", sa.BigInteger(), nullable=True),
        sa.Column("delivering_service", sa.String(length=120), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("shortlist_position", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["pb_categories.id"],
            name=op.f("fk_pb_proposals_category_id_pb_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_proposals_merged_into_id_pb_proposals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["pb_processes.id"],
            name=op.f("fk_pb_proposals_process_id_pb_processes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"],
            ["users.id"],
            name=op.f("fk_pb_proposals_proposer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_pb_proposals_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_proposals")),
    )
    with op.batch_alter_table("pb_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_proposals_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pb_proposals_process_id"), ["process_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pb_proposals_proposer_id"), ["proposer_id"], unique=False
        )

    op.create_table(
        "pb_ballot_choices",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["pb_ballots.id"],
            name=op.f("fk_pb_ballot_choices_ballot_id_pb_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_ballot_choices_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ballot_id", "proposal_id", name=op.f("pk_pb_ballot_choices")),
    )
    with op.batch_alter_table("pb_ballot_choices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_ballot_choices_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "pb_deliveries",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "in_progress",
                "delivered",
                "cancelled",
                name="deliverystatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("percent_complete", sa.Integer(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_deliveries_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_pb_deliveries")),
    )
    op.create_table(
        "pb_proposal_authors",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_proposal_authors_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pb_proposal_authors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "user_id", name=op.f("pk_pb_proposal_authors")),
    )
    with op.batch_alter_table("pb_proposal_authors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_proposal_authors_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "pb_proposal_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_pb_proposal_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_proposal_comments_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_proposal_comments")),
    )
    with op.batch_alter_table("pb_proposal_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_proposal_comments_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "pb_proposal_supports",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_proposal_supports_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pb_proposal_supports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "user_id", name=op.f("pk_pb_proposal_supports")),
    )
    with op.batch_alter_table("pb_proposal_supports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_proposal_supports_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "pb_delivery_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "in_progress",
                "delivered",
                "cancelled",
                name="deliverystatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("percent_complete", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_pb_delivery_updates_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_deliveries.proposal_id"],
            name=op.f("fk_pb_delivery_updates_proposal_id_pb_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_delivery_updates")),
    )
    with op.batch_alter_table("pb_delivery_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_delivery_updates_proposal_id"), ["proposal_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("pb_delivery_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_delivery_updates_proposal_id"))

    op.drop_table("pb_delivery_updates")
    with op.batch_alter_table("pb_proposal_supports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_proposal_supports_user_id"))

    op.drop_table("pb_proposal_supports")
    with op.batch_alter_table("pb_proposal_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_proposal_comments_proposal_id"))

    op.drop_table("pb_proposal_comments")
    with op.batch_alter_table("pb_proposal_authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_proposal_authors_user_id"))

    op.drop_table("pb_proposal_authors")
    op.drop_table("pb_deliveries")
    with op.batch_alter_table("pb_ballot_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_ballot_choices_proposal_id"))

    op.drop_table("pb_ballot_choices")
    with op.batch_alter_table("pb_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_proposals_proposer_id"))
        batch_op.drop_index(batch_op.f("ix_pb_proposals_process_id"))
        batch_op.drop_index(batch_op.f("ix_pb_proposals_category_id"))

    op.drop_table("pb_proposals")
    with op.batch_alter_table("pb_ballot_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_ballot_revisions_ballot_id"))

    op.drop_table("pb_ballot_revisions")
    op.drop_table("pb_phase_dates")
    with op.batch_alter_table("pb_phase_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_phase_changes_process_id"))

    op.drop_table("pb_phase_changes")
    op.drop_table("pb_count_results")
    with op.batch_alter_table("pb_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_categories_process_id"))

    op.drop_table("pb_categories")
    with op.batch_alter_table("pb_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_ballots_ward_id"))
        batch_op.drop_index(batch_op.f("ix_pb_ballots_process_id"))

    op.drop_table("pb_ballots")
    with op.batch_alter_table("pb_processes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_processes_ward_id"))
        batch_op.drop_index(batch_op.f("ix_pb_processes_phase"))
        batch_op.drop_index(batch_op.f("ix_pb_processes_area_id"))

    op.drop_table("pb_processes")
