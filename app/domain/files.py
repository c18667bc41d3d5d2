"""Plain words about files: sizes, kinds of content, and names every system accepts."""

import re

KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PDF", ("application/pdf",)),
    ("Image", ("image/",)),
    (
        "Spreadsheet",
        (
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml",
            "text/csv",
        ),
    ),
    (
        "Document",
        (
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml",
            "application/rtf",
            "text/rtf",
        ),
    ),
    ("Text", ("text/", "application/json", "application/xml", "message/")),
    ("Archive", ("application/zip", "application/gzip", "application/x-7z")),
)
OTHER_KIND = "Other"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(name: str) -> str:
    """A file or folder name that is valid on every operating system and inside a zip."""
    cleaned = _UNSAFE.sub("_", name).strip().strip(".") or "_"
    return cleaned[:180]


def original_name_text(raw: bytes) -> str:
    """A file name's own bytes shown as text: UTF-8 where they are, ``\\xff`` escapes where not."""
    return raw.decode("utf-8", "backslashreplace")


def kind_of(media_type: str) -> str:
    """``PDF``, ``Image``, ``Spreadsheet``, ``Document``, ``Text``, ``Archive`` or ``Other``."""
    for kind, prefixes in KINDS:
        if media_type.startswith(prefixes):
            return kind
    return OTHER_KIND


def human_size(size: int) -> str:
    """``532 bytes``, ``14.2 KB``, ``3.1 MB``, ``1.0 GB`` (powers of 1,024)."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")
