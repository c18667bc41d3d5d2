"""A date field that may be left empty."""

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QToolButton, QWidget

NO_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(QWidget):
    """A calendar date field with a clear button; empty means "not set".

    Signals:
        date_changed(object): the user set or cleared the date (``datetime.date`` or ``None``).
    """

    date_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText("Not set")
        self.clear_button = QToolButton()
        self.clear_button.setText("×")
        self.clear_button.setToolTip("Clear the date")
        self.clear_button.setAccessibleName("Clear the date")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.set_value(None)
        self.edit.editingFinished.connect(self._emit)
        self.edit.calendarWidget().clicked.connect(lambda _day: self._emit())
        self.clear_button.clicked.connect(self._clear)
        self._last: date | None = None

    def value(self) -> date | None:
        current = self.edit.date()
        if current == NO_DATE:
            return None
        return date(current.year(), current.month(), current.day())

    def set_value(self, value: date | None) -> None:
        self._last = value
        self.edit.blockSignals(True)
        self.edit.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)
        self.edit.blockSignals(False)

    def _emit(self) -> None:
        value = self.value()
        if value != self._last:
            self._last = value
            self.date_changed.emit(value)

    def _clear(self) -> None:
        self.edit.setDate(NO_DATE)
        self._emit()
