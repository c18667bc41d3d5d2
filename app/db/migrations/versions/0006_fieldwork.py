"""Fieldwork: the auditor's request list, requests and their links, populations, samples, exceptions.

Also the column mappings remembered per auditor firm.

Revision ID: 0006
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "column_mapping",
        sa.Column("auditor_firm", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("auditor_firm", name=op.f("pk_column_mapping")),
    )
    op.create_table(
        "audit_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("request_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("request_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("unknown_criteria", sa.JSON(), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("request_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("auditor_owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("auditor_due", sa.Date(), nullable=True),
        sa.Column("auditor_status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("auditor_comments", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("extras", sa.JSON(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("date_provided", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_audit_request_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_request")),
        sa.UniqueConstraint("engagement_id", "request_key", name=op.f("uq_audit_request_engagement_id")),
    )
    with op.batch_alter_table("audit_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_request_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "request_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sheet", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("header_row", sa.Integer(), nullable=False),
        sa.Column("samples_sheet", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("date_order", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("auditor_firm", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_request_list_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_list")),
        sa.UniqueConstraint("engagement_id", name=op.f("uq_request_list_engagement_id")),
    )
    with op.batch_alter_table("request_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_list_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "population",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_population_control_id_control"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_population_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_population_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population")),
    )
    with op.batch_alter_table("population", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_population_control_id"), ["control_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_population_engagement_id"), ["engagement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_population_evidence_id"), ["evidence_id"], unique=False)

    op.create_table(
        "request_control",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_request_control_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["audit_request.id"],
            name=op.f("fk_request_control_request_id_audit_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "control_id", name=op.f("pk_request_control")),
    )
    op.create_table(
        "request_evidence",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_request_evidence_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["audit_request.id"],
            name=op.f("fk_request_evidence_request_id_audit_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "evidence_id", name=op.f("pk_request_evidence")),
    )
    op.create_table(
        "sample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("control_id", sa.Integer(), nullable=True),
        sa.Column("population", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("population_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("population_size", sa.Integer(), nullable=True),
        sa.Column("seed", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_sample_control_id_control"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_sample_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["audit_request.id"],
            name=op.f("fk_sample_request_id_audit_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample")),
    )
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sample_control_id"), ["control_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_engagement_id"), ["engagement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_request_id"), ["request_id"], unique=False)

    op.create_table(
        "sample_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item_date", sa.Date(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sample_id"], ["sample.id"], name=op.f("fk_sample_item_sample_id_sample"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_item")),
    )
    with op.batch_alter_table("sample_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sample_item_sample_id"), ["sample_id"], unique=False)

    op.create_table(
        "control_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=True),
        sa.Column("sample_item_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("root_cause", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("remediation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("management_response", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_control_exception_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_control_exception_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_item_id"],
            ["sample_item.id"],
            name=op.f("fk_control_exception_sample_item_id_sample_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_exception")),
    )
    with op.batch_alter_table("control_exception", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_exception_control_id"), ["control_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_control_exception_engagement_id"), ["engagement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_control_exception_sample_item_id"), ["sample_item_id"], unique=False
        )

    op.create_table(
        "sample_item_evidence",
        sa.Column("sample_item_id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_sample_item_evidence_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_item_id"],
            ["sample_item.id"],
            name=op.f("fk_sample_item_evidence_sample_item_id_sample_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sample_item_id", "evidence_id", name=op.f("pk_sample_item_evidence")),
    )


def downgrade() -> None:
    op.drop_table("sample_item_evidence")
    with op.batch_alter_table("control_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_exception_sample_item_id"))
        batch_op.drop_index(batch_op.f("ix_control_exception_engagement_id"))
        batch_op.drop_index(batch_op.f("ix_control_exception_control_id"))

    op.drop_table("control_exception")
    with op.batch_alter_table("sample_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sample_item_sample_id"))

    op.drop_table("sample_item")
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sample_request_id"))
        batch_op.drop_index(batch_op.f("ix_sample_engagement_id"))
        batch_op.drop_index(batch_op.f("ix_sample_control_id"))

    op.drop_table("sample")
    op.drop_table("request_evidence")
    op.drop_table("request_control")
    with op.batch_alter_table("population", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_population_evidence_id"))
        batch_op.drop_index(batch_op.f("ix_population_engagement_id"))
        batch_op.drop_index(batch_op.f("ix_population_control_id"))

    op.drop_table("population")
    with op.batch_alter_table("request_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_list_engagement_id"))

    op.drop_table("request_list")
    with op.batch_alter_table("audit_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_request_engagement_id"))

    op.drop_table("audit_request")
    op.drop_table("column_mapping")
