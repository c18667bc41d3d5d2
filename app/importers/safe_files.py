"""Opening a file the user points an importer at, without being harmed by it.

Every importer reads its input through here first:

- :func:`open_regular_file` opens only a regular file (a link is followed, and
  what it leads to is checked), never a named pipe, device or folder, and
  refuses a file over a size limit, so a FIFO cannot block the app and a link
  to an endless device cannot fill its memory;
- :func:`check_xlsx_archive` looks inside an ``.xlsx`` before any spreadsheet
  library parses it: the number of entries, their declared and actual sizes,
  how far each one expands, and the size of every XML part, so a small file
  cannot cost gigabytes or minutes. It also tells an encrypted workbook, an
  old ``.xls`` file and a file that is no spreadsheet at all apart.

Each refusal is one :class:`UnreadableFileError` whose message names the file
and the limit in plain words.
"""

import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, BinaryIO
from xml.parsers import expat

from app.domain.files import human_size

MB = 1024 * 1024
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of a compound document: an old ``.xls`` file, or an ``.xlsx`` locked with a password."""
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
"""The stream a password-protected ``.xlsx`` keeps its content in."""
XML_SUFFIXES = (".xml", ".rels", ".vml")
OTHER_OFFICE_PARTS = (
    ("word/document.xml", "Word document"),
    ("ppt/presentation.xml", "PowerPoint presentation"),
)


class UnreadableFileError(Exception):
    """The file cannot be read safely, or is not what it should be; the message is one plain line."""


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What an ``.xlsx`` may hold before it is parsed.

    ``max_ratio`` applies to entries that expand beyond ``ratio_floor``
    bytes (tiny parts compress oddly and cost nothing).
    """

    max_entries: int = 1_000
    max_total_bytes: int = 200 * MB
    max_part_bytes: int = 50 * MB
    max_ratio: int = 100
    ratio_floor: int = 1 * MB
    max_file_bytes: int = 20 * MB


WORKBOOK_LIMITS = ArchiveLimits(
    max_entries=2_000,
    max_total_bytes=1024 * MB,
    max_part_bytes=512 * MB,
    max_ratio=200,
    max_file_bytes=100 * MB,
)
"""The control matrix workbook's limits: 100,000 wide rows make a sheet of about 100 MB."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular_file(path: Path, max_bytes: int) -> BinaryIO:
    """*path* opened for reading in binary, when it (or what its links lead to) is a regular file.

    The file is opened without blocking and checked on the open handle, so a
    named pipe swapped in at the last moment is refused rather than waited
    on. Raises :class:`UnreadableFileError` for anything else, for a missing
    or unreadable file, and for a file larger than *max_bytes*. A caller
    should still read at most ``max_bytes + 1`` bytes (the file may grow).
    """
    name = Path(path).name
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFileError(f"{name} does not exist (or is a link to nothing)") from None
    except PermissionError:
        raise UnreadableFileError(f"{name} cannot be read: permission denied") from None
    except OSError as error:
        raise UnreadableFileError(f"{name} cannot be opened: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(f"{name} is {_kind(info.st_mode)}, not a file; choose the file itself")
        if info.st_size > max_bytes:
            raise UnreadableFileError(
                f"{name} is {human_size(info.st_size)}; files over {human_size(max_bytes)} are not read"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The whole content of the regular file *path*, at most *max_bytes* (see :func:`open_regular_file`)."""
    with open_regular_file(path, max_bytes) as handle:
        try:
            content = handle.read(max_bytes + 1)
        except OSError as error:
            raise UnreadableFileError(
                f"{Path(path).name} cannot be read: {error.strerror or error}"
            ) from None
    if len(content) > max_bytes:
        raise UnreadableFileError(
            f"{Path(path).name} grew past {human_size(max_bytes)} while being read; "
            "files that large are not read"
        )
    return content


def _not_a_zip_message(name: str, head: bytes, content: bytes | None) -> str:
    if head == CFB_SIGNATURE:
        if content is not None and ENCRYPTED_PACKAGE in content:
            return f"{name} is protected with a password; save a copy without the password and import that"
        return f"{name} is an old Excel file (.xls) or another Office file; save it as .xlsx and import that"
    if head.startswith(b"PK"):
        return f"{name} is a damaged .xlsx file; open it in a spreadsheet program and save it again"
    return f"{name} is not an Excel workbook (.xlsx); save it as .xlsx in a spreadsheet program first"


