"""Policies with their versions, the policy questionnaire, staff and policy acknowledgements.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("controls", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_policy_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy")),
        sa.UniqueConstraint("engagement_id", "key", name=op.f("uq_policy_engagement_id")),
    )
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "policy_answer",
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_policy_answer_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("engagement_id", "question", name=op.f("pk_policy_answer")),
    )
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_staff_member_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
        sa.UniqueConstraint("engagement_id", "email", name=op.f("uq_staff_member_engagement_id")),
    )
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_member_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "policy_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["policy.id"],
            name=op.f("fk_policy_acknowledgement_policy_id_policy"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_member.id"],
            name=op.f("fk_policy_acknowledgement_staff_id_staff_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_acknowledgement")),
        sa.UniqueConstraint(
            "policy_id", "version", "staff_id", name=op.f("uq_policy_acknowledgement_policy_id")
        ),
    )
    with op.batch_alter_table("policy_acknowledgement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_acknowledgement_policy_id"), ["policy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_policy_acknowledgement_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("change", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policy.id"], name=op.f("fk_policy_version_policy_id_policy"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_version")),
        sa.UniqueConstraint("policy_id", "version", name=op.f("uq_policy_version_policy_id")),
    )
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_version_policy_id"), ["policy_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_version_policy_id"))

    op.drop_table("policy_version")
    with op.batch_alter_table("policy_acknowledgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_acknowledgement_staff_id"))
        batch_op.drop_index(batch_op.f("ix_policy_acknowledgement_policy_id"))

    op.drop_table("policy_acknowledgement")
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_member_engagement_id"))

    op.drop_table("staff_member")
    op.drop_table("policy_answer")
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_engagement_id"))

    op.drop_table("policy")
