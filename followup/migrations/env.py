"""Alembic's environment: migrations run on the engine the caller hands over
(followup.db.upgrade), online only."""

from __future__ import annotations

from alembic import context

from followup.models import Base

target_metadata = Base.metadata
engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
