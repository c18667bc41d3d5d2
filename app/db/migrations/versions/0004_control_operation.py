"""Controls: the day they began operating, the size of their population, the reports they rely on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("population_size", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("key_reports", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_column("key_reports")
        batch_op.drop_column("population_size")
        batch_op.drop_column("start_date")
