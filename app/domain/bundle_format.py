"""The layout of an engagement bundle (``.socwb``): one zip file with an engagement's data and evidence.

::

    engagement.json         format, schema revision, the engagement's rows, the rows they refer to
                            outside it (criteria by framework and ref), and the evidence list
    evidence/<sha256>       each stored file once, named by its SHA-256

Written by :mod:`app.exporters.bundle`, read by :mod:`app.importers.bundle`.
"""

FORMAT = "soc-workbench engagement bundle"
FORMAT_VERSION = 1
DATA_NAME = "engagement.json"
EVIDENCE_FOLDER = "evidence/"
SUFFIX = ".socwb"
COPY_SUFFIX = " (copy)"


def copy_name(name: str, taken: set[str]) -> str:
    """*name*, or ``name (copy)``, ``name (copy 2)``... whichever is not in *taken*."""
    if name not in taken:
        return name
    candidate = f"{name}{COPY_SUFFIX}"
    number = 2
    while candidate in taken:
        candidate = f"{name} (copy {number})"
        number += 1
    return candidate
