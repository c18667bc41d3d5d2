"""Reading an engagement bundle (``.socwb``, see :mod:`app.exporters.bundle`) without being harmed by it.

:func:`read_bundle` checks everything before anything is written: the file
is a regular file and a zip archive; it holds only ``engagement.json`` and
``evidence/<sha256>`` entries (a name that climbs out with ``..``, is
absolute, uses backslashes or a drive letter, a link, a folder or a special
file is refused, naming it); the number of entries, their declared and
actual sizes and how far each expands are within :data:`BUNDLE_LIMITS`; the
data is the format we write; and every evidence file has exactly the size
and SHA-256 its name and the list say. Each refusal is one
:class:`UnreadableBundleError` whose message names the file and the reason.
"""

import hashlib
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from app.domain.bundle_format import DATA_NAME, EVIDENCE_FOLDER, FORMAT, FORMAT_VERSION
from app.domain.files import human_size
from app.importers.safe_files import MB, ArchiveLimits, UnreadableFileError, open_regular_file

BUNDLE_LIMITS = ArchiveLimits(
    max_entries=200_000,
    max_total_bytes=64 * 1024 * MB,
    max_part_bytes=512 * MB,
    max_ratio=200,
    ratio_floor=1 * MB,
    max_file_bytes=64 * 1024 * MB,
)
"""A bundle's limits: ``max_part_bytes`` bounds ``engagement.json``, the others the whole archive."""

_EVIDENCE_NAME = re.compile(rf"{EVIDENCE_FOLDER}(?P<sha256>[0-9a-f]{{64}})")
_DRIVE = re.compile(r"[A-Za-z]:")


class UnreadableBundleError(Exception):
    """The bundle cannot be imported safely, or is not one; the message is one plain line."""


@dataclass(frozen=True, slots=True)
class CheckedBundle:
    """A bundle that passed every check: its schema revision, engagement name, rows and evidence."""

    path: Path
    schema: str
    engagement_name: str
    rows: dict[str, list[dict[str, Any]]]
    references: dict[str, dict[str, dict[str, Any]]]
    evidence: dict[str, int]
    """SHA-256 -> size, each verified against the archive's content."""


def unsafe_name(name: str) -> str | None:
    """Why an entry name could write outside the place it is meant for, or ``None`` when it is safe."""
    if "\\" in name:
        return "uses backslashes"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "names a drive"
    if ".." in name.split("/"):
        return "climbs out of its folder (..)"
    if "\0" in name:
        return "holds a NUL character"
    return None


