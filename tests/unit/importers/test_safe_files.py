"""Opening what an importer is pointed at: regular files only, within limits, workbooks checked first."""

import io
import os
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from app.importers.safe_files import (
    CFB_SIGNATURE,
    ENCRYPTED_PACKAGE,
    ArchiveLimits,
    UnreadableFileError,
    check_xlsx_archive,
    open_regular_file,
    read_regular_file,
)

LIMITS = ArchiveLimits()


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "list.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Request ID", "Request"])
    book.save(path)
    return path


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail instead of blocking forever (a FIFO opened for reading waits for a writer)."""

    def stop(*_: object) -> None:
        raise TimeoutError("blocked")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def refused(call: object, *arguments: object, **options: object) -> str:
    """The one-line message *call* refuses with."""
    with pytest.raises(UnreadableFileError) as caught:
        call(*arguments, **options)  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"a;b\n")
    assert read_regular_file(path, 4) == b"a;b\n"
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    with open_regular_file(link, 100) as handle:
        assert handle.read() == b"a;b\n"


def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path, no_hang: None) -> None:
    fifo = tmp_path / "list.xlsx"
    os.mkfifo(fifo)
    assert (
        refused(open_regular_file, fifo, 1000)
        == "list.xlsx is a named pipe, not a file; choose the file itself"
    )
    link = tmp_path / "innocent.csv"
    link.symlink_to(fifo)
    assert "innocent.csv is a named pipe" in refused(read_regular_file, link, 1000)


def test_a_link_to_an_endless_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "list.xlsx"
    link.symlink_to("/dev/zero")
    assert (
        refused(read_regular_file, link, 1000) == "list.xlsx is a device, not a file; choose the file itself"
    )


def test_folders_missing_files_and_dangling_links_are_refused(tmp_path: Path) -> None:
    assert "is a folder" in refused(read_regular_file, tmp_path, 1000)
    assert (
        refused(read_regular_file, tmp_path / "gone.csv", 1000)
        == "gone.csv does not exist (or is a link to nothing)"
    )
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere")
    assert "dangling.csv does not exist" in refused(read_regular_file, dangling, 1000)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("x")
    path.chmod(0)
    assert refused(read_regular_file, path, 1000) == "locked.csv cannot be read: permission denied"


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 2048)
    assert refused(read_regular_file, path, 1024) == "big.csv is 2.0 KB; files over 1.0 KB are not read"


def test_a_workbook_passes(workbook: Path) -> None:
    check_xlsx_archive(workbook, LIMITS)
    with workbook.open("rb") as handle:
        check_xlsx_archive(handle, LIMITS, name="list.xlsx")
        assert handle.tell() == 0


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return data


WORKBOOK_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_a_zip_bomb_is_refused_naming_the_ratio() -> None:
    bomb = _zip({**WORKBOOK_PARTS, "xl/media/image1.png": bytes(20 * 1024 * 1024)})
    message = refused(check_xlsx_archive, bomb, LIMITS, name="list.xlsx")
    assert message.startswith("list.xlsx: the part xl/media/image1.png expands ")
    assert message.endswith("times; parts expanding more than 100 times are not read")


def test_an_oversized_xml_part_and_an_oversized_whole_are_refused() -> None:
    part = _zip({**WORKBOOK_PARTS, "xl/sharedStrings.xml": b"<sst>" + b"x" * 3000 + b"</sst>"})
    limits = ArchiveLimits(max_part_bytes=2048)
    assert refused(check_xlsx_archive, part, limits, name="list.xlsx") == (
        "list.xlsx: the part xl/sharedStrings.xml expands to 2.9 KB; parts over 2.0 KB are not read"
    )
    whole = _zip({**WORKBOOK_PARTS, "a.bin": b"y" * 3000, "b.bin": b"z" * 3000})
    limits = ArchiveLimits(max_total_bytes=5000)
    assert refused(check_xlsx_archive, whole, limits, name="list.xlsx") == (
        "list.xlsx expands to more than 4.9 KB; workbooks that large are not read"
    )


def test_too_many_parts_are_refused(workbook: Path) -> None:
    assert refused(check_xlsx_archive, workbook, ArchiveLimits(max_entries=3)).startswith(
        "list.xlsx holds 9 parts; a workbook of more than 3 is not read"
    )


def _patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """*data* (a zip) with the size *name* declares changed in its local and central headers."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.getinfo(name)
    patched[entry.header_offset + 22 : entry.header_offset + 26] = size.to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    patched[central + 24 : central + 28] = size.to_bytes(4, "little")
    return bytes(patched)


@pytest.mark.parametrize("declared", [10, 100_000])
def test_a_part_holding_other_than_it_declares_is_refused(workbook: Path, declared: int) -> None:
    data = _patch_declared_size(workbook.read_bytes(), "xl/worksheets/sheet1.xml", declared)
    message = refused(check_xlsx_archive, io.BytesIO(data), LIMITS, name="list.xlsx")
    assert message.startswith("list.xlsx: the part xl/worksheets/sheet1.xml does not hold what it declares")
    assert message.endswith("the file is damaged or built to harm")


def test_a_password_protected_workbook_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(CFB_SIGNATURE + bytes(504) + ENCRYPTED_PACKAGE + bytes(100))
    assert refused(check_xlsx_archive, path, LIMITS) == (
        "locked.xlsx is protected with a password; save a copy without the password and import that"
    )


def test_an_old_xls_file_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(CFB_SIGNATURE + bytes(1000))
    assert refused(check_xlsx_archive, path, LIMITS) == (
        "list.xlsx is an old Excel file (.xls) or another Office file; save it as .xlsx and import that"
    )


def test_a_renamed_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"%PDF-1.7\n" + bytes(200))
    assert refused(check_xlsx_archive, path, LIMITS) == (
        "list.xlsx is not an Excel workbook (.xlsx); save it as .xlsx in a spreadsheet program first"
    )
    other = _zip({"notes.txt": b"hello"})
    assert refused(check_xlsx_archive, other, LIMITS, name="list.xlsx") == (
        "list.xlsx is a zip archive but not an Excel workbook (.xlsx)"
    )


def test_a_truncated_workbook_is_damaged(workbook: Path) -> None:
    data = workbook.read_bytes()
    message = refused(check_xlsx_archive, io.BytesIO(data[: len(data) - 30]), LIMITS, name="list.xlsx")
    assert message.startswith("list.xlsx is")


def test_a_part_in_an_unknown_compression_method_is_a_damaged_workbook(tmp_path: Path) -> None:
    """Found by fuzzing: a flipped bit in the method field made the zip reader raise NotImplementedError."""
    import zipfile

    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(path.read_bytes())
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # the method field of every local and central header
        position = data.find(header)
        while position != -1:
            offset = 8 if header == b"PK\x03\x04" else 10
            data[position + offset] = 99
            position = data.find(header, position + 4)
    path.write_bytes(bytes(data))
    assert "damaged" in refused(check_xlsx_archive, path, LIMITS)
