"""How many typed answers in a row the current question did not understand.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the interviews' refusal count."""
    op.add_column(
        "interviews",
        sa.Column("refusals", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    """Drop the refusal count."""
    op.drop_column("interviews", "refusals")
