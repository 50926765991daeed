"""The services tests' ``db`` runs each test on an encrypted file and on a PostgreSQL server."""

from tests.backends import db_on_both_backends  # noqa: F401