def _read_through(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
    """Expand *entry* (never past its declared size): it must hold exactly that, with its checksum."""
    problem = f"{name}: the part {entry.filename} does not hold what it declares"
    harm = "the file is damaged or built to harm"
    size = 0
    try:
        with archive.open(entry) as stream:
            while block := stream.read(1 * MB):
                size += len(block)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as error:
        raise UnreadableFileError(f"{problem} ({error}); {harm}") from None
    if size != entry.file_size:
        raise UnreadableFileError(f"{problem}; {harm}")


def check_xlsx_archive(path: Path | BinaryIO, limits: ArchiveLimits, *, name: str = "") -> None:
    """Refuse an ``.xlsx`` (path or open binary file) that is no workbook or would cost too much to parse.

    Checks, before any spreadsheet library sees the file: it is a zip archive
    (else: password-protected, old ``.xls`` or something else, each said so);
    it has ``[Content_Types].xml`` and ``xl/workbook.xml``; at most
    ``max_entries`` entries, no entry named twice, none encrypted; each entry's
    declared size within the limits and its content expanding to exactly that
    size with the right checksum (the zip reader never expands an entry past
    its declared size, so the declared sizes bound the work); no XML part
    over ``max_part_bytes``; all entries together under ``max_total_bytes``;
    no entry expanding more than ``max_ratio`` times. A path is opened with
    :func:`open_regular_file`. *name* names the file in messages (default:
    the path's name).
    """
    if isinstance(path, str | os.PathLike):
        with open_regular_file(Path(path), limits.max_total_bytes) as handle:
            _check_open_archive(handle, limits, name or Path(path).name)
    else:
        _check_open_archive(path, limits, name or "the file")


def _check_open_archive(source: BinaryIO, limits: ArchiveLimits, name: str) -> None:
    try:
        source.seek(0)
        head = source.read(len(CFB_SIGNATURE))
        content = head + source.read(limits.max_total_bytes) if head == CFB_SIGNATURE else None
        source.seek(0)
        if not zipfile.is_zipfile(source):
            raise UnreadableFileError(_not_a_zip_message(name, head, content))
        with zipfile.ZipFile(source) as archive:
            _check_entries(archive, limits, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as error:
        raise UnreadableFileError(f"{name} is a damaged workbook: {error}") from None
    except OSError as error:
        raise UnreadableFileError(f"{name} cannot be read: {error.strerror or error}") from None
    finally:
        source.seek(0)


def _check_entries(archive: zipfile.ZipFile, limits: ArchiveLimits, name: str) -> None:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise UnreadableFileError(
            f"{name} holds {len(entries):,} parts; a workbook of more than {limits.max_entries:,} is not read"
        )
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise UnreadableFileError(f"{name} is a damaged workbook: a part appears twice in it")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        other = next((kind for part, kind in OTHER_OFFICE_PARTS if part in names), None)
        if other is not None:
            raise UnreadableFileError(f"{name} is a {other} renamed to .xlsx, not an Excel workbook")
        raise UnreadableFileError(f"{name} is a zip archive but not an Excel workbook (.xlsx)")
    declared_total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnreadableFileError(
                f"{name} is encrypted; save a copy without the password and import that"
            )
        limit = limits.max_part_bytes if entry.filename.endswith(XML_SUFFIXES) else limits.max_total_bytes
        if entry.file_size > limit:
            raise UnreadableFileError(
                f"{name}: the part {entry.filename} expands to {human_size(entry.file_size)}; "
                f"parts over {human_size(limit)} are not read"
            )
        declared_total += entry.file_size
        if declared_total > limits.max_total_bytes:
            raise UnreadableFileError(
                f"{name} expands to more than {human_size(limits.max_total_bytes)}; "
                "workbooks that large are not read"
            )
        ratio = entry.file_size // max(entry.compress_size, 1)
        if entry.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise UnreadableFileError(
                f"{name}: the part {entry.filename} expands {ratio:,} times; "
                f"parts expanding more than {limits.max_ratio} times are not read"
            )
        _read_through(archive, entry, name)


def sheet_part(path: Path, sheet_name: str) -> str | None:
    """The archive path of the worksheet called *sheet_name* (any letter case), or ``None``."""
    with (
        open_regular_file(path, WORKBOOK_LIMITS.max_file_bytes) as handle,
        zipfile.ZipFile(handle) as archive,
    ):
        sheets = _attributes(archive, "xl/workbook.xml", "sheet")
        relations = _attributes(archive, "xl/_rels/workbook.xml.rels", "Relationship")
    wanted = sheet_name.casefold()
    targets = {item.get("Id"): item.get("Target", "") for item in relations}
    for sheet in sheets:
        if sheet.get("name", "").casefold() != wanted:
            continue
        relation = next((v for k, v in sheet.items() if k.endswith("}id") or k == "r:id"), None)
        target = targets.get(relation, "")
        if not target:
            return None
        return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _attributes(archive: zipfile.ZipFile, part: str, element: str) -> list[dict[str, str]]:
    """The attributes of every *element* in the (small, already checked) XML *part*."""
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag.rpartition("}")[2] == element:
            found.append(attributes)

    parser.StartElementHandler = start
    try:
        with archive.open(part) as reader:
            parser.ParseFile(reader)
    except (KeyError, expat.ExpatError) as error:
        raise UnreadableFileError(f"the workbook's {part} cannot be read ({error})") from None
    return found


@dataclass(frozen=True, slots=True)
class SheetScan:
    """What one pass over a worksheet part found, before a spreadsheet library reads it.

    ``rows`` and ``columns`` are the farthest cell positions (counted as a
    reader counts them, with or without ``r`` attributes), so the size of the
    grid a reader would build is known before it builds it; ``farthest``
    names the cell farthest right. ``formulas_without_values`` lists cells
    (``B7``) holding a formula but no saved result, at most the scan's *most*.
    """

    rows: int
    columns: int
    farthest: str
    formulas_without_values: tuple[str, ...]


def scan_sheet(path: Path, part: str, *, most: int = 20) -> SheetScan:
    """Scan the worksheet *part* of the (already checked) workbook at *path* with expat.

    A program that writes formulas without computing them (a script, some
    converters) leaves cells without a result; reading them as empty would
    erase fields. A stray cell far out (``XFD1048576``) would make a reader
    build a grid of billions of cells; the scan finds it first. Formulas are
    looked for only in a part whose bytes hold a formula element.
    """
    with (
        open_regular_file(path, WORKBOOK_LIMITS.max_file_bytes) as handle,
        zipfile.ZipFile(handle) as archive,
    ):
        with archive.open(part) as reader:
            formulas = any(b"<f" in chunk or b":f" in chunk for chunk in _chunks(reader))
        return _scan(archive, part, most if formulas else 0)


def _chunks(reader: IO[bytes]) -> Iterator[bytes]:
    """The stream in blocks, each beginning with the last bytes of the one before (for searches)."""
    previous = b""
    while chunk := reader.read(MB):
        yield previous[-2:] + chunk
        previous = chunk


_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]+)")


