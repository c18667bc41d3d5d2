"""A PostgreSQL driver that cannot load (not installed, or a bundle without its pieces) is one plain
refusal naming the extra to install, never a traceback."""

import pytest
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from app.db.server import ServerError, make_server_engine


def test_a_driver_that_cannot_load_is_refused_with_the_reason_and_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise ImportError("no pq wrapper available.\nAttempts made:\n- couldn't import psycopg 'binary'")

    monkeypatch.setattr(PGDialect_psycopg, "import_dbapi", classmethod(lambda cls: broken()))
    with pytest.raises(ServerError) as refused:
        make_server_engine("postgresql://team@db.example.com/soc")
    assert str(refused.value) == (
        "team mode needs the PostgreSQL driver (no pq wrapper available.): pip install 'soc-workbench[team]'"
    )
