"""Initial schema: engagements, criteria, controls, objectives, evidence, change log.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from app.domain.catalog import FRAMEWORK_ID, load_catalog, sort_key

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=True),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("entity_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("old_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("new_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_log_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("group_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion")),
        sa.UniqueConstraint("framework", "ref", name=op.f("uq_criterion_framework")),
    )
    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("system_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("system_description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("business_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("report_kinds", sa.JSON(), nullable=False),
        sa.Column("report_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("framework", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("as_of_date", sa.Date(), nullable=True),
        sa.Column("auditor_firm", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scoping_answers", sa.JSON(), nullable=True),
        sa.Column("scoping_recommendation", sa.JSON(), nullable=True),
        sa.Column("scoping_overrides", sa.JSON(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement")),
        sa.UniqueConstraint("name", name=op.f("uq_engagement_name")),
    )
    op.create_table(
        "control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("frequency", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("nature", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("control_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_key", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("systems", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expected_evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("test_procedure", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("population_source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("gap", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("remediation_owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("remediation_due", sa.Date(), nullable=True),
        sa.Column("exceptions", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("management_response", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dependency", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_control_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control")),
        sa.UniqueConstraint("engagement_id", "ref", name=op.f("uq_control_engagement_id")),
    )
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "control_objective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_control_objective_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_objective")),
        sa.UniqueConstraint("engagement_id", "ref", name=op.f("uq_control_objective_engagement_id")),
    )
    with op.batch_alter_table("control_objective", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_control_objective_engagement_id"), ["engagement_id"], unique=False
        )

    op.create_table(
        "cuec",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("related_criteria", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_cuec_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cuec")),
        sa.UniqueConstraint("engagement_id", "ref", name=op.f("uq_cuec_engagement_id")),
    )
    with op.batch_alter_table("cuec", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cuec_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=True),
        sa.Column("covers_from", sa.Date(), nullable=True),
        sa.Column("covers_to", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("source_system", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_evidence_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_engagement_id"), ["engagement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)

    op.create_table(
        "subservice_org",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("services", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("csocs", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("monitoring", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_subservice_org_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subservice_org")),
        sa.UniqueConstraint("engagement_id", "name", name=op.f("uq_subservice_org_engagement_id")),
    )
    with op.batch_alter_table("subservice_org", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subservice_org_engagement_id"), ["engagement_id"], unique=False)

    op.create_table(
        "control_criterion",
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_control_criterion_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criterion.id"],
            name=op.f("fk_control_criterion_criterion_id_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("control_id", "criterion_id", name=op.f("pk_control_criterion")),
    )
    op.create_table(
        "evidence_control",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_evidence_control_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_evidence_control_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("evidence_id", "control_id", name=op.f("pk_evidence_control")),
    )
    op.create_table(
        "objective_control",
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["control.id"],
            name=op.f("fk_objective_control_control_id_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["control_objective.id"],
            name=op.f("fk_objective_control_objective_id_control_objective"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("objective_id", "control_id", name=op.f("pk_objective_control")),
    )
    _protect_change_log()
    criterion = sa.table(
        "criterion",
        sa.column("framework", sa.String),
        sa.column("ref", sa.String),
        sa.column("category", sa.String),
        sa.column("group_name", sa.String),
        sa.column("title", sa.String),
        sa.column("sort_order", sa.Integer),
    )
    op.bulk_insert(
        criterion,
        [
            {
                "framework": FRAMEWORK_ID,
                "ref": item.id,
                "category": item.category,
                "group_name": item.group,
                "title": item.title,
                "sort_order": position,
            }
            for position, item in enumerate(sorted(load_catalog().criteria, key=lambda c: sort_key(c.id)))
        ],
    )


def _protect_change_log() -> None:
    """Triggers that refuse to change or delete a change-log row (SQLite, or PostgreSQL for a team)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            "CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the change log is append-only'; END $$"
        )
    for action in ("UPDATE", "DELETE"):
        name = f"change_log_append_only_{action.lower()}"
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {action} ON change_log "
                "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {action} ON change_log "
                "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER change_log_append_only_{action}" + (" ON change_log" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION change_log_append_only()")
    op.drop_table("objective_control")
    op.drop_table("evidence_control")
    op.drop_table("control_criterion")
    with op.batch_alter_table("subservice_org", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subservice_org_engagement_id"))

    op.drop_table("subservice_org")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_engagement_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("cuec", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cuec_engagement_id"))

    op.drop_table("cuec")
    with op.batch_alter_table("control_objective", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_objective_engagement_id"))

    op.drop_table("control_objective")
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_engagement_id"))

    op.drop_table("control")
    op.drop_table("engagement")
    op.drop_table("criterion")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_engagement_id"))
        batch_op.drop_index(batch_op.f("ix_change_log_at"))

    op.drop_table("change_log")
