"""Workshops: the interview a whole group runs together, kept across restarts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the workshops table."""
    op.create_table(
        "workshops",
        sa.Column("group_chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("teacher_id", sa.BigInteger(), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("mistakes_shown", sa.JSON(), nullable=False),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("poll_message_id", sa.BigInteger(), nullable=True),
        sa.Column("poll_options", sa.JSON(), nullable=False),
        sa.Column("prompt_message_id", sa.BigInteger(), nullable=True),
        sa.Column("poll_closes_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("group_chat_id"),
        sa.UniqueConstraint("public_id"),
    )
    op.create_index("ix_workshops_poll_closes_at", "workshops", ["poll_closes_at"])


def downgrade() -> None:
    """Drop the workshops table."""
    op.drop_index("ix_workshops_poll_closes_at", table_name="workshops")
    op.drop_table("workshops")
