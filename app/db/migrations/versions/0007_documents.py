"""Documents around the matrix: description sections, incidents, the bridge letter's date, the demo flag.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bridge_through", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "description_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reviewed", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_description_section_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_description_section")),
        sa.UniqueConstraint("engagement_id", "key", name=op.f("uq_description_section_engagement_id")),
    )
    with op.batch_alter_table("description_section", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_description_section_engagement_id"), ["engagement_id"], unique=False
        )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_incident_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_engagement_id"), ["engagement_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_engagement_id"))
    op.drop_table("incident")
    with op.batch_alter_table("description_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_description_section_engagement_id"))
    op.drop_table("description_section")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_column("is_demo")
        batch_op.drop_column("bridge_through")
