"""marketplace program: firm products, program targets, first sales per country and marketplace

Revision ID: mk0001
Revises: m0001
Create Date: 2026-11-30 14:40:00

"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "mk0001"
down_revision: str | None = "m0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firm_product",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("hs6", sa.String(length=6), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["firm_id"], ["firm.id"], ondelete="CASCADE",
                                name=op.f("fk_firm_product_firm_id_firm")),
        sa.PrimaryKeyConstraint("firm_id", "hs6", name=op.f("pk_firm_product")),
    )
    op.create_index(op.f("ix_firm_product_hs6"), "firm_product", ["hs6"], unique=False)
    op.create_table(
        "program_target",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"], ondelete="CASCADE",
                                name=op.f("fk_program_target_program_id_program")),
        sa.PrimaryKeyConstraint("program_id", "indicator", name=op.f("pk_program_target")),
    )
    op.create_table(
        "marketplace_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("first_sale_on", sa.Date(), nullable=False),
        sa.Column("sales_usd", sa.Float(), nullable=True),
        sa.CheckConstraint("sales_usd IS NULL OR sales_usd >= 0",
                           name=op.f("ck_marketplace_sale_sales_not_negative")),
        sa.ForeignKeyConstraint(["enrolment_id"], ["enrolment.id"], ondelete="CASCADE",
                                name=op.f("fk_marketplace_sale_enrolment_id_enrolment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_sale")),
        sa.UniqueConstraint("enrolment_id", "marketplace", "country",
                            name=op.f("uq_marketplace_sale_enrolment_id")),
    )
    op.create_index(op.f("ix_marketplace_sale_enrolment_id"), "marketplace_sale",
                    ["enrolment_id"], unique=False)
    op.create_index(op.f("ix_marketplace_sale_country"), "marketplace_sale", ["country"],
                    unique=False)
    op.create_index(op.f("ix_marketplace_sale_first_sale_on"), "marketplace_sale",
                    ["first_sale_on"], unique=False)


def downgrade() -> None:
    op.drop_table("marketplace_sale")
    op.drop_table("program_target")
    op.drop_index(op.f("ix_firm_product_hs6"), table_name="firm_product")
    op.drop_table("firm_product")
