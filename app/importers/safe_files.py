"""Opening files to import without being harmed by them.

Every importer reads its file through :func:`open_regular_file` (a regular
file after resolving links, never a named pipe, device or socket, and no
larger than a limit) and checks a spreadsheet archive with
:func:`check_xlsx_archive` before any parser sees it: the number of entries,
each entry's declared and actual uncompressed size, the compression ratio and
the size of each XML part are bounded, and encrypted or renamed files are
refused with a message saying what the file is and what to do. Every refusal
is an :class:`UnreadableFileError` whose text is one plain line.
"""

import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from app.source_files import SourceFileError, display_path
from app.source_files import open_regular_file as _open_regular

MiB = 1 << 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound File Binary: an old .xls, or an .xlsx encrypted with a password."""
ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFileError(Exception):
    """The file cannot be imported; ``str(error)`` says why (and what to do) in one line."""


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much an .xlsx archive may hold before it is refused unread."""

    max_file_bytes: int = 100 * MiB
    max_entries: int = 2_000
    max_total_bytes: int = 1024 * MiB
    """The sum of the entries' uncompressed sizes."""
    max_part_bytes: int = 512 * MiB
    """One XML part uncompressed (a sheet of 100,000 wide rows is about 100 MiB)."""
    max_ratio: int = 200
    """Uncompressed size over compressed size, for entries larger than :attr:`ratio_floor_bytes`."""
    ratio_floor_bytes: int = 1 * MiB


DEFAULT_LIMITS = ArchiveLimits()


def open_regular_file(path: Path, max_bytes: int) -> BinaryIO:
    """The regular file *path* (links resolved) opened for reading, if at most *max_bytes* long.

    Named pipes, devices, sockets and folders are refused before anything is
    read, so an import never blocks on a pipe or reads an endless device.
    """
    try:
        fd, info = _open_regular(Path(path))
    except SourceFileError as error:
        raise UnreadableFileError(str(error)) from None
    if info.st_size > max_bytes:
        os.close(fd)
        raise UnreadableFileError(
            f"{display_path(path)} is {info.st_size / MiB:,.1f} MiB; files over {max_bytes / MiB:,.0f} MiB "
            "are not imported"
        )
    return os.fdopen(fd, "rb")


def _name(path: Path) -> str:
    return display_path(Path(path).name)


