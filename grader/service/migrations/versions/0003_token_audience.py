"""an API token's audience: what its answers show of a result (candidate by default)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tokens made before have the candidate's audience: one that sits in a candidate's pipeline
    # must stop showing hidden tests' text; a reviewer's CI makes a reviewer token again.
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("audience", sa.String(length=16), server_default="candidate", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("audience")
