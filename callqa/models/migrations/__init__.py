"""Alembic migrations of the callqa store (run by `callqa.models.migrate.upgrade`)."""
