"""The evidence package for the auditor: one deterministic zip with a SHA-256 manifest.

Layout (documented for the auditor in ``README.txt``), all in one folder
named after the engagement and the date of its data, so unpacking several
packages side by side never mixes them::

    <engagement> - evidence <YYYY-MM-DD>/
        README.txt
        MANIFEST.sha256            sha256sum output covering every other file
        workbook.xlsx              the control matrix workbook
        readiness-checklist.pdf
        evidence-index.pdf
        scoping-memo.pdf           when the scoping wizard was run
        system-description.pdf     and .docx, when a report is in scope
        evidence/<control ref>/<file name>

Each evidence file is stored once, under the first of its controls in ref
order (``evidence/_unlinked/`` when it has none); the workbook's and the PDF
index's evidence lists give every control it belongs to and its path here.
Zip entries carry the engagement's last data change as their date, in a fixed
order, so an unchanged engagement gives a byte-identical package.
"""

import hashlib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from io import BufferedIOBase
from pathlib import Path

from app.domain.evidence import EvidenceRow
from app.domain.files import safe_name
from app.exporters.atomic import atomic_path
from app.exporters.errors import ExportCancelled
from app.exporters.progress import Cancel, Progress

CHUNK = 1 << 20
MANIFEST_NAME = "MANIFEST.sha256"
README_NAME = "README.txt"
UNLINKED_FOLDER = "_unlinked"


def package_folder(engagement: str, day: date) -> str:
    """The package's one top-level folder: ``Northbeam 2026 - evidence 2026-06-30``."""
    return f"{safe_name(engagement)} - evidence {day.isoformat()}"


def manifest_entry(names: Iterable[str]) -> str:
    """The manifest's path among a package's entries (inside its top-level folder)."""
    return next(name for name in names if name == MANIFEST_NAME or name.endswith("/" + MANIFEST_NAME))


class PackageIntegrityError(Exception):
    """A stored evidence file no longer matches its recorded SHA-256; the package was not written."""


Opener = Callable[[], AbstractContextManager[BufferedIOBase]]
"""Opens stored content for reading (an evidence store's ``open``, bound to one hash)."""


@dataclass(frozen=True, slots=True)
class PackageFile:
    """One file of the package: its path inside the zip and where its bytes come from: *data*,
    or content read in chunks through *opener* (*size* bytes, for the progress)."""

    path: str
    data: bytes | None = None
    opener: Opener | None = None
    size: int = 0
    sha256: str | None = None
    """For evidence: the recorded hash the content must still have."""


def evidence_paths(rows: Sequence[EvidenceRow]) -> dict[int, str]:
    """Evidence id -> its path in the package (``evidence/<first control ref>/<file name>``).

    Names that would collide in one folder get `` (2)``, `` (3)``... before the extension.
    """
    taken: set[str] = set()
    paths: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: r.id):
        folder = safe_name(sorted(row.controls)[0]) if row.controls else UNLINKED_FOLDER
        stem, dot, suffix = safe_name(row.file_name).rpartition(".")
        if not dot:
            stem, suffix = suffix, ""
        candidate = f"evidence/{folder}/{stem}{dot}{suffix}"
        number = 2
        while candidate.casefold() in taken:
            candidate = f"evidence/{folder}/{stem} ({number}){dot}{suffix}"
            number += 1
        taken.add(candidate.casefold())
        paths[row.id] = candidate
    return paths


