"""audit of admins' changes to web users

Revision ID: w0003
Revises: w0002
Create Date: 2026-11-30 15:40:00

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "w0003"
down_revision: str | None = "w0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_user_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_user_change")),
    )
    with op.batch_alter_table("web_user_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_user_change_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_user_change_username"), ["username"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_user_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_user_change_username"))
        batch_op.drop_index(batch_op.f("ix_web_user_change_at"))
    op.drop_table("web_user_change")
