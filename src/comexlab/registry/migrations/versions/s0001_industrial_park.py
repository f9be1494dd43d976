"""industrial parks kept by the agency (site profiles)

Revision ID: s0001
Revises: mk0001
Create Date: 2026-11-30 14:50:00

Chained after mk0001 (marketplace program), re-chained when both branches landed; if
another revision lands on main first, re-chain this file after it.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0001"
down_revision: str | None = "mk0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "industrial_park",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state_code", sa.String(length=2), nullable=False),
        sa.Column("municipality_code", sa.String(length=3), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("services", sa.Text(), nullable=True),
        sa.Column("available_land_ha", sa.Float(), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industrial_park")),
        sa.UniqueConstraint("code", name=op.f("uq_industrial_park_code")),
    )
    with op.batch_alter_table("industrial_park", schema=None) as batch_op:
        for column in ("name", "state_code"):
            batch_op.create_index(batch_op.f(f"ix_industrial_park_{column}"), [column],
                                  unique=False)


def downgrade() -> None:
    op.drop_table("industrial_park")
