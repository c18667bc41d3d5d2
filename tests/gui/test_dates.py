"""Date fields: typed ISO dates, invalid text never saved, the calendar's first page, periods as pairs."""

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from app.services.engagements import create_engagement, get_engagement
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.engagements import EngagementsPage
from app.ui.widgets.dates import DateField, PeriodEditor, parse_typed_date


def type_into(qtbot: Any, field: DateField, text: str) -> None:
    field.line.setFocus()
    field.line.selectAll()
    qtbot.keyClicks(field.line, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2027-06-30", date(2027, 6, 30)), (" 2027-6-3 ", date(2027, 6, 3)), ("", None)],
)
def test_typed_dates_are_read_as_written(text: str, expected: date | None) -> None:
    assert parse_typed_date(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2027-06", "not a complete date"),
        ("2027-02-30", "not a date that exists"),
        ("30/06/2027", "YYYY-MM-DD"),
    ],
)
def test_incomplete_and_impossible_dates_are_refused(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_typed_date(text)


def test_a_typed_date_is_kept_and_shown_as_typed(qtbot: Any) -> None:
    field = DateField()
    qtbot.addWidget(field)
    heard: list[object] = []
    field.date_changed.connect(heard.append)
    type_into(qtbot, field, "2027-06-30")
    field.finish()
    assert heard == [date(2027, 6, 30)]
    assert field.line.text() == "2027-06-30" and field.is_valid()


def test_an_invalid_date_is_marked_and_never_handed_on(qtbot: Any) -> None:
    field = DateField()
    qtbot.addWidget(field)
    field.set_value(date(2026, 1, 1))
    heard: list[object] = []
    field.date_changed.connect(heard.append)
    for text in ("2027-06", "2027-13-01", "2027-02-29"):
        type_into(qtbot, field, text)
        field.finish()
        assert not field.is_valid() and field.problem in field.line.toolTip()
        assert field.line.text() == text, "the text stays for the user to fix"
    assert heard == [] and field.value() == date(2026, 1, 1)
    type_into(qtbot, field, "2028-02-29")
    field.finish()
    assert heard == [date(2028, 2, 29)] and field.is_valid()


def test_the_calendar_opens_on_the_fields_date_or_today(qtbot: Any) -> None:
    field = DateField()
    qtbot.addWidget(field)
    today = date.today()
    assert field.open_calendar().selectedDate() == QDate(today.year, today.month, today.day)
    field.calendar.hide()
    field.set_value(date(2027, 6, 30))
    calendar = field.open_calendar()
    assert calendar.selectedDate() == QDate(2027, 6, 30)
    assert (calendar.yearShown(), calendar.monthShown()) == (2027, 6)
    heard: list[object] = []
    field.date_changed.connect(heard.append)
    calendar.clicked.emit(QDate(2027, 7, 4))
    assert heard == [date(2027, 7, 4)] and field.line.text() == "2027-07-04"
    assert not calendar.isVisible()


def test_a_period_is_handed_on_once_as_a_valid_pair(qtbot: Any) -> None:
    editor = PeriodEditor()
    qtbot.addWidget(editor)
    editor.set_period(date(2026, 1, 1), date(2026, 6, 30))
    heard: list[tuple[object, object]] = []
    editor.period_changed.connect(lambda start, end: heard.append((start, end)))
    type_into(qtbot, editor.start, "2026-07-01")
    type_into(qtbot, editor.end, "2026-12-31")
    assert heard == [], "moving from the first to the last day hands nothing on"
    assert editor.commit()
    assert heard == [(date(2026, 7, 1), date(2026, 12, 31))]
    type_into(qtbot, editor.end, "2026-03-31")
    assert not editor.commit()
    assert "after it ends" in editor.problem.text() and len(heard) == 1
    editor.end.line.clear()
    assert not editor.commit()
    assert "both a start and an end" in editor.problem.text() and len(heard) == 1


def test_the_engagement_period_is_saved_once_and_undone_in_one_step(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement = create_engagement(
        workspace, name="Dates Co", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
    )
    window: MainWindow = make_window()
    page = window.open_page(EngagementsPage)
    period = page.details.dates.period
    type_into(qtbot, period.start, "2027-01-01")
    type_into(qtbot, period.end, "2027-06-30")
    qtbot.keyClick(period.end.line, Qt.Key.Key_Return)
    stored = get_engagement(workspace, engagement.id)
    assert (stored.period_start, stored.period_end) == (date(2027, 1, 1), date(2027, 6, 30))
    assert window.context.undo_stack.count() == 1
    window.context.undo_stack.undo()
    stored = get_engagement(workspace, engagement.id)
    assert (stored.period_start, stored.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    type_into(qtbot, period.end, "2027-06")
    qtbot.keyClick(period.end.line, Qt.Key.Key_Return)
    assert get_engagement(workspace, engagement.id).period_end == date(2026, 6, 30)
    assert "not a complete date" in period.problem.text()
