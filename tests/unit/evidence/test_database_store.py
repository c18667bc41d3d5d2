"""The team workspace's evidence store: content in the database, in chunks, hash-checked."""

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.db.models import EvidenceChunk
from app.db.server import open_server_database
from app.evidence.database_store import DatabaseStore
from app.evidence.store import CHUNK_SIZE, CancelledError, StoreError, write_verified_copy
from tests.postgres import PostgresServer

pytestmark = pytest.mark.postgresql


@pytest.fixture
def engine(postgres_server: PostgresServer) -> Iterator[Engine]:
    url = postgres_server.new_database()
    opened = open_server_database(url)
    yield opened
    opened.dispose()
    postgres_server.drop_database(url)


def chunks(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(EvidenceChunk)).scalar_one())


def test_a_file_is_stored_in_chunks_once_and_read_back_checked(engine: Engine, tmp_path: Path) -> None:
    content = os.urandom(CHUNK_SIZE * 2 + 3)
    source = tmp_path / "big.bin"
    source.write_bytes(content)
    store = DatabaseStore(engine)
    seen: list[int] = []
    stored = store.add_file(source, progress=seen.append)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert (stored.size, stored.path, stored.already_stored) == (len(content), None, False)
    assert seen[-1] == len(content) and chunks(engine) == 3
    again = DatabaseStore(engine).add_file(source)
    assert again.already_stored and chunks(engine) == 3
    assert list(store.stored_hashes()) == [stored.sha256]
    with store.open(stored.sha256) as reader:
        assert reader.read() == content
    write_verified_copy(store, stored.sha256, tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == content
    assert store.check(stored.sha256, len(content)) == "ok"
    assert store.check(stored.sha256, len(content) + 1) == "altered"
    assert store.check("0" * 64, 1) == "missing"
    with pytest.raises(StoreError, match="missing"), store.open("0" * 64):
        pass


def test_a_cancelled_add_leaves_nothing(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(CHUNK_SIZE * 3))
    done: list[int] = []
    with pytest.raises(CancelledError):
        DatabaseStore(engine).add_file(source, progress=done.append, cancel=lambda: bool(done))
    assert chunks(engine) == 0 and list(DatabaseStore(engine).stored_hashes()) == []


def test_content_another_add_is_about_to_record_is_never_removed(engine: Engine, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("evidence")
    adder, cleaner = DatabaseStore(engine), DatabaseStore(engine)
    with adder.adding():
        stored = adder.add_file(source)
        assert cleaner.unreferenced(set()) == []
        cleaner.remove(stored.sha256)
        assert cleaner.remove_unreferenced(set(), grace_seconds=0) == []
        assert cleaner.contains(stored.sha256)
    assert cleaner.unreferenced(set()) == [stored.sha256]
    assert cleaner.remove_unreferenced(set(), grace_seconds=3600) == []
    assert cleaner.remove_unreferenced(set(), grace_seconds=0) == [stored.sha256]
    assert not cleaner.contains(stored.sha256) and chunks(engine) == 0
