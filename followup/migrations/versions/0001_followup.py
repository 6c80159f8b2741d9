"""Follow-up: statuses, their history, opened pairs, users and their municipalities.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status",
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
        sa.UniqueConstraint("programme", "measure", "kommune", name="uq_status_pair"),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("programme", sa.String(32), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("kommune", sa.String(4), nullable=False),
        sa.Column("old_status", sa.String(16), nullable=True),
        sa.Column("new_status", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("status_date", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_history_programme", "history", ["programme"])
    op.create_table(
        "opening",
        sa.Column("programme", sa.String(32), primary_key=True),
        sa.Column("measure", sa.String(32), primary_key=True),
        sa.Column("kommune", sa.String(4), primary_key=True),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "assignment",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("app_user.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kommune", sa.String(4), primary_key=True),
    )


def downgrade() -> None:
    for table in ("assignment", "app_user", "opening", "history", "status"):
        op.drop_table(table)
