"""Alembic's environment for the service: the engine comes from ``grader.service.migrate``."""

from __future__ import annotations

from alembic import context

from grader.service.models import Base

config = context.config
engine = config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
