"""The Requests page's other tabs, and the fieldwork part of a control's details.

:class:`SamplesPanel` lists populations and every sampled item (the auditor's
selections and self-test draws with their seed and method);
:class:`ExceptionsPanel` lists the exceptions, editable in place;
:class:`ControlFieldworkPanel` shows one control's population, samples and
exceptions in its detail panel.
"""

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.controls import ControlRow
from app.domain.fieldwork import EXCEPTION_FIELDS, ExceptionRow, SampleSource
from app.domain.wording import counted
from app.services.fieldwork import (
    delete_exceptions,
    delete_samples,
    list_exceptions,
    list_populations,
    list_samples,
    restore_exceptions,
    restore_samples,
    update_exception,
)
from app.ui.commands import Deletion, EditFields
from app.ui.context import AppContext
from app.ui.fieldwork_actions import add_population_file, attach_to_item, draw_sample, record_exception
from app.ui.icons import icon
from app.ui.models.requests import ExceptionTableModel, SampleItemTableModel, sampled_items
from app.ui.widgets.dates import DateField


def _table(model: Any, name: str, widths: tuple[int, ...]) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSortingEnabled(True)
    table.horizontalHeader().setSortIndicator(-1, table.horizontalHeader().sortIndicatorOrder())
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class SamplesPanel(QWidget):
    """Populations per control and every sampled item; draw, delete, attach files, record exceptions."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.model = SampleItemTableModel()
        self.table = _table(self.model, "Sampled items", (240, 50, 220, 90))
        self.populations = _wrapped()
        self.method = QPlainTextEdit()
        self.method.setReadOnly(True)
        self.method.setAccessibleName("Seed and method of the selected sample")
        self.method.setPlaceholderText("Select a sampled item to see who chose its sample and how.")
        self.method.setMaximumHeight(self.method.fontMetrics().lineSpacing() * 5 + 12)
        self.population_button = QPushButton(icon("file-input"), "Add population…")
        self.draw_button = QPushButton(icon("wand-sparkles"), "Draw sample…")
        self.attach_button = QPushButton("Files for item…")
        self.exception_button = QPushButton("Exception…")
        self.delete_button = QPushButton("Delete sample…")
        buttons = QHBoxLayout()
        for button in (self.population_button, self.draw_button, self.attach_button, self.exception_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.populations)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.method)
        self.population_button.clicked.connect(lambda: add_population_file(context, self))
        self.draw_button.clicked.connect(lambda: draw_sample(context, self))
        self.attach_button.clicked.connect(self.choose_files)
        self.exception_button.clicked.connect(self.record_exception)
        self.delete_button.clicked.connect(self.delete_sample)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        context.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if self.isVisible() and changes.touches(Kind.FIELDWORK, Kind.REQUESTS, Kind.CONTROLS, Kind.EVIDENCE):
            self.reload()

    def reload(self) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            self.model.set_rows([])
            return
        loaded = self.context.run(
            "Load samples",
            lambda: (
                list_samples(self.context.workspace, engagement_id=engagement_id),
                list_populations(self.context.workspace, engagement_id=engagement_id),
            ),
        )
        if loaded is None:
            return
        samples, populations = loaded
        self.model.replace_rows(sampled_items(samples))
        lines = [
            f"<b>{row.control_ref}</b>: {row.file_name}, {row.item_count} occurrences"
            + (f", {row.first_date} to {row.last_date}" if row.first_date else "")
            for row in populations
        ]
        self.populations.setText(
            "Populations — " + "; ".join(lines)
            if lines
            else "No population yet. Add the system's listing of every occurrence of a control in the period "
            "to count it and draw a self-test sample from it."
        )
        self._selected()

    def selected(self) -> Any:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self) -> None:
        row = self.selected()
        sample = row.sample if row is not None else None
        self.method.setPlainText(
            f"Seed {sample.seed}\n{sample.method}"
            if sample is not None and sample.source is SampleSource.DRAWN
            else "The auditor's selection."
            if sample is not None
            else ""
        )
        for button in (self.attach_button, self.exception_button, self.delete_button):
            button.setEnabled(row is not None)

    def choose_files(self) -> None:
        row = self.selected()
        if row is not None:
            paths = self.context.interaction.open_files(f"Evidence for sample {row.item.number}", Path.home())
            attach_to_item(self.context, row.id, paths)

    def record_exception(self) -> Any:
        row = self.selected()
        return record_exception(self.context, self, sample_item_id=row.id) if row is not None else None

    def delete_sample(self) -> None:
        row = self.selected()
        if row is None or not self.context.interaction.confirm(
            "Delete sample",
            f"Delete the sample {row.sample.title} with its {len(row.sample.items)} items, their evidence "
            "links and exceptions? The evidence files stay. Edit ▸ Undo brings it back.",
            action="Delete",
        ):
            return
        workspace = self.context.workspace
        self.context.push(
            Deletion(
                self.context,
                f"Delete the sample {row.sample.title}",
                [row.sample.id],
                lambda ids: delete_samples(workspace, ids),
                lambda snapshot: restore_samples(workspace, snapshot),
            )
        )


class ExceptionsPanel(QWidget):
    """Every exception recorded, with the selected one editable below the list."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.model = ExceptionTableModel()
        self.table = _table(self.model, "Exceptions", (90, 220, 260, 160, 160))
        self.add_button = QPushButton(icon("triangle-alert"), "Record exception…")
        self.delete_button = QPushButton("Delete…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        self.fields: dict[str, Any] = {}
        form = QFormLayout()
        for spec in EXCEPTION_FIELDS:
            widget: Any = DateField() if spec.kind == "date" else QPlainTextEdit()
            if isinstance(widget, QPlainTextEdit):
                widget.setTabChangesFocus(True)
                widget.setFixedHeight(widget.fontMetrics().lineSpacing() * 2 + 12)
                widget.installEventFilter(self)
            else:
                widget.date_changed.connect(lambda value, name=spec.name: self._edit(name, value))
            widget.setAccessibleName(spec.label)
            widget.setProperty("field", spec.name)
            self.fields[spec.name] = widget
            form.addRow(spec.label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        self.add_button.clicked.connect(lambda: record_exception(context, self))
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        context.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if self.isVisible() and changes.touches(Kind.FIELDWORK, Kind.CONTROLS, Kind.REQUESTS):
            self.reload()

    def reload(self) -> None:
        engagement_id = self.context.engagement_id
        rows = (
            self.context.run(
                "Load exceptions",
                lambda: list_exceptions(self.context.workspace, engagement_id=engagement_id),
            )
            if engagement_id is not None
            else []
        )
        self.model.replace_rows(rows or [])
        if not self.table.selectionModel().currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
        self._show_selected()

    def selected(self) -> ExceptionRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_selected(self) -> None:
        row = self.selected()
        for name, widget in self.fields.items():
            widget.blockSignals(True)
            if isinstance(widget, DateField):
                widget.set_value(getattr(row, name) if row else None)
            else:
                widget.setPlainText(getattr(row, name) if row else "")
            widget.setEnabled(row is not None)
            widget.blockSignals(False)
        self.delete_button.setEnabled(row is not None)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
        if isinstance(watched, QPlainTextEdit) and event.type() == event.Type.FocusOut:
            self._edit(str(watched.property("field")), watched.toPlainText())
        return super().eventFilter(watched, event)

    def _edit(self, name: str, value: Any) -> None:
        row = self.selected()
        if row is None:
            return
        before = getattr(row, name)
        if isinstance(value, str):
            value = value.strip()
        if value == before:
            return
        workspace = self.context.workspace
        exception_id = row.id

        def write(values: Any) -> None:
            update_exception(workspace, exception_id, **values)

        self.context.push(
            EditFields(
                self.context,
                f"Change the exception's {name.replace('_', ' ')}",
                write,
                {name: before},
                {name: value},
            )
        )

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None or not self.context.interaction.confirm(
            "Delete exception",
            f"Delete the exception against {row.subject}? Edit ▸ Undo brings it back.",
            action="Delete",
        ):
            return
        workspace = self.context.workspace
        self.context.push(
            Deletion(
                self.context,
                "Delete an exception",
                [row.id],
                lambda ids: delete_exceptions(workspace, ids),
                lambda snapshot: restore_exceptions(workspace, snapshot),
            )
        )


class ControlFieldworkPanel(QWidget):
    """One control's population, samples and exceptions, in its detail panel."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.control: ControlRow | None = None
        self.summary = _wrapped()
        self.population_button = QPushButton("Population…")
        self.draw_button = QPushButton("Draw sample…")
        self.exception_button = QPushButton("Exception…")
        buttons = QHBoxLayout()
        for button in (self.population_button, self.draw_button, self.exception_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(QLabel("<b>Fieldwork</b>"))
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.population_button.clicked.connect(lambda: self._act(add_population_file))
        self.draw_button.clicked.connect(lambda: self._act(draw_sample))
        self.exception_button.clicked.connect(self.record_exception)
        context.changed.connect(self._changed)

    def record_exception(self) -> None:
        if self.control is not None:
            record_exception(self.context, self, control_id=self.control.id)

    def _act(self, action: Any) -> None:
        if self.control is not None:
            action(self.context, self, self.control.id)

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.FIELDWORK):
            self.show_control(self.control)

    def show_control(self, control: ControlRow | None) -> None:
        self.control = control
        self.setEnabled(control is not None)
        if control is None:
            self.summary.clear()
            return
        engagement_id = control.engagement_id
        loaded = self.context.run(
            "Load fieldwork",
            lambda: (
                list_populations(self.context.workspace, engagement_id=engagement_id, control_id=control.id),
                list_samples(self.context.workspace, engagement_id=engagement_id, control_id=control.id),
                list_exceptions(self.context.workspace, engagement_id=engagement_id, control_id=control.id),
            ),
        )
        if loaded is None:
            return
        populations, samples, exceptions = loaded
        latest = populations[-1] if populations else None
        parts = [
            f"Population: {latest.file_name}, {latest.item_count} occurrences"
            if latest
            else "No population yet",
            f"{counted(len(samples), 'sample')} drawn",
            counted(len(exceptions), "exception"),
        ]
        self.summary.setText(" · ".join(parts))
