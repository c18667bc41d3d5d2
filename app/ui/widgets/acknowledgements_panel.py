"""Staff and acknowledgements: import staff lists and sign-off sheets, record acknowledgements, find gaps.

Files are read off the GUI thread; what they hold is then written as one
undoable step (:class:`~app.ui.commands.Reversible`), after the user saw
what it will do.
"""

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.files import safe_name
from app.domain.policy_records import REGISTER_FILE, PolicyRecords
from app.domain.staff import ACKNOWLEDGEMENT_DAYS, AcknowledgementRow
from app.domain.wording import counted
from app.services.evidence import delete_evidence
from app.services.exports import run_export
from app.services.staff import (
    REGISTER_KIND,
    SignoffPreview,
    StaffImportPreview,
    attach_acknowledgement_register,
    import_staff,
    list_staff,
    preview_staff_import,
    read_signoff_sheet,
    record_acknowledgements,
    remove_acknowledgements,
    replace_staff,
)
from app.ui.commands import Reversible
from app.ui.context import AppContext
from app.ui.interaction import documents_folder
from app.ui.models.policies import AcknowledgementTableModel, LateStarterTableModel

TABLE_FILES = "Staff lists and sign-off sheets (*.csv *.xlsx *.xlsm *.txt *.tsv);;All files (*)"
SHOW_EVERYONE, SHOW_OUTSTANDING, SHOW_LATE = "everyone", "outstanding", "late"
EMPTY_STAFF = (
    "No staff list yet. Import one from your HR system or a spreadsheet (CSV or Excel) with a name and an "
    "email column; role, start date and end date are read too. Import it again whenever people join or leave."
)


