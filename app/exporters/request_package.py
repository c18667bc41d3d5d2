"""The request package: the evidence arranged by the auditor's request IDs, the list handed back, a manifest.

Layout (documented for the auditor in ``README.txt``)::

    README.txt
    MANIFEST.sha256                                    sha256sum output covering every other file
    <the auditor's file name>.xlsx                     their request list with the client's columns
    requests/<request ID>/<file name>                  the evidence provided for the request
    requests/<request ID>/sample <n> - <item>/<file>   the evidence for each item the auditor sampled

A file that serves several requests (or sampled items) is placed under each
of them: every request's folder holds everything provided for it, so the
auditor can work request by request without an index. The manifest lists
each copy. Only requests still in the auditor's list get a folder. The zip
itself is written by :func:`app.exporters.package.write_package`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.domain.evidence import EvidenceRow
from app.domain.files import safe_name
from app.domain.wording import counted

REQUESTS_FOLDER = "requests"


@dataclass(frozen=True, slots=True)
class PackagedRequest:
    """One request's evidence, and that of the items the auditor sampled for it.

    ``items`` holds ``(sample number, item, evidence)`` per sampled item.
    """

    request_ref: str
    evidence: Sequence[EvidenceRow] = ()
    items: Sequence[tuple[str, str, Sequence[EvidenceRow]]] = ()


def _unique(folder: str, file_name: str, taken: set[str]) -> str:
    stem, dot, suffix = safe_name(file_name).rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    candidate = f"{folder}/{stem}{dot}{suffix}"
    number = 2
    while candidate.casefold() in taken:
        candidate = f"{folder}/{stem} ({number}){dot}{suffix}"
        number += 1
    taken.add(candidate.casefold())
    return candidate


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one evidence file goes: its path in the package, for a request (and sampled item ``number``)."""

    path: str
    request_ref: str
    number: str | None
    evidence: EvidenceRow


def request_package_paths(requests: Sequence[PackagedRequest]) -> list[Placement]:
    """Every placement of evidence: under each request and sampled item it serves.

    Names that would collide in one folder get `` (2)``, `` (3)``... before
    the extension; two requests whose IDs make the same folder name share it.
    """
    taken: set[str] = set()
    placed: list[Placement] = []
    for request in requests:
        folder = f"{REQUESTS_FOLDER}/{safe_name(request.request_ref)}"
        for row in request.evidence:
            placed.append(Placement(_unique(folder, row.file_name, taken), request.request_ref, None, row))
        for number, item, evidence in request.items:
            label = safe_name(f"sample {number}" + (f" - {item}" if item else ""))[:80]
            for row in evidence:
                path = _unique(f"{folder}/{label}", row.file_name, taken)
                placed.append(Placement(path, request.request_ref, number, row))
    return placed


def request_readme_text(
    *,
    company: str,
    engagement: str,
    list_name: str,
    source_name: str,
    as_of: datetime,
    requests: int,
    files: int,
) -> str:
    """The note for the auditor that opens the request package."""
    width = len(list_name) + 2
    return (
        f"Request package — {company or engagement}\n"
        f"{'=' * 60}\n\n"
        f"Engagement: {engagement}\n"
        f"Your request list: {source_name}\n"
        f"Data as of: {as_of:%Y-%m-%d %H:%M} UTC (the last change to the engagement's records)\n\n"
        "Contents\n"
        "--------\n"
        f"{list_name:<{width}}your request list in your own layout, every cell as you sent it, with the\n"
        f"{'':<{width}}client's status, date provided, evidence file names and comments in the\n"
        f"{'':<{width}}columns added to the right (and evidence per sampled item on the samples sheet)\n"
        f"{'requests/':<{width}}one folder per request ID ({counted(requests, 'request')}, "
        f"{counted(files, 'file')} in all);\n"
        f'{"":<{width}}the evidence for each item you sampled is in a "sample <number>" folder\n'
        f"{'':<{width}}inside its request's folder\n\n"
        "A file that serves several requests is copied into the folder of each of them, so every\n"
        "request's folder is complete on its own; the manifest lists every copy.\n\n"
        "Checking that nothing was altered\n"
        "---------------------------------\n"
        "MANIFEST.sha256 lists the SHA-256 of every other file in the package. From the folder the\n"
        "package was unzipped into, run:\n\n"
        "    sha256sum -c MANIFEST.sha256        (Linux)\n"
        "    shasum -a 256 -c MANIFEST.sha256    (macOS)\n"
    )
