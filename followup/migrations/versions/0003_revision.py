"""A change counter per programme: every write bumps it in its own transaction, so one cheap
read tells every process whether anything changed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_revision",
        sa.Column("programme", sa.String(32), primary_key=True),
        sa.Column("counter", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("followup_revision")
