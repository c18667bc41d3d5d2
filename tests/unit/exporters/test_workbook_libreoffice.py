"""A real spreadsheet program opens the workbook and reads every cell back as written.

LibreOffice (headless) converts each sheet to CSV; formulas would show their
result there, so a text like ``=SUM(1)`` that comes back literally was text.
"""

import csv
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from test_workbook import AS_OF, sample_data  # the sample engagement of the unit tests beside this file
from test_workbook import shown as escapes_decoded

from app.domain.workbook_layout import ALL_CONTROLS_SHEET
from app.exporters.workbook import write_workbook

SOFFICE = shutil.which("soffice")
# Separator, quote, UTF-8, first line, -, language, quote all text, detect special numbers,
# save as shown, export formulas, remove spaces, every sheet to its own file (LibreOffice 7.2+).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

pytestmark = [
    pytest.mark.slow,
    # CI installs LibreOffice, so there the test must run; elsewhere it may be missing.
    pytest.mark.skipif(
        SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not on PATH"
    ),
]


def soffice_convert(workbook: Path, folder: Path, target: str) -> None:
    """Let LibreOffice open *workbook* and save it as *target* (a ``--convert-to`` argument) in *folder*."""
    assert SOFFICE is not None
    profile = folder / "profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def convert(workbook: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Every sheet of *workbook* as LibreOffice reads it: sheet name -> CSV rows."""
    soffice_convert(workbook, folder, CSV_FILTER)
    sheets = {}
    for path in folder.glob(f"{workbook.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{workbook.stem}-")] = list(csv.reader(handle))
    return sheets


def shown(value: object) -> str:
    """What a spreadsheet shows for a cell openpyxl read (dates as YYYY-MM-DD, as formatted)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M:%S}"
        )
    return escapes_decoded(str(value))


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[list[str]]]]:
    folder = tmp_path_factory.mktemp("libreoffice")
    target = folder / "workbook.xlsx"
    write_workbook(target, sample_data(), as_of=AS_OF)
    return target, convert(target, folder)


def test_every_sheet_converts(converted: tuple[Path, dict[str, list[list[str]]]]) -> None:
    target, sheets = converted
    assert set(sheets) == set(openpyxl.load_workbook(target).sheetnames)


def test_control_matrix_reads_back_as_written(converted: tuple[Path, dict[str, list[list[str]]]]) -> None:
    target, sheets = converted
    expected = [
        [shown(value) for value in row]
        for row in openpyxl.load_workbook(target)[ALL_CONTROLS_SHEET].iter_rows(values_only=True)
    ]
    assert sheets[ALL_CONTROLS_SHEET] == expected
    cells = {cell for row in sheets[ALL_CONTROLS_SHEET] for cell in row}
    assert {"=SUM(1)", "+x", "-x", "@x\nsecond line", "_x0041_", "Backups restored monthly"} <= cells


def test_other_sheets_keep_their_texts(converted: tuple[Path, dict[str, list[list[str]]]]) -> None:
    _, sheets = converted
    assert sheets["SOC 1 objectives"][1][3] == "=HYPERLINK(1)"
    assert sheets["Change log"][1][:5] == ["2026-03-01 09:00:00", "control", "AC-1", "Status", "=x"]
    evidence = sheets["Evidence index"]
    assert evidence[1][:4] == ["User list export", "users=1.csv", "ab" * 32, "123456"]
    summary = {row[0]: row[1] for row in sheets["Summary"] if len(row) > 1 and row[0]}
    assert summary["Company"] == "Acme & Co"


def test_layout_survives_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "source" / "workbook.xlsx"
    source.parent.mkdir()
    write_workbook(source, sample_data(), as_of=AS_OF)
    soffice_convert(source, tmp_path, "xlsx")
    resaved = openpyxl.load_workbook(tmp_path / "workbook.xlsx")
    matrix = resaved[ALL_CONTROLS_SHEET]  # (a headless conversion keeps no view, so no frozen pane)
    assert matrix["A1"].font.bold
    for cell in (matrix["A2"], matrix["C2"], matrix["B3"]):
        assert (cell.alignment.vertical, cell.alignment.wrap_text) == ("top", True), cell.coordinate
    assert len(matrix.data_validations.dataValidation) == 5
    assert matrix.page_setup.orientation == "landscape"
