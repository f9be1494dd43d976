"""web users (login, role, firm of a firm user)

Revision ID: w0001
Revises: 0001
Create Date: 2026-11-25 11:50:00

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "w0001"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_web_user_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_user")),
    )
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_user_username"), ["username"], unique=True)
        batch_op.create_index(batch_op.f("ix_web_user_firm_id"), ["firm_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_user_firm_id"))
        batch_op.drop_index(batch_op.f("ix_web_user_username"))
    op.drop_table("web_user")
