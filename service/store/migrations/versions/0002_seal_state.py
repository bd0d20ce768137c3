"""Move the conversation's state into the sealed payload: it tells which branch a person took.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the clear-text state column (payloads written since carry the state)."""
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("state")


def downgrade() -> None:
    """Bring the column back, empty."""
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("state", sa.String(64), nullable=False, server_default=""))
