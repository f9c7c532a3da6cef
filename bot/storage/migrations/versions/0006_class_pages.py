"""The class page: a secret per class for its web address, and a revision the page watches.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PAGE_SECRET_BYTES = 16  # 128 bits, as bot.storage.classes makes them


def upgrade() -> None:
    """Add the page secret (one for every class already there) and the revision counter."""
    op.add_column("classes", sa.Column("page_secret", sa.String(length=32), nullable=True))
    op.add_column(
        "classes", sa.Column("revision", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_index("ix_classes_page_secret", "classes", ["page_secret"], unique=True)
    classes = sa.table("classes", sa.column("id", sa.Integer), sa.column("page_secret"))
    connection = op.get_bind()
    for (class_id,) in connection.execute(sa.select(classes.c.id)).all():
        connection.execute(
            classes.update()
            .where(classes.c.id == class_id)
            .values(page_secret=secrets.token_urlsafe(PAGE_SECRET_BYTES))
        )


def downgrade() -> None:
    """Drop the page secret and the revision."""
    op.drop_index("ix_classes_page_secret", table_name="classes")
    op.drop_column("classes", "revision")
    op.drop_column("classes", "page_secret")
