"""Layer rules and packaging."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_layer_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_qt_is_imported_only_in_the_ui_and_entry_points() -> None:
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("app/ui/", "app/cli/")) or relative == "app/__main__.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6", "import shiboken6", "from shiboken6")):
                offenders.append(relative)
    assert offenders == []


@pytest.mark.slow
def test_wheel_ships_resources_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("soc_workbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "app/_resources/catalog/tsc-2017.toml" in names
    assert "app/_resources/icons/calendar.svg" in names
    assert "app/_resources/icons/LICENSE-lucide.txt" in names
    assert "app/db/migrations/script.py.mako" in names
    assert "app/db/migrations/versions/0001_initial_schema.py" in names
    assert any(name.endswith("entry_points.txt") for name in names)
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "app").rglob("__init__.py")}
    assert {f"{package}/__init__.py" for package in packages} <= names


def test_no_function_outside_migrations_is_longer_than_80_lines() -> None:
    import ast

    long = []
    for path in (ROOT / "app").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 80:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []
