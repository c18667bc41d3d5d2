"""Handing the request list back: the auditor's workbook with our columns, and the request package.

Both are written from a :class:`~app.services.requests.RequestHandbackData`
read in one transaction (the export registry in :mod:`app.services.exports`
reads it with everything else an export shows).
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.evidence import EvidenceRow
from app.domain.fieldwork import SampleSource
from app.domain.files import safe_name
from app.evidence.store import ContentStore
from app.exporters.atomic import scratch_folder
from app.exporters.package import PackageFile, write_package
from app.exporters.request_package import PackagedRequest, request_package_paths, request_readme_text
from app.services.errors import InvalidInputError
from app.services.requests import RequestHandbackData

if TYPE_CHECKING:  # the workbook writer imports openpyxl, which start-up does without
    from app.exporters.request_workbook import RequestHandback, SampleHandback

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

NO_LIST = "import the auditor's request list first (Requests page, or: requests import)"


def _checked(handback: RequestHandbackData | None) -> RequestHandbackData:
    if handback is None:
        raise InvalidInputError(NO_LIST)
    return handback


def _evidence(handback: RequestHandbackData, ids: Sequence[int]) -> list[EvidenceRow]:
    return [handback.evidence[evidence_id] for evidence_id in ids if evidence_id in handback.evidence]


Names = Mapping[tuple[str, str | None, int], str]
"""(request ID, sample number or ``None``, evidence id) -> the name the list shows for the file."""


def _handbacks(
    handback: RequestHandbackData, names: Names | None = None
) -> tuple[list["RequestHandback"], list["SampleHandback"]]:
    """Our columns for each listed request and sampled item; evidence by *names* (else file names)."""
    from app.exporters.request_workbook import RequestHandback, SampleHandback

    def shown(ref: str, number: str | None, rows: Sequence[EvidenceRow]) -> tuple[str, ...]:
        return tuple((names or {}).get((ref, number, row.id), row.file_name) for row in rows)

    requests = [
        RequestHandback(
            row=row.request.row,
            status=row.status,
            date_provided=row.date_provided,
            evidence=shown(
                row.request.request_id, None, _evidence(handback, handback.request_evidence.get(row.id, ()))
            ),
            comments=row.notes,
        )
        for row in handback.requests
        if row.listed and row.request.row
    ]
    samples = [
        SampleHandback(
            row=item.row,
            evidence=shown(sample.request_ref or "", item.number, _evidence(handback, item.evidence_ids)),
        )
        for sample in handback.samples
        if sample.source is SampleSource.AUDITOR
        for item in sample.items
        if item.row is not None
    ]
    return requests, samples


def write_returned_list(
    handback: RequestHandbackData | None,
    target: Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    names: Names | None = None,
) -> None:
    """The auditor's workbook as they sent it, with our columns on each request's and sample's row."""
    from app.exporters.request_workbook import write_request_workbook

    handback = _checked(handback)
    requests, samples = _handbacks(handback, names)
    try:
        write_request_workbook(target, handback.original, requests, samples, progress=progress, cancel=cancel)
    except ValueError as error:
        raise InvalidInputError(f"the stored request list cannot be written back: {error}") from None


def returned_list_name(handback: RequestHandbackData) -> str:
    """The auditor's own file name, as an ``.xlsx``."""
    return f"{safe_name(Path(handback.request_list.file_name).stem)}.xlsx"


def _packaged(handback: RequestHandbackData) -> list[PackagedRequest]:
    items: dict[int, list[tuple[str, str, Sequence[EvidenceRow]]]] = {}
    for sample in handback.samples:
        if sample.request_id is None:
            continue
        for item in sample.items:
            if item.listed and item.evidence_ids:
                evidence = _evidence(handback, item.evidence_ids)
                items.setdefault(sample.request_id, []).append((item.number, item.item, evidence))
    return [
        PackagedRequest(
            row.request.request_id,
            _evidence(handback, handback.request_evidence.get(row.id, ())),
            items.get(row.id, []),
        )
        for row in handback.requests
        if row.listed
    ]


def write_request_package(
    handback: RequestHandbackData | None,
    target: Path,
    *,
    store: ContentStore,
    company: str,
    engagement: str,
    as_of: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """The zip of the evidence by request ID, the returned list and ``MANIFEST.sha256``, atomically."""
    handback = _checked(handback)
    placed = request_package_paths(_packaged(handback))
    names = {(p.request_ref, p.number, p.evidence.id): p.path for p in placed}
    list_name = returned_list_name(handback)
    with scratch_folder("request-package", beside=target.parent) as scratch:
        write_returned_list(handback, scratch / list_name, None, cancel, names=names)
        files = [PackageFile(list_name, data=(scratch / list_name).read_bytes())]
    for place in placed:
        sha256 = place.evidence.sha256
        files.append(
            PackageFile(
                place.path, opener=partial(store.open, sha256), size=place.evidence.size, sha256=sha256
            )
        )
    missing = [p.path for p in placed if not store.contains(p.evidence.sha256)]
    if missing:
        raise InvalidInputError(
            f"{len(missing)} stored evidence file(s) are missing (first: {missing[0]}); run Verify evidence"
        )
    readme = request_readme_text(
        company=company,
        engagement=engagement,
        list_name=list_name,
        source_name=handback.request_list.file_name,
        as_of=as_of,
        requests=sum(1 for row in handback.requests if row.listed),
        files=len(placed),
    )
    write_package(target, files, readme=readme, as_of=as_of, progress=progress, cancel=cancel)
