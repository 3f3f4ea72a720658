"""Alembic migrations of the run store; applied by `app.store.migrate`."""
