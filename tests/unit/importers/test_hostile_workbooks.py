"""A hostile-file corpus for the workbook importer, generated here: each is refused in one line.

Every file is refused (exit 1, one line, no traceback, workspace unchanged)
within a time and memory limit, or — for wrong dimensions — read whole.
"""

import hashlib
import io
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.workbook_layout import ALL_CONTROLS_SHEET, CONTROL_COLUMNS
from app.importers.safe_files import (
    ArchiveLimits,
    UnreadableFileError,
    check_xlsx_archive,
    open_regular_file,
)
from app.importers.workbook import UnreadableWorkbookError, read_control_workbook
from app.services.controls import add_control
from app.services.engagements import create_engagement
from app.services.workspace import open_workspace

HEADERS = [column.header for column in CONTROL_COLUMNS]
MEMORY_LIMIT = 1 << 30
SECONDS = 30


def workbook_bytes(rows: list[list[object]], *, title: str = ALL_CONTROLS_SHEET) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(HEADERS[:2])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The archive with every part passed through *change(name, content)*."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def sheet_xml(change: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    return lambda name, content: change(content) if name == "xl/worksheets/sheet1.xml" else content


def zip_bomb() -> bytes:
    base = workbook_bytes([["A-1", "Access review"]])
    padding = b"<!--" + b"A" * (300 << 20) + b"-->"
    return rewrite(base, sheet_xml(lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>")))


def big_attribute() -> bytes:
    base = workbook_bytes([["A-1", "Access review"]])
    return rewrite(
        base,
        sheet_xml(lambda xml: xml.replace(b"<worksheet ", b'<worksheet x="' + b"9" * (40 << 20) + b'" ')),
    )


def many_entries() -> bytes:
    base = workbook_bytes([["A-1", "Access review"]])
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a") as archive:
        for number in range(2_100):
            archive.writestr(f"customXml/item{number}.xml", b"<a/>")
    return out.getvalue()


def lying_sizes() -> bytes:
    """An entry whose header declares a smaller size than it unpacks to."""
    base = bytearray(workbook_bytes([["A-1", "Access review"]]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(base)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    for offset in (info.header_offset + 22, base.rfind(b"xl/worksheets/sheet1.xml", 0, len(base)) - 46 + 24):
        base[offset : offset + 4] = (10).to_bytes(4, "little")
    return bytes(base)


def formula_without_value() -> bytes:
    base = workbook_bytes([["A-1", "Access review"], ["A-2", "placeholder"]])
    return rewrite(
        base,
        sheet_xml(
            lambda xml: xml.replace(
                b'<c r="B3" t="inlineStr"><is><t>placeholder</t></is></c>', b'<c r="B3"><f>UPPER(B2)</f></c>'
            ).replace(b'<c r="B3" t="s"><v>', b'<c r="B3"><f>UPPER(B2)</f><v hidden="')
        ),
    )


def encrypted() -> bytes:
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 4096


def renamed_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def zip_encrypted_entry() -> bytes:
    data = bytearray(workbook_bytes([["A-1", "Access review"]]))
    position = data.find(b"PK\x01\x02")
    while position != -1:  # set the "encrypted" flag in every central directory record
        data[position + 8] |= 1
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def far_cell() -> bytes:
    """One stray cell at the sheet's last position: a reader would build a grid of 17 billion cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = ALL_CONTROLS_SHEET
    sheet.append(HEADERS[:2])
    sheet.append(["A-1", "Access review"])
    sheet["XFD1048576"] = "stray"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def wide_rows_without_references() -> bytes:
    """Cells without ``r`` attributes: their positions are counted, 30,000 columns by 40,000 rows."""
    base = workbook_bytes([["A-1", "Access review"]])
    numbers = [int.from_bytes(os.urandom(4)) for _ in range(70_000)]
    wide = b"<row>" + b"".join(b"<c><v>%d</v></c>" % n for n in numbers[:30_000]) + b"</row>"
    rows = b"".join(b"<row><c><v>%d</v></c></row>" % n for n in numbers[30_000:])
    return rewrite(base, sheet_xml(lambda xml: xml.replace(b"</sheetData>", wide + rows + b"</sheetData>")))


def document_type() -> bytes:
    base = workbook_bytes([["A-1", "Access review"]])
    entities = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    return rewrite(base, sheet_xml(lambda xml: xml.replace(b"<worksheet", entities + b"<worksheet", 1)))


def unsupported_zip_version() -> bytes:
    """An entry needing zip version 17.0 (found by the fuzzing below): the zip reader cannot open it."""
    data = bytearray(workbook_bytes([["A-1", "Access review"]]))
    data[data.find(b"PK\x01\x02") + 6] = 170
    return bytes(data)


CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "zip-version.xlsx": (unsupported_zip_version, "damaged.*zip file version 17.0"),
    "far-cell.xlsx": (far_cell, "a cell at XFD1048576, beyond column GR"),
    "wide-rows.xlsx": (wide_rows_without_references, "beyond column GR"),
    "document-type.xlsx": (document_type, "declares a document type"),
    "zip-bomb.xlsx": (zip_bomb, "expands [0-9,]+ times"),
    "huge-attribute.xlsx": (big_attribute, "expands"),
    "many-parts.xlsx": (many_entries, "parts; a workbook of more than"),
    "lying-sizes.xlsx": (lying_sizes, "larger than it declares|damaged"),
    "formula.xlsx": (formula_without_value, "formulas without a saved result .*B3.*save it there first"),
    "encrypted.xlsx": (encrypted, "protected with a password|old Excel file"),
    "renamed.xlsx": (renamed_docx, "a Word document renamed"),
    "zip-encrypted.xlsx": (zip_encrypted_entry, "encrypted|damaged"),
    "empty.xlsx": (lambda: b"", "not an Excel workbook"),
}


def digest(folder: Path) -> str:
    connection_dump = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; print('\\n'.join(sqlite3.connect(sys.argv[1]).iterdump()))",
            str(folder / "workbench.db"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    return hashlib.sha256(connection_dump).hexdigest()


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT * 2, MEMORY_LIMIT * 2))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


def import_cli(data_dir: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--data-dir",
            str(data_dir),
            "controls",
            "import",
            "--engagement",
            "FY26",
            "--yes",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS * 2,
        preexec_fn=limited,
    )


@pytest.fixture
def engaged(data_dir: Path) -> Path:
    workspace = open_workspace(data_dir)
    engagement = create_engagement(workspace, name="FY26")
    add_control(workspace, engagement_id=engagement.id or 0, ref="KEEP-1", title="Kept")
    workspace.close()
    return data_dir


def test_every_hostile_workbook_is_refused_in_one_line_leaving_the_workspace_unchanged(
    engaged: Path, tmp_path: Path
) -> None:
    before = digest(engaged)
    paths = {}
    for name, (make, _pattern) in CORPUS.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(make())
    os.mkfifo(tmp_path / "pipe.xlsx")
    (tmp_path / "link-to-zero.xlsx").symlink_to("/dev/zero")
    expected = {name: pattern for name, (_make, pattern) in CORPUS.items()}
    expected["pipe.xlsx"] = "is a named pipe, not a file"
    expected["link-to-zero.xlsx"] = "is a device, not a file"
    for name, pattern in expected.items():
        started = time.monotonic()
        result = import_cli(engaged, tmp_path / name)
        elapsed = time.monotonic() - started
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, (name, result.stderr)
        assert re.search(pattern, result.stderr), (name, result.stderr)
        assert elapsed < SECONDS, name
    assert digest(engaged) == before


def test_rows_beyond_the_declared_dimension_are_read(tmp_path: Path) -> None:
    rows = [[f"A-{n}", f"Control {n}"] for n in range(1, 51)]
    data = rewrite(
        workbook_bytes(rows),
        sheet_xml(lambda xml: xml.replace(b"</sheetPr>", b'</sheetPr><dimension ref="A1:B3"/>', 1)),
    )
    assert b'ref="A1:B3"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    path = tmp_path / "short-dimension.xlsx"
    path.write_bytes(data)
    assert [control.ref for control in read_control_workbook(path).controls] == [
        f"A-{n}" for n in range(1, 51)
    ]


def test_a_sheet_starting_below_and_right_of_a1_is_read_with_its_own_cell_names(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = ALL_CONTROLS_SHEET
    sheet["C3"], sheet["D3"], sheet["E3"] = HEADERS[0], HEADERS[1], "Status"
    sheet["C4"], sheet["D4"], sheet["E4"] = "A-1", "Access review", "nonsense"
    path = tmp_path / "offset.xlsx"
    book.save(path)
    imported = read_control_workbook(path)
    assert [(error.row, error.column) for error in imported.errors] == [(4, "E")]


def test_open_regular_file_limits_and_kinds(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(UnreadableFileError, match="files over"):
        open_regular_file(big, 1000)
    with open_regular_file(big, 5000) as handle:
        assert len(handle.read()) == 2000
    with pytest.raises(UnreadableFileError, match="is a folder"):
        open_regular_file(tmp_path, 10)
    with pytest.raises(UnreadableFileError, match="is a device"):
        open_regular_file(Path("/dev/null"), 10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=4096),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
)
def test_fuzzed_files_are_refused_with_a_plain_error_or_read(
    tmp_path: Path, data: bytes, flips: list[tuple[int, int]]
) -> None:
    base = bytearray(workbook_bytes([["A-1", "Access review"], ["A-2", "Backups"]]) if flips else data)
    for position, value in flips:
        base[position % len(base)] = value
    path = tmp_path / "fuzzed.xlsx"
    path.write_bytes(bytes(base))
    small = ArchiveLimits(max_part_bytes=4 << 20, max_total_bytes=8 << 20)
    try:
        check_xlsx_archive(path, small)
        read_control_workbook(path)
    except (UnreadableFileError, UnreadableWorkbookError) as error:
        assert "\n" not in str(error)
