"""plants from public registers (RETC, DENUE), labelled with their source

Revision ID: 0002
Revises: w0001
Create Date: 2026-11-30 14:10:00

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "w0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_plant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=40), nullable=False),
        sa.Column("source_year", sa.Integer(), nullable=False),
        sa.Column("legal_name", sa.String(length=300), nullable=False),
        sa.Column("plant_name", sa.String(length=300), nullable=True),
        sa.Column("scian", sa.String(length=6), nullable=False),
        sa.Column("state_code", sa.String(length=2), nullable=False),
        sa.Column("municipality", sa.String(length=200), nullable=True),
        sa.Column("industrial_park", sa.String(length=200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"],
                                name=op.f("fk_source_plant_firm_id_firm"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_plant")),
        sa.UniqueConstraint("source", "source_ref", name=op.f("uq_source_plant_source")),
    )
    with op.batch_alter_table("source_plant", schema=None) as batch_op:
        for column in ("source", "legal_name", "scian", "state_code", "firm_id"):
            batch_op.create_index(batch_op.f(f"ix_source_plant_{column}"), [column],
                                  unique=False)


def downgrade() -> None:
    op.drop_table("source_plant")
