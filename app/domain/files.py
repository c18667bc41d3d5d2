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


LARGE_FILE_BYTES = 200 * 1024 * 1024
"""A file larger than this is probably not what was meant as evidence (a disk image, a video, a
database dump): adding it asks first."""

PROGRAM_SUFFIXES = frozenset(
    {
        ".app", ".apk", ".bat", ".cmd", ".com", ".cpl", ".dll", ".dmg", ".exe", ".jar", ".js",
        ".jse", ".lnk", ".msi", ".msp", ".pkg", ".ps1", ".psm1", ".py", ".rb", ".reg", ".scr", ".sh",
        ".so", ".vbe", ".vbs", ".wsf", ".dylib", ".command",
    }
)  # fmt: skip
"""File name endings of programs and scripts."""
_PROGRAM_STARTS = (b"MZ", b"\x7fELF", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
"""How Windows, Linux and macOS programs and scripts begin."""


def looks_like_a_program(name: str, head: bytes) -> bool:
    """Whether a file named *name* whose first bytes are *head* is a program or a script.

    Evidence shows a control working; a program or a script among it is more
    likely a slip of the mouse than evidence (and runs when opened).
    """
    suffix = name[name.rfind(".") :].casefold() if "." in name else ""
    return suffix in PROGRAM_SUFFIXES or head.startswith(_PROGRAM_STARTS)
