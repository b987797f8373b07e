from __future__ import annotations

from alembic import context

from albumen.db.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Albumen runs migrations itself (albumen.db.migrate); pass a connection.")

context.configure(
    connection=connection, target_metadata=Base.metadata, compare_type=True, transaction_per_migration=True
)
with context.begin_transaction():
    context.run_migrations()
