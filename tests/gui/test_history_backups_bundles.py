"""History from each page by menu and keyboard, restoring a backup from the File menu, and moving an
engagement as a bundle from the Engagements page."""

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from app.db.backups import daily_backup
from app.services.controls import add_control, update_control
from app.services.engagements import create_engagement, list_engagements
from app.services.evidence import add_evidence, update_evidence
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.controls import ControlsPage
from app.ui.pages.engagements import EngagementsPage
from app.ui.pages.evidence import EvidencePage
from app.ui.widgets.table_dialog import TableDialog


def menu_action(window: MainWindow, page: type, text: str) -> Any:
    index = window.index_of(page)
    return next(a for a in window.page_menu_actions[index] if a.text().replace("&", "") == text)


def rows_of(dialog: TableDialog) -> list[list[str]]:
    model = dialog.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_history_of_a_control_an_evidence_item_and_the_engagement(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement = create_engagement(workspace, name="FY26")
    control = add_control(workspace, engagement_id=engagement.id, ref="AC-1", title="Access")
    update_control(workspace, control.id, owner="Dana")
    (tmp_path / "users.csv").write_text("u\n")
    (evidence,) = add_evidence(workspace, engagement_id=engagement.id, files=[tmp_path / "users.csv"])
    update_evidence(workspace, evidence.id, notes="From the HR system")
    window = make_window()
    controls = window.open_page(ControlsPage)
    controls.select_control(control.id)
    action = menu_action(window, ControlsPage, "Show history…")
    assert action.shortcut() == QKeySequence("Ctrl+H")
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = controls.history_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "History of control AC-1"
    assert [row[1:] for row in rows_of(dialog)] == [
        ["control AC-1", "owner", "", "Dana"],
        ["control AC-1", "created", "", "Access"],
    ]
    dialog.close()
    page = window.open_page(EvidencePage)
    page.select(evidence.id)
    menu_action(window, EvidencePage, "Show history…").trigger()
    assert [row[2:] for row in rows_of(page.history_dialog)] == [
        ["notes", "", "From the HR system"],
        ["created", "", "users.csv"],
    ]
    page.history_dialog.close()
    engagements = window.open_page(EngagementsPage)
    menu_action(window, EngagementsPage, "Show history…").trigger()
    assert len(rows_of(engagements.history_dialog)) == 5
    assert engagements.history_dialog.windowTitle() == "History of “FY26”"


def test_restore_a_backup_from_the_file_menu(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    create_engagement(workspace, name="Kept")
    daily_backup(workspace.database_path, today=date(2026, 3, 1))
    create_engagement(workspace, name="Later")
    window = make_window()
    restore = next(a for a in window.menuBar().actions()[0].menu().actions() if "Restore" in a.text())
    restore.trigger()
    dialog = window.backups_dialog
    assert rows_of(dialog) == [["2026-03-01", "Daily copy", rows_of(dialog)[0][2], "workbench-2026-03-01.db"]]
    assert dialog.action_button is not None and not dialog.action_button.isEnabled()
    dialog.table.selectRow(0)
    interaction.confirmations.append(True)
    dialog.action_button.click()
    assert "copy of 2026-03-01" in interaction.asked[-1]
    assert [e.name for e in list_engagements(workspace)] == ["Kept"]
    assert interaction.infos[-1][0] == "Backup restored"
    assert [window.engagement_box.itemText(i) for i in range(window.engagement_box.count())] == ["Kept"]


def test_export_and_import_an_engagement_bundle_from_the_engagements_page(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement = create_engagement(workspace, name="FY26")
    add_control(workspace, engagement_id=engagement.id, ref="AC-1", title="Access")
    window = make_window()
    window.open_page(EngagementsPage)
    target = tmp_path / "fy26.socwb"
    interaction.save_paths.append(target)
    menu_action(window, EngagementsPage, "Export as a bundle…").trigger()
    qtbot.waitUntil(lambda: not window.context.tasks and bool(interaction.infos), timeout=20_000)
    assert target.exists() and interaction.infos[-1][0] == "Engagement exported"
    interaction.files.append([target])
    menu_action(window, EngagementsPage, "Import a bundle…").trigger()
    qtbot.waitUntil(lambda: interaction.infos[-1][0] == "Engagement imported", timeout=20_000)
    assert [e.name for e in list_engagements(workspace)] == ["FY26", "FY26 (copy)"]
    assert window.engagement_box.currentText() == "FY26 (copy)"
    assert not interaction.errors