@cache
def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _scan(archive: zipfile.ZipFile, part: str, most: int) -> SheetScan:
    """One expat pass over *part*: the farthest row and column, and up to *most* formulas without a
    result (none looked for when *most* is 0)."""
    found: list[str] = []
    at = {"row": 0, "column": 0, "rows": 0, "columns": 0}
    farthest = ["A1"]
    cell: dict[str, object] = {"name": "?", "formula": False, "value": False}
    parser = expat.ParserCreate()
    reference = _REFERENCE.fullmatch

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "c":
            name = attributes.get("r", "")
            match = reference(name)
            if match is None:
                if name:
                    raise UnreadableFileError(
                        f"the sheet {part} names a cell {name[:20]!r}, which is no cell"
                    )
                at["column"] += 1
            else:
                at["row"], at["column"] = int(match[2]), _column_number(match[1])
            if at["column"] > at["columns"]:
                at["columns"] = at["column"]
                farthest[0] = name or f"column {at['column']:,} of row {at['row']:,}"
            if at["row"] > at["rows"]:
                at["rows"] = at["row"]
            if most:
                cell.update(name=name or "?", formula=False, value=False)
        elif local == "row":
            number = attributes.get("r", "")
            at["row"] = int(number) if number.isdigit() else at["row"] + 1
            at["column"] = 0
        elif local == "f":
            cell["formula"] = True
        elif local in ("v", "is"):
            cell["value"] = True

    def end(tag: str) -> None:
        if tag.rpartition(":")[2] == "c" and cell["formula"] and not cell["value"] and len(found) < most:
            found.append(str(cell["name"]))

    def doctype(*_args: object) -> None:
        raise UnreadableFileError(f"the sheet {part} declares a document type, which no workbook does")

    parser.StartElementHandler = start
    if most:
        parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(part) as reader:
            parser.ParseFile(reader)
    except (expat.ExpatError, ValueError) as error:
        raise UnreadableFileError(f"the sheet {part} cannot be read ({error})") from None
    return SheetScan(at["rows"], at["columns"], farthest[0], tuple(found))
