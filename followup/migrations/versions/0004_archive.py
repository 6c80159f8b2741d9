"""Statuses of measures a revision removed, archived with that revision (never deleted), their
history marked archived, and a log of the carry-overs done.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archived_status",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme", sa.String(32), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("kommune", sa.String(4), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("status_date", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("revision", sa.String(200), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_archived_status_programme", "archived_status", ["programme"])
    with op.batch_alter_table("history") as batch:
        batch.add_column(sa.Column("archived", sa.String(200), nullable=True))
    op.create_table(
        "carry_log",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("old", sa.String(32), nullable=False),
        sa.Column("new", sa.String(32), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("carry_log")
    with op.batch_alter_table("history") as batch:
        batch.drop_column("archived")
    op.drop_index("ix_archived_status_programme", "archived_status")
    op.drop_table("archived_status")
