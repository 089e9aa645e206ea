"""The persisted data model: SQLAlchemy ORM and Alembic migrations."""