def check_xlsx_archive(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Refuse *path* unless it is a plain .xlsx archive within *limits*; reads every entry once.

    Checks, in order: a regular file within the size limit; not an encrypted
    or old-format workbook; a zip archive; an Excel workbook (not another
    Office document renamed); the entry count; for each entry, no encryption,
    the declared size, the compression ratio and the actual size while
    decompressing (declared sizes can lie).
    """
    name = _name(path)
    with open_regular_file(path, limits.max_file_bytes) as handle:
        magic = handle.read(8)
        if magic == OLE_MAGIC:
            raise UnreadableFileError(
                f"{name} is protected with a password or is an old-format .xls workbook; open it in a "
                "spreadsheet program, remove the password and save it as .xlsx, then import that copy"
            )
        if not magic.startswith(ZIP_MAGIC):
            raise UnreadableFileError(
                f"{name} is not an Excel workbook (.xlsx); save it as .xlsx and import that"
            )
        handle.seek(0)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise UnreadableFileError(f"{name} is a damaged .xlsx file ({error})") from None
        with archive:
            entries = archive.infolist()
            _check_kind(name, {entry.filename for entry in entries})
            if len(entries) > limits.max_entries:
                raise UnreadableFileError(
                    f"{name} holds {len(entries):,} parts, more than the {limits.max_entries:,} "
                    "a workbook may have; it was not read"
                )
            declared = sum(entry.file_size for entry in entries)
            if declared > limits.max_total_bytes:
                raise UnreadableFileError(
                    f"{name} unpacks to {declared / MiB:,.0f} MiB, more than the "
                    f"{limits.max_total_bytes / MiB:,.0f} MiB limit; it was not read"
                )
            total = 0
            for entry in entries:
                total += _check_entry(archive, entry, name, limits, limits.max_total_bytes - total)


def _check_kind(name: str, names: set[str]) -> None:
    if "xl/workbook.xml" in names:
        return
    if "word/document.xml" in names:
        what = "a Word document renamed to .xlsx"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation renamed to .xlsx"
    elif "[Content_Types].xml" in names:
        what = "an Office file that is not an Excel workbook"
    else:
        what = "a zip archive, not an Excel workbook"
    raise UnreadableFileError(f"{name} is {what}; export the workbook from SOC Workbench and import that")


def _check_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, limits: ArchiveLimits, room: int
) -> int:
    """Check one entry, decompressing it; returns its actual size."""
    if entry.flag_bits & 0x1:
        raise UnreadableFileError(
            f"{name} is encrypted; open it in a spreadsheet program, remove the password and save it again"
        )
    limit = min(limits.max_part_bytes, room)
    if entry.file_size > limit:
        raise UnreadableFileError(
            f"the part {entry.filename} of {name} unpacks to {entry.file_size / MiB:,.0f} MiB, more than the "
            f"{limit / MiB:,.0f} MiB limit; it was not read"
        )
    if entry.file_size > limits.ratio_floor_bytes and entry.file_size > limits.max_ratio * max(
        entry.compress_size, 1
    ):
        ratio = entry.file_size // max(entry.compress_size, 1)
        raise UnreadableFileError(
            f"the part {entry.filename} of {name} is compressed {ratio:,} to 1, more than the "
            f"{limits.max_ratio} to 1 a workbook has; it was not read"
        )
    actual = 0
    try:
        with archive.open(entry) as reader:
            while chunk := reader.read(MiB):
                actual += len(chunk)
                if actual > entry.file_size or actual > limit:
                    raise UnreadableFileError(
                        f"the part {entry.filename} of {name} is larger than it declares; it was not read"
                    )
    except UnreadableFileError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as error:
        raise UnreadableFileError(f"{name} is a damaged .xlsx file ({error})") from None
    return actual


def sheet_part(path: Path, sheet_name: str) -> str | None:
    """The archive path of the worksheet called *sheet_name* (any letter case), or ``None``."""
    with open_regular_file(path, DEFAULT_LIMITS.max_file_bytes) as handle, zipfile.ZipFile(handle) as archive:
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


def formulas_without_values(path: Path, part: str, *, most: int = 20) -> list[str]:
    """Cells (``B7``) of the worksheet *part* that hold a formula but no saved result, at most *most*.

    A program that writes formulas without computing them (a script, some
    converters) leaves such cells; reading them as empty would erase fields.
    Parts without any formula are skipped after a byte search.
    """
    with open_regular_file(path, DEFAULT_LIMITS.max_file_bytes) as handle, zipfile.ZipFile(handle) as archive:
        if not any(b"<f" in chunk or b":f" in chunk for chunk in _chunks(archive, part)):
            return []
        return _scan_formulas(archive, part, most)


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    with archive.open(part) as reader:
        previous = b""
        while chunk := reader.read(MiB):
            yield previous[-2:] + chunk
            previous = chunk


def _scan_formulas(archive: zipfile.ZipFile, part: str, most: int) -> list[str]:
    cells: list[str] = []
    state: dict[str, object] = {"cell": None, "formula": False, "value": False}
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if local == "c":
            state.update(cell=attributes.get("r", "?"), formula=False, value=False)
        elif local == "f":
            state["formula"] = True
        elif local in ("v", "is"):
            state["value"] = True

    def end(tag: str) -> None:
        if tag.rpartition("}")[2] == "c" and state["formula"] and not state["value"]:
            cells.append(str(state["cell"]))
            if len(cells) >= most:
                raise _Enough

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with archive.open(part) as reader:
            parser.ParseFile(reader)
    except _Enough:
        pass
    except expat.ExpatError as error:
        raise UnreadableFileError(f"the sheet {part} cannot be read ({error})") from None
    return cells


class _Enough(Exception):
    """Stops a scan once enough cells are found."""
