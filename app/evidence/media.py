"""A stored file's media type, told from its leading bytes.

The store passes the first chunk it read while copying, so sniffing never
reads a file a second time. The content decides whenever it says something
(a ``.pdf`` that is really a PNG is ``image/png``); the file name's extension
is consulted only when the content says nothing, or to refine plain text
(``.md`` -> ``text/markdown``) and legacy Office files whose streams lie
beyond the first chunk.
"""

import codecs
import csv
import json
import mimetypes
import re
from pathlib import PurePath

OCTET_STREAM = "application/octet-stream"
SNIFF_BYTES = 64 * 1024
"""Enough of the head for every rule below; a longer head is cut to this."""

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
MSG = "application/vnd.ms-outlook"
OLE = "application/x-ole-storage"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"{\\rtf", "application/rtf"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_FOLDERS = ((b"word/", DOCX), (b"xl/", XLSX), (b"ppt/", PPTX))
_OLE_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
    ("__substg1.0_", MSG),
)
_OLE_TYPES = frozenset(media_type for _, media_type in _OLE_STREAMS)
_BMP_HEADER_SIZES = frozenset({12, 40, 52, 56, 64, 108, 124})
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<title")
_MAIL_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
_MAIL_FIELDS = ("date", "subject", "to", "message-id", "received", "mime-version")
_TEXT_CONTROLS = frozenset("\t\n\r\f\x1b")
_JSON_ARRAY_STARTS = frozenset('{["-0123456789tfn]')


def sniff_media_type(head: bytes, file_name: str) -> str:
    """The media type of a file named *file_name* whose first bytes are *head*.

    A *head* shorter than :data:`SNIFF_BYTES` is taken to be the whole file.
    """
    head = head[:SNIFF_BYTES]
    found = _binary_type(head)
    if found == OLE:  # streams beyond the head: the extension may name the kind of Office file
        by_extension = _by_extension(file_name)
        return by_extension if by_extension in _OLE_TYPES else OLE
    if found is None:
        found = _text_type(head, file_name)
    return found or _by_extension(file_name) or OCTET_STREAM


def _binary_type(head: bytes) -> str | None:
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:2] == b"BM" and len(head) >= 18 and _is_bmp(head):
        return "image/bmp"
    if head.startswith(_ZIP_MAGIC):
        return _zip_type(head)
    if head.startswith(_OLE_MAGIC):
        return _ole_type(head)
    return None


def _is_bmp(head: bytes) -> bool:
    reserved = head[6:10]
    header_size = int.from_bytes(head[14:18], "little")
    return reserved == b"\x00\x00\x00\x00" and header_size in _BMP_HEADER_SIZES


def _zip_entry_names(head: bytes) -> list[bytes]:
    """Names of the local file headers found in *head* (entries further on are unseen)."""
    names = []
    position = head.find(b"PK\x03\x04")
    while position != -1 and position + 30 <= len(head):
        name_length = int.from_bytes(head[position + 26 : position + 28], "little")
        names.append(head[position + 30 : position + 30 + name_length])
        position = head.find(b"PK\x03\x04", position + 4)
    return names


def _zip_type(head: bytes) -> str:
    """Office Open XML by its part folders, OpenDocument/EPUB by a stored ``mimetype`` entry, else ZIP."""
    names = _zip_entry_names(head)
    if names and names[0] == b"mimetype":
        start = 30 + len(b"mimetype") + int.from_bytes(head[28:30], "little")
        size = int.from_bytes(head[18:22], "little")
        declared = head[start : start + size].decode("ascii", "replace")
        if re.fullmatch(r"application/[\w.+-]+", declared):
            return declared
    for name in names:
        for folder, media_type in _OOXML_FOLDERS:
            if name.startswith(folder):
                return media_type
    return "application/zip"


def _ole_type(head: bytes) -> str:
    """A legacy Office file by the names of its streams, when the directory lies in *head*."""
    for stream, media_type in _OLE_STREAMS:
        if stream.encode("utf-16-le") in head:
            return media_type
    return OLE


def _decode_text(head: bytes) -> str | None:
    """*head* as text when it is UTF-8 (or UTF-16 with a byte-order mark), else ``None``."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = "utf-8-sig"
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if any(ch < " " and ch not in _TEXT_CONTROLS for ch in text):
        return None
    return text


def _text_type(head: bytes, file_name: str) -> str | None:
    if not head:
        return None
    text = _decode_text(head)
    if text is None:
        return None
    start = text.lstrip()
    lowered = start[:200].lower()
    if lowered.startswith(_HTML_STARTS):
        return "text/html"
    if lowered.startswith("<?xml"):
        return "image/svg+xml" if "<svg" in lowered else "application/xml"
    whole = len(head) < SNIFF_BYTES
    if _looks_like_json(start, whole=whole):
        return "application/json"
    if _looks_like_mail(text):
        return "message/rfc822"
    delimited = _delimited_type(text, whole=whole)
    if delimited is not None:
        return delimited
    by_extension = _by_extension(file_name)
    if by_extension is not None and _is_textual(by_extension):
        return by_extension
    return "text/plain"


def _is_textual(media_type: str) -> bool:
    """Whether a type the extension names is a kind of text (so it refines ``text/plain``)."""
    return media_type.startswith("text/") or media_type.endswith(("/xml", "+xml", "/json", "+json", "yaml"))


def _looks_like_json(text: str, *, whole: bool) -> bool:
    if not text.startswith(("{", "[")):
        return False
    if whole:
        try:
            json.loads(text)
        except ValueError:
            return False
        return True
    after = text[1:].lstrip()[:1]
    return after == '"' if text[0] == "{" else after in _JSON_ARRAY_STARTS


def _looks_like_mail(text: str) -> bool:
    header, _, _ = text.replace("\r\n", "\n").partition("\n\n")
    lines = [line for line in header.splitlines() if line and not line[0].isspace()]
    if not lines or not all(_MAIL_HEADER.match(line) for line in lines[:3]):
        return False
    names = {line.split(":", 1)[0].lower() for line in lines}
    return "from" in names and any(name in names for name in _MAIL_FIELDS)


def _delimited_type(text: str, *, whole: bool) -> str | None:
    """CSV or TSV when the first complete lines split into the same number (> 1) of fields."""
    lines = text.splitlines()
    if not whole:
        lines = lines[:-1]
    lines = [line for line in lines[:20] if line.strip()]
    if len(lines) < 2:
        return None
    for delimiter, media_type in ((",", "text/csv"), (";", "text/csv"), ("\t", "text/tab-separated-values")):
        if delimiter not in lines[0]:
            continue
        widths = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(widths) == 1 and widths.pop() > 1:
            return media_type
    return None


def _by_extension(file_name: str) -> str | None:
    media_type, _ = mimetypes.guess_type(PurePath(file_name).name, strict=False)
    return media_type
