"""Local fund: funds, allocations, grant rules, bids, interest declarations and the ledger

Revision ID: 0003_funds
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_funds"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "funds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("year_start", sa.Integer(), nullable=False),
        sa.Column("total_pence", sa.BigInteger(), nullable=False),
        sa.Column("allocated_pence", sa.BigInteger(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("corporate_aims", sa.JSON(), nullable=False),
        sa.Column("decision_days", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "allocated_pence <= total_pence", name=op.f("ck_funds_allocations_within_total")
        ),
        sa.CheckConstraint("allocated_pence >= 0", name=op.f("ck_funds_allocated_not_negative")),
        sa.CheckConstraint("opens_on <= closes_on", name=op.f("ck_funds_opens_before_closes")),
        sa.CheckConstraint("total_pence > 0", name=op.f("ck_funds_total_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_funds_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funds")),
        sa.UniqueConstraint("name", name=op.f("uq_funds_name")),
    )
    op.create_table(
        "fund_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("councillor_id", sa.Integer(), nullable=True),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("committed_pence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_fund_allocations_amount_positive")),
        sa.CheckConstraint(
            "committed_pence <= amount_pence", name=op.f("ck_fund_allocations_never_overspent")
        ),
        sa.CheckConstraint(
            "committed_pence >= 0", name=op.f("ck_fund_allocations_committed_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["councillor_id"], ["users.id"], name=op.f("fk_fund_allocations_councillor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"],
            ["funds.id"],
            name=op.f("fk_fund_allocations_fund_id_funds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_fund_allocations_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_allocations")),
        sa.UniqueConstraint(
            "fund_id",
            "ward_id",
            "councillor_id",
            name=op.f("uq_fund_allocations_fund_id_ward_id_councillor_id"),
        ),
    )
    with op.batch_alter_table("fund_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_allocations_councillor_id"), ["councillor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fund_allocations_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_allocations_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "fund_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["funds.id"], name=op.f("fk_fund_rules_fund_id_funds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_rules")),
        sa.UniqueConstraint("fund_id", "key", name=op.f("uq_fund_rules_fund_id_key")),
    )
    with op.batch_alter_table("fund_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_rules_fund_id"), ["fund_id"], unique=False)

    op.create_table(
        "fund_bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column(
            "proposer_kind",
            sa.Enum(
                "resident",
                "community_group",
                "officer",
                "councillor",
                name="proposerkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("group_name", sa.String(length=150), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "eligible",
                "approved",
                "rejected",
                "in_delivery",
                "completed",
                "withdrawn",
                name="bidstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("steps_done", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("local_need", sa.Text(), nullable=False),
        sa.Column("deliverables", sa.Text(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("delivered_by_council", sa.Boolean(), nullable=True),
        sa.Column("service", sa.String(length=150), nullable=False),
        sa.Column("pays_voluntary_organisation", sa.Boolean(), nullable=True),
        sa.Column("aims", sa.JSON(), nullable=False),
        sa.Column("is_one_off", sa.Boolean(), nullable=True),
        sa.Column("has_ongoing_costs", sa.Boolean(), nullable=True),
        sa.Column("ongoing_cost_pence", sa.BigInteger(), nullable=True),
        sa.Column("support_evidence", sa.Text(), nullable=False),
        sa.Column("support_link", sa.String(length=300), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_comments", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("approved_pence", sa.BigInteger(), nullable=True),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        sa.Column("delivery_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_spend_pence", sa.BigInteger(), nullable=True),
        sa.Column("outcome_report", sa.Text(), nullable=False),
        sa.Column("completion_evidence", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("actual_spend_pence >= 0", name=op.f("ck_fund_bids_spend_not_negative")),
        sa.CheckConstraint("amount_pence >= 0", name=op.f("ck_fund_bids_amount_not_negative")),
        sa.CheckConstraint("approved_pence > 0", name=op.f("ck_fund_bids_approved_positive")),
        sa.CheckConstraint(
            "ongoing_cost_pence >= 0", name=op.f("ck_fund_bids_ongoing_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["fund_allocations.id"],
            name=op.f("fk_fund_bids_allocation_id_fund_allocations"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_fund_bids_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_fund_bids_fund_id_funds")),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["users.id"], name=op.f("fk_fund_bids_proposer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_fund_bids_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_bids")),
    )
    with op.batch_alter_table("fund_bids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_bids_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_bids_proposer_id"), ["proposer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_bids_status"), ["status"], unique=False)

    op.create_table(
        "fund_bid_cost_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=150), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_fund_bid_cost_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["fund_bids.id"],
            name=op.f("fk_fund_bid_cost_lines_bid_id_fund_bids"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_bid_cost_lines")),
    )
    with op.batch_alter_table("fund_bid_cost_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_bid_cost_lines_bid_id"), ["bid_id"], unique=False)

    op.create_table(
        "fund_bid_wards",
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["fund_bids.id"],
            name=op.f("fk_fund_bid_wards_bid_id_fund_bids"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["wards.id"],
            name=op.f("fk_fund_bid_wards_ward_id_wards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bid_id", "ward_id", name=op.f("pk_fund_bid_wards")),
    )
    op.create_table(
        "fund_interest_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("councillor_id", sa.Integer(), nullable=False),
        sa.Column("has_interest", sa.Boolean(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["fund_bids.id"],
            name=op.f("fk_fund_interest_declarations_bid_id_fund_bids"),
        ),
        sa.ForeignKeyConstraint(
            ["councillor_id"],
            ["users.id"],
            name=op.f("fk_fund_interest_declarations_councillor_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_interest_declarations")),
    )
    with op.batch_alter_table("fund_interest_declarations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_interest_declarations_bid_id"), ["bid_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fund_interest_declarations_councillor_id"),
            ["councillor_id"],
            unique=False,
        )

    op.create_table(
        "fund_ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "approval", "change", "release", name="ledgerkind", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("committed_after_pence", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_pence <> 0", name=op.f("ck_fund_ledger_entries_amount_not_zero")
        ),
        sa.CheckConstraint(
            "committed_after_pence >= 0",
            name=op.f("ck_fund_ledger_entries_committed_after_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_fund_ledger_entries_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["fund_allocations.id"],
            name=op.f("fk_fund_ledger_entries_allocation_id_fund_allocations"),
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["fund_bids.id"], name=op.f("fk_fund_ledger_entries_bid_id_fund_bids")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_ledger_entries")),
    )
    with op.batch_alter_table("fund_ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_ledger_entries_allocation_id"), ["allocation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fund_ledger_entries_bid_id"), ["bid_id"], unique=False)


def downgrade():
    with op.batch_alter_table("fund_ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_ledger_entries_bid_id"))
        batch_op.drop_index(batch_op.f("ix_fund_ledger_entries_allocation_id"))

    op.drop_table("fund_ledger_entries")
    with op.batch_alter_table("fund_interest_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_interest_declarations_councillor_id"))
        batch_op.drop_index(batch_op.f("ix_fund_interest_declarations_bid_id"))

    op.drop_table("fund_interest_declarations")
    op.drop_table("fund_bid_wards")
    with op.batch_alter_table("fund_bid_cost_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_bid_cost_lines_bid_id"))

    op.drop_table("fund_bid_cost_lines")
    with op.batch_alter_table("fund_bids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_bids_status"))
        batch_op.drop_index(batch_op.f("ix_fund_bids_proposer_id"))
        batch_op.drop_index(batch_op.f("ix_fund_bids_fund_id"))

    op.drop_table("fund_bids")
    with op.batch_alter_table("fund_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_rules_fund_id"))

    op.drop_table("fund_rules")
    with op.batch_alter_table("fund_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_allocations_ward_id"))
        batch_op.drop_index(batch_op.f("ix_fund_allocations_fund_id"))
        batch_op.drop_index(batch_op.f("ix_fund_allocations_councillor_id"))

    op.drop_table("fund_allocations")
    op.drop_table("funds")
