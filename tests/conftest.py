"""Shared fixtures: a fresh workspace per test, the CLI run in-process, offscreen Qt.

A test module marked ``pytestmark = pytest.mark.backends`` runs each of its tests twice: on a
local SQLite workspace and on a team workspace in a PostgreSQL database of its own (see
:mod:`tests.postgres`). Without a server the PostgreSQL runs are skipped, unless
``SOC_WORKBENCH_REQUIRE_PG=1`` (CI) makes that a failure.
"""

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.cli import main
from app.locations import DATA_DIR_ENV, DATABASE_NAME, DATABASE_URL_ENV, USER_ENV
from app.services.workspace import Workspace, open_workspace
from tests.postgres import BACKENDS, PostgresServer, start_postgres_server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``backends`` run on SQLite and on PostgreSQL (``backends("sqlite")``: only there)."""
    marker = metafunc.definition.get_closest_marker("backends")
    if "backend" in metafunc.fixturenames and marker is not None:
        chosen = [name for name in BACKENDS if name in (marker.args or BACKENDS)]
        params = [pytest.param(name, marks=getattr(pytest.mark, name)) for name in chosen]
        metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture(autouse=True)
def _no_real_workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does may reach the user's real data folder or a team server of the environment."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("env-workspace")))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setenv(USER_ENV, "tester")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: where the test's workspace keeps its data."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server the tests may create databases on (skips the test when there is none)."""
    server = start_postgres_server()
    yield server
    server.close()


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """``None`` for SQLite; for PostgreSQL, the URL of a fresh, migrated database dropped afterwards."""
    if backend != "postgresql":
        yield None
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.new_database()
    yield url
    server.drop_database(url)


@pytest.fixture(scope="session")
def _template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    workspace = open_workspace(folder)
    workspace.close()
    return folder / DATABASE_NAME


@pytest.fixture
def data_dir(tmp_path: Path, _template_database: Path, backend: str) -> Path:
    """A workspace folder holding a freshly migrated, empty database (for a team workspace on
    PostgreSQL: the folder its local one is made under)."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    if backend == "sqlite":
        shutil.copy2(_template_database, folder / DATABASE_NAME)
    return folder


@pytest.fixture
def workspace(data_dir: Path, database_url: str | None) -> Iterator[Workspace]:
    opened = open_workspace(data_dir, database_url=database_url)
    yield opened
    opened.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(data_dir: Path, database_url: str | None, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``soc-workbench --data-dir <workspace> [--database-url URL] ...`` in-process; returns a
    :class:`Result`."""
    server = ["--database-url", database_url] if database_url else []

    def run(*args: str, data_dir_arg: bool = True) -> Result:
        argv = ["--data-dir", str(data_dir), *server, *args] if data_dir_arg else list(args)
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
