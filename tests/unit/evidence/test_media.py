"""Media types told from content, with the extension only as a fallback."""

import gzip
import io
import zipfile

import pytest

from app.evidence.media import DOC, DOCX, OCTET_STREAM, PPTX, SNIFF_BYTES, XLS, XLSX, sniff_media_type


def zipped(*names: str, stored_mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_mimetype is not None:
            archive.writestr("mimetype", stored_mimetype, compress_type=zipfile.ZIP_STORED)
        for name in names:
            archive.writestr(name, "<xml/>" * 50)
    return buffer.getvalue()


def ole(stream: str = "") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(64)


BMP = b"BM" + (70).to_bytes(4, "little") + bytes(4) + (54).to_bytes(4, "little") + (40).to_bytes(4, "little")

CASES = [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "shot.pdf", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.png", "image/jpeg"),
    (b"GIF89a\x01\x00\x01\x00", "anim", "image/gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "pic.jpg", "image/webp"),
    (b"II*\x00\x08\x00\x00\x00", "scan", "image/tiff"),
    (b"MM\x00*\x00\x00\x00\x08", "scan.tif", "image/tiff"),
    (BMP + bytes(40), "image", "image/bmp"),
    (zipped("[Content_Types].xml", "_rels/.rels", "word/document.xml"), "policy.pdf", DOCX),
    (zipped("[Content_Types].xml", "xl/workbook.xml"), "users.zip", XLSX),
    (zipped("[Content_Types].xml", "ppt/presentation.xml"), "deck", PPTX),
    (zipped("readme.txt", "data.csv"), "export.docx", "application/zip"),
    (
        zipped("content.xml", stored_mimetype="application/vnd.oasis.opendocument.text"),
        "minutes.zip",
        "application/vnd.oasis.opendocument.text",
    ),
    (ole("WordDocument"), "memo.xls", DOC),
    (ole("Workbook"), "book", XLS),
    (ole(), "legacy.xls", XLS),
    (ole(), "mystery.bin", "application/x-ole-storage"),
    (gzip.compress(b"log line\n" * 10), "logs.txt", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "archive.zip", "application/x-7z-compressed"),
    (b"{\\rtf1\\ansi hello}", "letter.doc", "application/rtf"),
    (b"\n  <!DOCTYPE html><html><body>hi</body></html>", "page.txt", "text/html"),
    (b"<html lang='en'><head>", "page", "text/html"),
    (b'<?xml version="1.0"?><config/>', "settings.txt", "application/xml"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "logo", "image/svg+xml"),
    (b'{"users": [{"name": "ann"}]}', "users.txt", "application/json"),
    (b'[{"name": "ann"}, {"name": "bo"}]', "users", "application/json"),
    (b"user,role,last_login\nann,admin,2026-01-02\nbo,viewer,2026-01-03\n", "users.txt", "text/csv"),
    (b"user;role\nann;admin\nbo;viewer\n", "users", "text/csv"),
    (b"user\trole\nann\tadmin\nbo\tviewer\n", "users.xlsx", "text/tab-separated-values"),
    (b'name,comment\nann,"likes, commas"\nbo,plain\n', "notes", "text/csv"),
    (b"Access review done.\nNo exceptions, all good.\n", "review.png", "text/plain"),
    (b"# Policy\n\nText of the policy.\n", "policy.md", "text/markdown"),
    ("Überprüfung abgeschlossen\n".encode(), "notes", "text/plain"),
    ("Review notes\r\n".encode("utf-16"), "notes.txt", "text/plain"),
    (
        b"From: it@example.com\r\nTo: audit@example.com\r\nSubject: Access review\r\n"
        b"Date: Mon, 2 Feb 2026 10:00:00 +0000\r\n\r\nDone.\r\n",
        "mail.txt",
        "message/rfc822",
    ),
    (b"", "empty.pdf", "application/pdf"),
    (b"", "empty", OCTET_STREAM),
    (b"\x00\x01\x02\x03binary", "dump.pdf", "application/pdf"),
    (b"\x00\x01\x02\x03binary", "dump", OCTET_STREAM),
]


@pytest.mark.parametrize(("head", "name", "expected"), CASES, ids=[case[1] + "-" + case[2] for case in CASES])
def test_media_type_from_content(head: bytes, name: str, expected: str) -> None:
    assert sniff_media_type(head, name) == expected


def test_bm_text_is_not_a_bitmap() -> None:
    assert sniff_media_type(b"BMW fleet report\nall cars checked\n", "fleet") == "text/plain"


def test_a_cut_head_is_judged_on_its_complete_lines() -> None:
    rows = "".join(f"user{i},role{i},2026-01-{i % 28 + 1:02d}\n" for i in range(10_000)).encode()
    assert len(rows) > SNIFF_BYTES
    assert sniff_media_type(rows[: SNIFF_BYTES + 7], "users") == "text/csv"
    document = b'{"items": [' + b'{"n": 1}, ' * 20_000
    assert sniff_media_type(document[: SNIFF_BYTES * 2], "dump") == "application/json"


def test_utf8_cut_inside_a_character_is_still_text() -> None:
    text = ("é" * SNIFF_BYTES).encode()
    assert sniff_media_type(text[: SNIFF_BYTES + 1], "accents") == "text/plain"