class AcknowledgementsPanel(QWidget):
    """Who must acknowledge the policies in force, who has, and who joined without doing so in time."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.records = PolicyRecords()
        self.today = date.today()
        self.register = AcknowledgementTableModel()
        self.late = LateStarterTableModel()
        self.table = QTableView()
        self.table.setAccessibleName("Acknowledgements")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(EMPTY_STAFF)
        self.empty.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self._buttons())
        layout.addWidget(self.summary)
        layout.addLayout(self._filters())
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self._show_model()

    def _buttons(self) -> QHBoxLayout:
        self.import_staff_button = QPushButton("Import staff list…")
        self.import_signoff_button = QPushButton("Import sign-off sheet…")
        self.record_button = QPushButton("Record acknowledgement…")
        self.record_button.setToolTip("Record that the selected people acknowledged the policy in force")
        self.export_button = QPushButton("Export register…")
        self.attach_button = QPushButton("Attach register as evidence…")
        self.attach_button.setToolTip(
            "Write the register workbook and add it as evidence of the policy acknowledgement controls"
        )
        row = QHBoxLayout()
        for button in (self.import_staff_button, self.import_signoff_button, self.record_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.attach_button)
        self.import_staff_button.clicked.connect(self.choose_staff_list)
        self.import_signoff_button.clicked.connect(self.choose_signoff_sheet)
        self.record_button.clicked.connect(self.record_selected)
        self.export_button.clicked.connect(self.export_register)
        self.attach_button.clicked.connect(self.attach_register)
        return row

    def _filters(self) -> QHBoxLayout:
        self.policy_box = QComboBox()
        self.policy_box.setAccessibleName("Policy")
        self.policy_box.setMinimumContentsLength(28)
        self.policy_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.show_box = QComboBox()
        self.show_box.setAccessibleName("Show")
        self.show_box.addItem("Everyone", SHOW_EVERYONE)
        self.show_box.addItem("Not acknowledged the version in force", SHOW_OUTSTANDING)
        self.show_box.addItem("Joined without acknowledging within", SHOW_LATE)
        self.days = QSpinBox()
        self.days.setAccessibleName("Days allowed to new starters")
        self.days.setRange(1, 365)
        self.days.setValue(ACKNOWLEDGEMENT_DAYS)
        self.days.setSuffix(" days")
        row = QHBoxLayout()
        row.addWidget(QLabel("Policy"))
        row.addWidget(self.policy_box)
        row.addWidget(QLabel("Show"))
        row.addWidget(self.show_box)
        row.addWidget(self.days)
        row.addStretch(1)
        self.policy_box.currentIndexChanged.connect(lambda _i: self._fill())
        self.show_box.currentIndexChanged.connect(lambda _i: self._show_model())
        self.days.valueChanged.connect(lambda _v: self._fill())
        return row

    # --- showing ------------------------------------------------------------------------

    def show_records(self, records: PolicyRecords, today: date) -> None:
        self.records, self.today = records, today
        current = self.policy_box.currentData()
        self.policy_box.blockSignals(True)
        self.policy_box.clear()
        for policy, version in records.in_force:
            self.policy_box.addItem(f"{policy.title} ({version.version})", policy.key)
        if not records.in_force:
            self.policy_box.addItem("No policy is approved yet", None)
        self.policy_box.setCurrentIndex(max(self.policy_box.findData(current), 0))
        self.policy_box.blockSignals(False)
        people = [p for p in records.staff if p.active_on(today)]
        leavers = len(records.staff) - len(people)
        self.summary.setText(
            f"{len(people)} people on the staff list today"
            + (f", {leavers} others left or not started" if leavers else "")
            + f"; {len(records.acknowledgements)} acknowledgements recorded."
            if records.staff
            else ""
        )
        self.empty.setVisible(not records.staff)
        self.table.setVisible(bool(records.staff))
        self._update_buttons()
        self._fill()

    def _update_buttons(self) -> None:
        ready = bool(self.records.in_force) and bool(self.records.staff)
        for button in (self.import_signoff_button, self.export_button, self.attach_button):
            button.setEnabled(ready)
        self.record_button.setEnabled(ready and self.mode() != SHOW_LATE)

    def mode(self) -> str:
        return str(self.show_box.currentData())

    def _show_model(self) -> None:
        late = self.mode() == SHOW_LATE
        self.days.setEnabled(late)
        model = self.late if late else self.register
        if self.table.model() is not model:
            self.table.setModel(model)
            for column, width in enumerate((170, 230, 120, 90, 210)):
                self.table.setColumnWidth(column, width)
        self.register.set_outstanding_only(self.mode() == SHOW_OUTSTANDING)
        self._update_buttons()
        self._fill()

    def _fill(self) -> None:
        key = self.policy_box.currentData()
        rows = [r for r in self.records.register(self.today) if r.policy_key == key]
        self.register.set_rows(rows)
        late = [r for r in self.records.late(self.today, self.days.value()) if r.policy_key == key]
        self.late.set_rows(late)

    def selected_people(self) -> list[str]:
        if self.table.model() is not self.register:
            return []
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.register.row_at(row).email for row in rows]

    # --- staff list ---------------------------------------------------------------------

    def _folder(self) -> Path:
        return self.context.window_state.evidence_folder or documents_folder()

    def choose_staff_list(self) -> None:
        path = self.context.interaction.open_file("Import a staff list", self._folder(), TABLE_FILES)
        engagement_id = self.context.engagement_id
        if path is None or engagement_id is None:
            return
        workspace = self.context.workspace

        def work(_progress: Any, _cancel: Any) -> StaffImportPreview:
            return preview_staff_import(workspace, engagement_id=engagement_id, path=path)

        self.context.start(f"Reading {path.name}", work, lambda preview: self.apply_staff_list(path, preview))

    def apply_staff_list(self, path: Path, preview: StaffImportPreview) -> None:
        """Show what the staff list changes and, once confirmed, import it as one undoable step."""
        merge = preview.merge
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return
        warnings = "".join(f"\n• {warning}" for warning in preview.imported.warnings[:5])
        text = (
            f"{path.name} lists {len(preview.imported.staff)} people: {len(merge.added)} new, "
            f"{len(merge.updated)} with changes, {merge.unchanged} unchanged."
            + (
                f"\n\n{len(merge.not_in_file)} people already on the list are not in the file; they are kept."
                if merge.not_in_file
                else ""
            )
            + (f"\n\nNot read:{warnings}" if warnings else "")
        )
        if not self.context.interaction.confirm("Import staff list", text, action="Import"):
            return
        workspace, imported = self.context.workspace, preview.imported

        def do() -> Any:
            before = list_staff(workspace, engagement_id=engagement_id)
            import_staff(workspace, engagement_id=engagement_id, imported=imported)
            return before

        self.context.push(
            Reversible(
                self.context,
                f"Import the staff list {path.name}",
                do,
                lambda before: replace_staff(workspace, engagement_id=engagement_id, staff=before),
            )
        )

    # --- acknowledgements ---------------------------------------------------------------

    def _record(self, text: str, acknowledgements: list[AcknowledgementRow]) -> bool:
        engagement_id = self.context.engagement_id
        assert engagement_id is not None
        workspace = self.context.workspace
        return self.context.push(
            Reversible(
                self.context,
                text,
                lambda: record_acknowledgements(
                    workspace, engagement_id=engagement_id, acknowledgements=acknowledgements
                ),
                lambda merge: remove_acknowledgements(
                    workspace, engagement_id=engagement_id, acknowledgements=merge.added
                ),
            )
        )

    def choose_signoff_sheet(self) -> None:
        path = self.context.interaction.open_file(
            "Import a returned sign-off sheet", self._folder(), TABLE_FILES
        )
        engagement_id, key = self.context.engagement_id, self.policy_box.currentData()
        if path is None or engagement_id is None:
            return
        workspace = self.context.workspace

        def work(_progress: Any, _cancel: Any) -> SignoffPreview:
            return read_signoff_sheet(workspace, engagement_id=engagement_id, path=path, policy_key=key)

        self.context.start(
            f"Reading {path.name}", work, lambda preview: self.apply_signoff_sheet(path, preview)
        )

    def apply_signoff_sheet(self, path: Path, preview: SignoffPreview) -> None:
        """Show what the sheet records and, once confirmed, record the new acknowledgements undoably."""
        new = list(preview.merge.added)
        text = (
            f"{path.name} records {len(new)} new acknowledgements; {preview.merge.already_recorded} were "
            f"already recorded and {preview.imported.not_signed} people have not signed yet."
        )
        if not new:
            self.context.interaction.info("Import sign-off sheet", text)
            return
        if self.context.interaction.confirm("Import sign-off sheet", text, action="Record"):
            self._record(f"Record the acknowledgements of {path.name}", new)

    def record_selected(self) -> None:
        """Record that the selected people acknowledged the chosen policy's version in force on a day."""
        key = self.policy_box.currentData()
        emails = self.selected_people()
        if key is None or not emails:
            self.context.interaction.info(
                "Record acknowledgement", "Select the people who acknowledged the policy in the list first."
            )
            return
        policy = self.records.policy(key)
        version = policy.in_force
        assert version is not None
        answer = self.context.interaction.ask_text(
            "Record acknowledgement",
            f"Date {counted(len(emails), 'person', 'people')} acknowledged the "
            f"{policy.title} {version.version} (YYYY-MM-DD):",
            self.today.isoformat(),
        )
        if answer is None:
            return
        try:
            day = date.fromisoformat(answer.strip())
        except ValueError:
            self.context.interaction.error(
                "Record acknowledgement", f"{answer!r} is not a date in the form YYYY-MM-DD"
            )
            return
        rows = [AcknowledgementRow(policy.key, version.version, email, day) for email in emails]
        self._record(f"Record {len(rows)} acknowledgements of the {policy.title}", rows)

    # --- the register -------------------------------------------------------------------

    def _register_target(self, title: str) -> Path | None:
        engagement = self.context.engagement()
        prefix = safe_name(engagement.name) if engagement else "engagement"
        folder = self.context.window_state.export_folder or documents_folder()
        return self.context.interaction.save_file(
            title, folder / f"{prefix} - {REGISTER_FILE}", "Excel (*.xlsx)"
        )

    def export_register(self) -> None:
        engagement_id = self.context.engagement_id
        target = self._register_target("Export the acknowledgement register")
        if target is None or engagement_id is None:
            return
        workspace = self.context.workspace

        def work(progress: Any, cancel: Any) -> Any:
            return run_export(
                workspace,
                engagement_id=engagement_id,
                kind=REGISTER_KIND,
                target=target,
                progress=progress,
                cancel=cancel,
            )

        self.context.start("Exporting the register", work, lambda result: self._wrote(result.path))

    def _wrote(self, path: Path) -> None:
        self.summary.setText(f"Wrote {path}")

    def attach_register(self) -> None:
        """Write the register and add it as evidence of the acknowledgement controls, as one undoable step."""
        engagement_id = self.context.engagement_id
        target = self._register_target("Attach the acknowledgement register as evidence")
        if target is None or engagement_id is None:
            return
        workspace = self.context.workspace
        if self.context.push(
            Reversible(
                self.context,
                "Attach the acknowledgement register as evidence",
                lambda: attach_acknowledgement_register(
                    workspace, engagement_id=engagement_id, target=target
                ),
                lambda attached: delete_evidence(workspace, [attached.evidence.id]),
            )
        ):
            self._wrote(target)
