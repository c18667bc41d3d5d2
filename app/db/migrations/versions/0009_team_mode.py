"""Team mode: record versions, who made each change, and evidence content kept in the database.

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-08
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

VERSIONED_TABLES = ("engagement", "control")
FILE_SIZE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # SQLite's INTEGER already holds 64 bits
        op.alter_column("evidence", "size", type_=sa.BigInteger(), existing_nullable=False)
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("record_version", sa.Integer(), nullable=True))
    op.create_table(
        "evidence_blob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("size", FILE_SIZE, nullable=False),
        sa.Column("stored_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_blob")),
        sa.UniqueConstraint("sha256", name=op.f("uq_evidence_blob_sha256")),
    )
    op.create_table(
        "evidence_chunk",
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_id"],
            ["evidence_blob.id"],
            name=op.f("fk_evidence_chunk_blob_id_evidence_blob"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blob_id", "position", name=op.f("pk_evidence_chunk")),
    )


def downgrade() -> None:
    op.drop_table("evidence_chunk")
    op.drop_table("evidence_blob")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("evidence", "size", type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("record_version")
        batch_op.drop_column("changed_by")
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