def _entry_kind(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is no plain file (a link, a folder, a special file), or ``None``."""
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISLNK(mode):
        return "is a link"
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        return "is a special file"
    return None


def read_bundle(path: Path, limits: ArchiveLimits = BUNDLE_LIMITS) -> CheckedBundle:
    """The bundle at *path*, checked in full (see the module); raises :class:`UnreadableBundleError`."""
    name = path.name
    try:
        with open_regular_file(path, limits.max_file_bytes) as handle:
            return _read(handle, path, name, limits)
    except UnreadableFileError as error:
        raise UnreadableBundleError(str(error)) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        zlib.error,
        ValueError,
        NotImplementedError,
    ) as error:
        raise UnreadableBundleError(
            f"{name} is damaged or incomplete ({error}); nothing was imported"
        ) from None
    except OSError as error:
        raise UnreadableBundleError(f"{name} cannot be read: {error.strerror or error}") from None


def _read(handle: BinaryIO, path: Path, name: str, limits: ArchiveLimits) -> CheckedBundle:
    if not zipfile.is_zipfile(handle):
        raise UnreadableBundleError(
            f"{name} is not an engagement bundle (or it is incomplete); nothing was imported"
        )
    handle.seek(0)
    with zipfile.ZipFile(handle) as archive:
        entries = _check_entries(archive, name, limits)
        document = _document(archive, entries.pop(DATA_NAME), name)
        listed = _listed_evidence(document, name)
        if set(listed) != set(entries):
            missing = sorted(set(listed) - set(entries)) or sorted(set(entries) - set(listed))
            raise UnreadableBundleError(
                f"{name}: the evidence list and the files it holds disagree (first: {missing[0][:12]}…); "
                "the bundle is damaged"
            )
        for sha256, info in entries.items():
            _verify(archive, info, sha256, listed[sha256], name)
    return CheckedBundle(
        path, document["schema"], document["engagement"], document["rows"], document["references"], listed
    )


def _check_entries(archive: zipfile.ZipFile, name: str, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
    """The data entry and the evidence entries by hash, once every entry passed the checks."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise UnreadableBundleError(
            f"{name} holds {len(infos):,} entries; bundles of more than {limits.max_entries:,} are not read"
        )
    found: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        reason = unsafe_name(info.filename) or _entry_kind(info)
        if reason is not None:
            raise UnreadableBundleError(f"{name}: the entry {info.filename!r} {reason}; nothing was imported")
        match = _EVIDENCE_NAME.fullmatch(info.filename)
        key = match["sha256"] if match else info.filename
        if info.filename != DATA_NAME and match is None:
            raise UnreadableBundleError(
                f"{name}: the entry {info.filename!r} does not belong in a bundle; nothing was imported"
            )
        if key in found:
            raise UnreadableBundleError(
                f"{name}: the entry {info.filename!r} appears twice; the bundle is damaged"
            )
        if info.flag_bits & 0x1:
            raise UnreadableBundleError(f"{name} is encrypted; bundles are never encrypted by SOC Workbench")
        _check_size(info, name, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnreadableBundleError(
                f"{name} expands to more than {human_size(limits.max_total_bytes)}; "
                "bundles that large are not read"
            )
        found[key] = info
    if DATA_NAME not in found:
        raise UnreadableBundleError(f"{name} is not an engagement bundle: it has no {DATA_NAME}")
    return found


def _check_size(info: zipfile.ZipInfo, name: str, limits: ArchiveLimits) -> None:
    limit = limits.max_part_bytes if info.filename == DATA_NAME else limits.max_total_bytes
    if info.file_size > limit:
        raise UnreadableBundleError(
            f"{name}: {info.filename} expands to {human_size(info.file_size)}; "
            f"entries over {human_size(limit)} are not read"
        )
    ratio = info.file_size // max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
        raise UnreadableBundleError(
            f"{name}: {info.filename} expands {ratio:,} times; "
            f"entries expanding more than {limits.max_ratio} times are not read"
        )


def _document(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> dict[str, Any]:
    with archive.open(info) as stream:
        raw = stream.read(info.file_size + 1)
    if len(raw) != info.file_size:
        raise UnreadableBundleError(
            f"{name}: {DATA_NAME} does not hold what it declares; the bundle is damaged"
        )
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise UnreadableBundleError(
            f"{name}: {DATA_NAME} cannot be read ({error}); the bundle is damaged"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UnreadableBundleError(f"{name} is not an engagement bundle")
    if document.get("format_version") != FORMAT_VERSION:
        raise UnreadableBundleError(
            f"{name} was written by another version of SOC Workbench "
            f"(bundle format {document.get('format_version')!r}); update SOC Workbench to import it"
        )
    shapes = {"schema": str, "engagement": str, "rows": dict, "references": dict, "evidence": list}
    for key, kind in shapes.items():
        if not isinstance(document.get(key), kind):
            raise UnreadableBundleError(f"{name}: {DATA_NAME} lacks a valid {key!r}; the bundle is damaged")
    for table, rows in document["rows"].items():
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise UnreadableBundleError(
                f"{name}: the rows of {table!r} are not a list of records; the bundle is damaged"
            )
    return document


def _listed_evidence(document: dict[str, Any], name: str) -> dict[str, int]:
    listed: dict[str, int] = {}
    for item in document["evidence"]:
        sha256 = item.get("sha256") if isinstance(item, dict) else None
        size = item.get("size") if isinstance(item, dict) else None
        if (
            not isinstance(sha256, str)
            or not re.fullmatch("[0-9a-f]{64}", sha256)
            or not isinstance(size, int)
        ):
            raise UnreadableBundleError(f"{name}: the evidence list is not valid; the bundle is damaged")
        listed[sha256] = size
    for row in document["rows"].get("evidence", []):
        if row.get("sha256") not in listed:
            raise UnreadableBundleError(
                f"{name}: evidence {row.get('title')!r} has no file in the bundle; the bundle is damaged"
            )
    return listed


def _verify(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sha256: str, size: int, name: str) -> None:
    """The entry must hold exactly *size* bytes hashing to *sha256*."""
    digest = hashlib.sha256()
    count = 0
    with archive.open(info) as stream:
        while block := stream.read(MB):
            digest.update(block)
            count += len(block)
    if count != size or info.file_size != size or digest.hexdigest() != sha256:
        raise UnreadableBundleError(
            f"{name}: the evidence file {sha256[:12]}… does not match its SHA-256 or size; "
            "the bundle is damaged or was changed, and nothing was imported"
        )


def extract_evidence(path: Path, sha256: str, target: Path) -> None:
    """Copy the evidence entry *sha256* of the (checked) bundle at *path* to the new file *target*."""
    try:
        with (
            open_regular_file(path, BUNDLE_LIMITS.max_file_bytes) as handle,
            zipfile.ZipFile(handle) as archive,
            archive.open(f"{EVIDENCE_FOLDER}{sha256}") as stream,
            target.open("xb") as out,
        ):
            while block := stream.read(MB):
                out.write(block)
    except (UnreadableFileError, zipfile.BadZipFile, KeyError, zlib.error) as error:
        raise UnreadableBundleError(
            f"{path.name} changed while it was being imported ({error}); nothing was imported"
        ) from None
