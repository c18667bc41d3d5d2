"""Writing an engagement bundle (``.socwb``, laid out as :mod:`app.domain.bundle_format` says).

The file is assembled in the workspace's scratch folder and renamed into
place (:func:`app.exporters.atomic.atomic_path`): a crash never leaves half a
bundle. :mod:`app.importers.bundle` reads it back.
"""

import json
import zipfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from app.domain.bundle_format import DATA_NAME, EVIDENCE_FOLDER, FORMAT, FORMAT_VERSION
from app.exporters.atomic import atomic_path

CHUNK = 1024 * 1024

Progress = Callable[[int, int], None]
"""Called with the bytes of evidence written so far and in all."""


@dataclass(frozen=True, slots=True)
class BundleContent:
    """What a bundle holds: the schema revision its rows follow, the rows, and the evidence by hash."""

    schema: str
    engagement_name: str
    rows: Mapping[str, list[dict[str, Any]]]
    references: Mapping[str, Mapping[str, Mapping[str, Any]]]
    evidence: Mapping[str, int]
    """SHA-256 -> size of every stored file the evidence rows name."""


def data_document(content: BundleContent) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": content.schema,
        "engagement": content.engagement_name,
        "rows": content.rows,
        "references": content.references,
        "evidence": [{"sha256": sha256, "size": size} for sha256, size in sorted(content.evidence.items())],
    }


def write_bundle(
    target: Path,
    content: BundleContent,
    stored: Callable[[str], AbstractContextManager[BufferedIOBase]],
    progress: Progress | None = None,
) -> None:
    """Write *content* to *target*, reading each evidence file from ``stored(sha256)`` (an open stream)."""
    total = sum(content.evidence.values())
    done = 0
    with atomic_path(target) as temporary, zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
        document = json.dumps(data_document(content), ensure_ascii=False)  # key order is data (a mapping)
        archive.writestr(DATA_NAME, document.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
        for sha256 in sorted(content.evidence):
            info = zipfile.ZipInfo(f"{EVIDENCE_FOLDER}{sha256}", date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = 0o100400 << 16  # a regular, read-only file
            with stored(sha256) as source, archive.open(info, "w", force_zip64=True) as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
