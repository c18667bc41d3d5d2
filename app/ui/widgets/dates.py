"""Date fields: an ISO date typed or picked from a calendar, and a review period edited as a pair.

A date is typed as ``YYYY-MM-DD`` (``2027-06-30``) and shown the same way.
What is not a complete, real date is marked invalid where it was typed and
is never handed on as another date: the field keeps its last good value
until the text is fixed or cleared.
"""

import re
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.periods import check_period
from app.ui.icons import icon

DATE_PATTERN = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
INVALID_STYLE = "QLineEdit { border: 2px solid #c62828; border-radius: 3px; }"
ISO_HINT = "YYYY-MM-DD"


def parse_typed_date(text: str) -> date | None:
    """The date typed as ``YYYY-MM-DD`` (a one-digit month or day allowed); ``None`` for an empty text.

    Raises ``ValueError`` with a plain message for anything else, an impossible date included.
    """
    text = text.strip()
    if not text:
        return None
    if not DATE_PATTERN.fullmatch(text):
        raise ValueError(f"“{text}” is not a complete date: type it as {ISO_HINT}, e.g. 2027-06-30")
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text} is not a date that exists") from None


class DateField(QWidget):
    """A date typed as ``YYYY-MM-DD`` or picked from a calendar; empty means "not set".

    Signals:
        date_changed(object): the user finished a valid date different from the last one
            (a ``datetime.date``, or ``None`` when cleared). Nothing is sent for an invalid text.
    """

    date_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = ISO_HINT) -> None:
        super().__init__(parent)
        self._value: date | None = None
        self.problem = ""
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder)
        self.line.setClearButtonEnabled(True)
        self.line.setMaxLength(10)
        self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") + 40)
        self.button = QToolButton()
        self.button.setIcon(icon("calendar"))
        self.button.setToolTip("Pick the date from a calendar")
        self.button.setAccessibleName("Pick the date from a calendar")
        self.calendar = QCalendarWidget()
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.line.textEdited.connect(self._check)
        self.line.editingFinished.connect(self.finish)
        self.button.clicked.connect(self.open_calendar)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)

    # --- value ------------------------------------------------------------------------------

    def value(self) -> date | None:
        """The last valid date the field held (what the text shows unless it is invalid)."""
        return self._value

    def is_valid(self) -> bool:
        return not self.problem

    def typed(self) -> date | None:
        """The date the text shows now; ``ValueError`` when it is not one."""
        return parse_typed_date(self.line.text())

    def set_value(self, value: date | None) -> None:
        """Show *value* (from the stored record); clears any invalid mark."""
        self._value = value
        self.line.setText(value.isoformat() if value else "")
        self._mark("")

    # --- editing ----------------------------------------------------------------------------

    def _check(self, _text: str = "") -> None:
        try:
            self.typed()
        except ValueError as error:
            self._mark(str(error))
        else:
            self._mark("")

    def _mark(self, problem: str) -> None:
        self.problem = problem
        self.line.setStyleSheet(INVALID_STYLE if problem else "")
        self.line.setToolTip(problem or f"Type the date as {ISO_HINT} or pick it from the calendar")
        self.line.setAccessibleDescription(problem)

    def finish(self) -> None:
        """Take the typed text: a valid date (or empty) becomes the value; an invalid one stays marked."""
        try:
            typed = self.typed()
        except ValueError as error:
            self._mark(str(error))
            return
        self._mark("")
        if typed is not None:
            self.line.setText(typed.isoformat())
        if typed != self._value:
            self._value = typed
            self.date_changed.emit(typed)

    # --- the calendar -----------------------------------------------------------------------

    def open_calendar(self) -> QCalendarWidget:
        """Show the calendar below the field, on the field's date or else today."""
        try:
            shown = self.typed() or self._value
        except ValueError:
            shown = self._value
        day = shown or date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.calendar.move(self.mapToGlobal(self.line.geometry().bottomLeft()))
        self.calendar.show()
        return self.calendar

    def _picked(self, day: QDate) -> None:
        self.calendar.hide()
        self.line.setText(day.toString("yyyy-MM-dd"))
        self.finish()
        self.line.setFocus(Qt.FocusReason.PopupFocusReason)


class PeriodEditor(QWidget):
    """A review period: its first and last day edited together and handed on once, as a pair.

    The pair is checked when the user leaves the editor or presses Enter in
    it: both days or neither, and the first not after the last. A pair that
    does not fit is shown as a problem and not handed on.

    Signals:
        period_changed(object, object): a valid pair differing from the one shown
            (two ``datetime.date`` or two ``None``).
    """

    period_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown: tuple[date | None, date | None] = (None, None)
        self.start = DateField(placeholder="first day")
        self.end = DateField(placeholder="last day")
        self.start.setAccessibleName("First day of the review period")
        self.end.setAccessibleName("Last day of the review period")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start, 1)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        for field in (self.start, self.end):
            field.line.installEventFilter(self)
            field.calendar.clicked.connect(lambda _day: self._leave_if_outside(None))
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._focus_moved)

    def period(self) -> tuple[date | None, date | None]:
        """The pair last shown or handed on."""
        return self._shown

    def set_period(self, start: date | None, end: date | None) -> None:
        self._shown = (start, end)
        self.start.set_value(start)
        self.end.set_value(end)
        self._show_problem("")

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _contains(self, widget: QObject | None) -> bool:
        while widget is not None:
            if widget is self or widget in (self.start.calendar, self.end.calendar):
                return True
            widget = widget.parent()
        return False

    def _focus_moved(self, old: QWidget | None, new: QWidget | None) -> None:
        if self._contains(old) and not self._contains(new):
            self.commit()

    def _leave_if_outside(self, _unused: object) -> None:
        focused = QApplication.focusWidget()
        if not self._contains(focused):
            self.commit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.commit()
        return super().eventFilter(watched, event)

    def commit(self) -> bool:
        """Check the pair as typed and hand it on when it fits and changed; False when it does not fit."""
        self.start.finish()
        self.end.finish()
        for field, which in ((self.start, "first"), (self.end, "last")):
            if not field.is_valid():
                self._show_problem(f"The {which} day: {field.problem}")
                return False
        pair = (self.start.value(), self.end.value())
        try:
            check_period(*pair)
        except ValueError as error:
            self._show_problem(f"The period is not saved: {error}.")
            return False
        self._show_problem("")
        if pair != self._shown:
            self._shown = pair
            self.period_changed.emit(*pair)
        return True
