"""Shared fixtures: a fresh workspace per test, the CLI run in-process, offscreen Qt."""

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
from app.locations import DATA_DIR_ENV, DATABASE_NAME
from app.services.workspace import Workspace, open_workspace


@pytest.fixture(autouse=True)
def _no_real_workspace(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing a test does may reach the user's real data folder."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("env-workspace")))


@pytest.fixture(scope="session")
def _template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    workspace = open_workspace(folder)
    workspace.close()
    return folder / DATABASE_NAME


@pytest.fixture
def data_dir(tmp_path: Path, _template_database: Path) -> Path:
    """A workspace folder holding a freshly migrated, empty database."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    shutil.copy2(_template_database, folder / DATABASE_NAME)
    return folder


@pytest.fixture
def workspace(data_dir: Path) -> Iterator[Workspace]:
    opened = open_workspace(data_dir)
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
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run ``soc-workbench --data-dir <workspace> ...`` in-process; returns a :class:`Result`."""

    def run(*args: str, data_dir_arg: bool = True) -> Result:
        argv = ["--data-dir", str(data_dir), *args] if data_dir_arg else list(args)
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
