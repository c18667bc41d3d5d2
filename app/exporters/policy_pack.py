"""Approved policies and the acknowledgement register as files, for the policy pack and the evidence package.

The policy pack is one zip written by :func:`app.exporters.package.write_package`,
so it opens with a README and carries a ``MANIFEST.sha256`` that
``sha256sum -c`` checks::

    README.txt
    MANIFEST.sha256
    <policy title> v<version>.pdf      one per approved policy
    acknowledgement-register.xlsx

Inside the evidence package the same files sit in ``policies/``.
"""

import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from app.domain.document import Document
from app.domain.policy_records import REGISTER_FILE
from app.exporters.acknowledgement_register import RegisterData, write_acknowledgement_register
from app.exporters.document_pdf import write_document_pdf
from app.exporters.errors import ExportCancelled
from app.exporters.package import PackageFile, write_package
from app.exporters.progress import Cancel, Progress


def policy_files(
    documents: Sequence[tuple[str, Document]],
    register: RegisterData,
    *,
    as_of: datetime,
    folder: str = "",
    cancel: Cancel | None = None,
) -> list[PackageFile]:
    """Each (file name, document) as a PDF and the register as a workbook, under *folder* in a package."""
    prefix = f"{folder}/" if folder else ""
    files = []
    with tempfile.TemporaryDirectory(prefix=".soc-workbench-policies-") as scratch:
        for name, document in documents:
            if cancel is not None and cancel():
                raise ExportCancelled("export cancelled")
            written = Path(scratch) / name
            write_document_pdf(written, document, as_of=as_of, cancel=cancel)
            files.append(PackageFile(prefix + name, data=written.read_bytes()))
        register_path = Path(scratch) / REGISTER_FILE
        write_acknowledgement_register(register_path, register, as_of=as_of, cancel=cancel)
        files.append(PackageFile(prefix + REGISTER_FILE, data=register_path.read_bytes()))
    return files


def write_policy_pack(
    target: Path,
    documents: Sequence[tuple[str, Document]],
    register: RegisterData,
    *,
    readme: str,
    as_of: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> str:
    """Write the policy pack zip atomically; returns the SHA-256 of its manifest."""
    files = policy_files(documents, register, as_of=as_of, cancel=cancel)
    return write_package(target, files, readme=readme, as_of=as_of, progress=progress, cancel=cancel)
