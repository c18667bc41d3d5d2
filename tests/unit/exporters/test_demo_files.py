"""The demo's evidence files the workbench makes itself: screenshots, exports and policies, read back."""

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image

from app.domain.demo import COMPANY, CsvFile, PolicyFile, Screenshot, demo_dates, demo_evidence
from app.exporters.demo_files import csv_text, screenshot_png, write_demo_file

DATES = demo_dates(date(2026, 11, 30))
AS_OF = datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_the_demo_calendar_follows_the_day_it_is_made() -> None:
    assert (DATES.prior_end, DATES.period_start, DATES.period_end, DATES.through) == (
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2027, 8, 31),
        date(2026, 10, 31),
    )
    january = demo_dates(date(2027, 1, 1))
    assert (january.prior_end, january.period_start, january.through) == (
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2026, 12, 31),
    )
    assert DATES.set_up < datetime(2026, 9, 1, tzinfo=UTC)


def test_a_screenshot_is_a_png_of_the_screen_and_the_same_screen_gives_the_same_bytes() -> None:
    screen = Screenshot(
        "Console — Settings", "Policy: everyone", (("MFA", "Required"), ("Passwords", "No")), "Caught"
    )
    data = screenshot_png(screen)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == 1100 and image.height > 300
    assert screenshot_png(screen) == data
    taller = screenshot_png(Screenshot("Console", "Policy", screen.rows * 3, "Caught"))
    assert Image.open(io.BytesIO(taller)).height > image.height


def test_an_export_is_csv_with_its_title_line_above_the_header() -> None:
    text = csv_text(CsvFile("Okta users, 2026-09-10", ("Name", "Decision"), (("Ana, Jr.", "Keep"),)))
    assert list(csv.reader(io.StringIO(text))) == [
        ["Okta users, 2026-09-10"],
        [],
        ["Name", "Decision"],
        ["Ana, Jr.", "Keep"],
    ]


def test_every_demo_file_is_written_and_names_its_engagement(tmp_path: Path, pdf_pages) -> None:  # type: ignore[no-untyped-def]
    items = demo_evidence(DATES, "Demo A")
    kinds = {type(item.content) for item in items}
    assert kinds == {CsvFile, Screenshot, PolicyFile}
    for item in items:
        path = write_demo_file(tmp_path, item, company=COMPANY, as_of=AS_OF)
        assert path.name == item.file_name and path.stat().st_size > 0
    policy = pdf_pages(tmp_path / "information-security-policy.pdf")
    assert "Information security policy" in policy[0] and COMPANY in policy[0] and "Demo A" in policy[0]
    rows = list(csv.reader((tmp_path / "leavers-and-access-removal.csv").open(encoding="utf-8")))
    assert "Demo A" in rows[0][0]
    assert rows[2] == ["Name", "Email", "Last working day", "Access removed", "Late"]
    assert [row[4] for row in rows[3:]].count("yes") == 1
    other = demo_evidence(DATES, "Demo B")
    for first, second in zip(items, other, strict=True):
        assert first.content != second.content, first.file_name
    leavers = next(item for item in items if item.file_name == "leavers-and-access-removal.csv")
    assert (leavers.covers_from, leavers.covers_to) == (DATES.period_start, DATES.through)
