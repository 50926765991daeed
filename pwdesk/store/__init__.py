"""Storage: SQLAlchemy models, the encrypted database and its migrations."""
