"""The schema revisions this version knows, oldest first (checked against Alembic by a test).

Kept apart from Alembic so that opening a current database never imports it.
"""

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0008")
HEAD_REVISION = KNOWN_REVISIONS[-1]
