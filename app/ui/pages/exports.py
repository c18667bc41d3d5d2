"""Exports page: choose what to export and where, watch it run, open the folder, see the history."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.domain.changes import Changes, Kind
from app.domain.files import safe_name
from app.services.exports import (
    EXPORT_KINDS,
    KINDS_BY_NAME,
    ExportKind,
    ExportResult,
    changes_since_last_package,
    export_history,
    run_export,
)
from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.interaction import documents_folder
from app.ui.models.records import RecordTableModel
from app.ui.pages.base import Page, page_heading


@dataclass(frozen=True)
class _HistoryRow:
    id: int
    when: str
    what: str
    sha: str
    path: str


class ExportsPage(Page):
    """What to hand to the auditor, written atomically with progress and Cancel."""

    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.kinds: dict[str, QCheckBox] = {}
        self.choices: dict[str, tuple[ExportKind, str]] = {}
        for kind in EXPORT_KINDS:
            for extension in kind.extensions:
                key = kind.name if len(kind.extensions) == 1 else f"{kind.name}.{extension}"
                self.kinds[key] = QCheckBox(kind.label_for(extension))
                self.kinds[key].setChecked(kind.selected)
                self.choices[key] = (kind, extension)
        choose = QGroupBox("What")
        choose_layout = QGridLayout(choose)
        rows = (len(self.kinds) + 1) // 2
        for number, box in enumerate(self.kinds.values()):
            choose_layout.addWidget(box, number % rows, number // rows)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Export folder")
        self.browse = QPushButton("Choose…")
        where = QGroupBox("Where")
        where_layout = QHBoxLayout(where)
        where_layout.addWidget(self.folder, 1)
        where_layout.addWidget(self.browse)
        self.export_button = QPushButton(icon("package"), "Export")
        self.export_button.setDefault(True)
        self.open_folder = QPushButton(icon("folder-open"), "Open folder")
        self.open_folder.setEnabled(False)
        self.result = QLabel()
        self.result.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.open_folder)
        actions.addWidget(self.result, 1)
        self.changes = QLabel()
        self.changes.setWordWrap(True)
        changes_box = QGroupBox("Since the last evidence package")
        QVBoxLayout(changes_box).addWidget(self.changes)
        self.history = RecordTableModel(
            [("when", "When"), ("what", "What"), ("sha", "SHA-256"), ("path", "File")]
        )
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        self.history_view.setAccessibleName("Export history")
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.verticalHeader().hide()
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        history_box = QGroupBox("Export history")
        QVBoxLayout(history_box).addWidget(self.history_view)
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Exports",
                "The workbook, checklists and evidence package for the CPA firm. Files are dated by the "
                "engagement's last change, so exporting unchanged data again gives identical files.",
            )
        )
        top = QHBoxLayout()
        top.addWidget(choose)
        right = QVBoxLayout()
        right.addWidget(where)
        right.addWidget(changes_box)
        top.addLayout(right, 1)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(history_box, 1)
        self.browse.clicked.connect(self.choose_folder)
        self.export_button.clicked.connect(self.export_selected)
        self.open_folder.clicked.connect(self.show_folder)
        context.changed.connect(self._changed)
        context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.CONTROLS, Kind.EVIDENCE, Kind.EXPORTS):
            self._refresh_if_visible()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement_id = self.context.engagement_id
        self.export_button.setEnabled(engagement_id is not None and not self.context.workspace.read_only)
        if not self.folder.text():
            self.folder.setText(str(self.context.window_state.export_folder or documents_folder()))
        if engagement_id is None:
            self.history.set_rows([])
            self.changes.setText("Choose an engagement first.")
            return
        loaded = self.context.run(
            "Export history",
            lambda: (
                export_history(self.context.workspace, engagement_id=engagement_id),
                changes_since_last_package(self.context.workspace, engagement_id=engagement_id),
            ),
        )
        if loaded is None:
            return
        records, changes = loaded
        self.history.set_rows(
            [
                _HistoryRow(
                    r.id or 0,
                    r.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    KINDS_BY_NAME[r.kind].label if r.kind in KINDS_BY_NAME else r.kind,
                    r.manifest_sha256[:16],
                    r.path,
                )
                for r in records
            ]
        )
        if changes.last is None:
            self.changes.setText("No evidence package has been exported for this engagement yet.")
        elif changes.nothing:
            self.changes.setText(
                f"Nothing changed since the package of {changes.last.at.astimezone():%Y-%m-%d %H:%M}."
            )
        else:
            parts = [
                f"{label}: {', '.join(items[:12])}{' …' if len(items) > 12 else ''}"
                for label, items in (
                    ("New controls", changes.new_controls),
                    ("Changed controls", changes.changed_controls),
                    ("Removed controls", changes.removed_controls),
                    ("New evidence", changes.new_evidence),
                    ("Changed evidence", changes.changed_evidence),
                    ("Removed evidence", changes.removed_evidence),
                )
                if items
            ]
            self.changes.setText(
                f"Since the package of {changes.last.at.astimezone():%Y-%m-%d %H:%M}:\n" + "\n".join(parts)
            )

    def choose_folder(self) -> None:
        folder = self.context.interaction.choose_folder("Export to", Path(self.folder.text() or Path.home()))
        if folder is not None:
            self.folder.setText(str(folder))

    def targets(self) -> list[tuple[str, Path]]:
        """The chosen exports and the files they will write."""
        engagement = self.context.engagement()
        prefix = safe_name(engagement.name) if engagement else "export"
        folder = Path(self.folder.text()).expanduser()
        return [
            (kind.name, folder / f"{prefix} - {kind.file_for(extension)}")
            for key, (kind, extension) in self.choices.items()
            if self.kinds[key].isChecked()
        ]

    def export_package(self) -> None:
        """Seal the evidence package (only that) into the export folder."""
        engagement = self.context.engagement()
        prefix = safe_name(engagement.name) if engagement else "export"
        folder = Path(self.folder.text()).expanduser()
        self.export([("package", folder / f"{prefix} - {KINDS_BY_NAME['package'].file_name}")])

    def export_selected(self) -> None:
        self.export(self.targets())

    def export(self, targets: list[tuple[str, Path]]) -> None:
        """Write *targets* (kind, file) one after the other in the background, with progress and Cancel."""
        engagement_id = self.context.engagement_id
        if engagement_id is None or not targets:
            return
        if self.context.workspace.read_only:
            self.context.interaction.error(
                "Export",
                "Another SOC Workbench window has this workspace open, so this window is read-only and "
                "does not export (an export is recorded in the workspace). Export from the other window.",
            )
            return
        folder = Path(self.folder.text()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.context.interaction.error(
                "Export", f"Cannot use the folder {folder}: {error.strerror or error}"
            )
            return
        self.context.window_state.export_folder = folder
        self.export_button.setEnabled(False)
        self.result.setText("Exporting…")

        def work(progress: Any, cancel: Any) -> list[ExportResult]:
            results = []
            for number, (kind, target) in enumerate(targets):

                def step(done: int, total: int, n: int = number) -> None:
                    progress(n * 1000 + (1000 * done // total if total else 0), len(targets) * 1000)

                results.append(
                    run_export(
                        self.context.workspace,
                        engagement_id=engagement_id,
                        kind=kind,
                        target=target,
                        progress=step,
                        cancel=cancel,
                    )
                )
            return results

        def done(results: list[ExportResult]) -> None:
            self.export_button.setEnabled(True)
            self.open_folder.setEnabled(True)
            self.result.setText("Wrote " + ", ".join(result.path.name for result in results))

        def stopped(text: str) -> None:
            self.export_button.setEnabled(True)
            self.result.setText(text)

        task = self.context.start(
            "Exporting", work, done, lambda: stopped("Cancelled: the export that was running left no file.")
        )
        task.signals.failed.connect(lambda message: stopped(f"Export failed: {message}"))

    def show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder.text()))