def _entry(path: str, as_of: datetime, *, stored: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=as_of.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def write_package(
    target: Path,
    files: Sequence[PackageFile],
    *,
    readme: str,
    as_of: datetime,
    folder: str = "",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> str:
    """Write the zip atomically, every file inside *folder* (when given), and return the SHA-256 of
    its manifest. The manifest's paths are relative to *folder*: ``sha256sum -c`` runs inside it.

    Evidence content is hashed while it is copied in; a file that no longer
    matches its recorded hash stops the export with
    :class:`PackageIntegrityError` and nothing is written.
    """
    ordered = sorted(files, key=lambda f: f.path)
    total = sum(len(f.data) if f.data is not None else f.size for f in ordered)
    done = 0
    lines: list[str] = []
    inside = f"{folder}/" if folder else ""
    with atomic_path(target) as temporary, zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
        readme_bytes = readme.encode("utf-8")
        archive.writestr(_entry(inside + README_NAME, as_of, stored=False), readme_bytes)
        lines.append(f"{hashlib.sha256(readme_bytes).hexdigest()}  {README_NAME}")
        for item in ordered:
            if cancel is not None and cancel():
                raise ExportCancelled("export cancelled")
            digest = hashlib.sha256()
            if item.data is not None:
                digest.update(item.data)
                archive.writestr(_entry(inside + item.path, as_of, stored=False), item.data)
                done += len(item.data)
            else:
                assert item.opener is not None
                with (
                    item.opener() as reader,
                    archive.open(_entry(inside + item.path, as_of, stored=True), "w") as writer,
                ):
                    while chunk := reader.read(CHUNK):
                        digest.update(chunk)
                        writer.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, total)
                        if cancel is not None and cancel():
                            raise ExportCancelled("export cancelled")
            if item.sha256 is not None and digest.hexdigest() != item.sha256:
                raise PackageIntegrityError(
                    f"the stored copy of {item.path} no longer matches its SHA-256; run Verify evidence"
                )
            lines.append(f"{digest.hexdigest()}  {item.path}")
            if progress is not None:
                progress(done, total)
        manifest = ("\n".join(sorted(lines, key=lambda line: line[66:])) + "\n").encode("utf-8")
        archive.writestr(_entry(inside + MANIFEST_NAME, as_of, stored=False), manifest)
    return hashlib.sha256(manifest).hexdigest()


WINDOWS_CHECK = (
    "Get-Content MANIFEST.sha256 | ForEach-Object { $hash, $file = $_ -split '  ', 2; "
    'if ((Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash -eq $hash) { "OK: $file" } '
    'else { "FAILED: $file" } }'
)
"""PowerShell's check of the manifest (``Get-FileHash`` prints upper case; ``-eq`` ignores case)."""


def readme_text(
    company: str,
    engagement: str,
    scope: str,
    as_of: datetime,
    evidence_count: int,
    contents: Sequence[tuple[str, str]],
    *,
    note: str = "",
) -> str:
    """The note for the auditor that opens the package; *contents* are (file name, what it holds).

    A *note* (that the engagement is a demo, say) stands under the title.
    """
    width = max([len(name) for name, _ in contents] + [len("evidence/")]) + 2
    listed = "".join(f"{name:<{width}}{about}\n" for name, about in contents)
    return (
        f"Evidence package — {company or engagement}\n"
        f"{'=' * 60}\n\n" + (f"{note}\n\n" if note else "") + f"Engagement: {engagement}\n"
        f"Scope: {scope}\n"
        f"Data as of: {as_of:%Y-%m-%d %H:%M} UTC (the last change to the engagement's records)\n\n"
        "Contents\n"
        "--------\n"
        f"{listed}"
        f"{'evidence/':<{width}}the {evidence_count} evidence files, each under the first control it is "
        "linked to\n"
        f"{'':<{width}}(evidence/_unlinked/ when none); the evidence index lists every control a file\n"
        f"{'':<{width}}belongs to and its path here\n\n"
        "Checking that nothing was altered\n"
        "---------------------------------\n"
        "MANIFEST.sha256 lists the SHA-256 of every other file in the package. Open a terminal in this\n"
        "folder (the one holding this README) and run the line for your computer; every file should\n"
        "say OK.\n\n"
        "Linux:\n"
        "    sha256sum -c MANIFEST.sha256\n\n"
        "macOS (Terminal):\n"
        "    shasum -a 256 -c MANIFEST.sha256\n\n"
        "Windows (PowerShell):\n"
        f"    {WINDOWS_CHECK}\n\n"
        "Each evidence file's SHA-256 is also printed in the evidence index, and was recorded when the\n"
        "file was first added, so a copy can be traced back to the original.\n"
    )
