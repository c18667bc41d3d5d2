"""The Exports page: choose, export off the GUI thread, history, changes since the last package;
the scoping memo from the wizard and the Scope page."""

import zipfile
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtWidgets import QWizard

from app.services.controls import add_control
from app.services.engagements import create_engagement, update_engagement
from app.services.exports import export_history
from app.services.workspace import Workspace
from app.ui.pages.exports import ExportsPage
from app.ui.pages.scope import ScopePage


def scoped(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="Export Co", company="Export Co Ltd")
    assert engagement.id is not None
    update_engagement(
        workspace, engagement.id, report_kinds=["SOC 2"], report_type="Type 1", categories=["Security"]
    )
    add_control(
        workspace,
        engagement_id=engagement.id,
        ref="GOV-01",
        title="Code of conduct",
        criteria="CC1.1",
        owner="HR",
        status="implemented",
    )
    return engagement.id


def test_export_selected_files_and_history(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    page = window.open_page(ExportsPage)
    assert "No evidence package" in page.changes.text()
    out = tmp_path / "out"
    out.mkdir()
    page.folder.setText(str(out))
    page.kinds["evidence-index"].setChecked(True)
    assert [kind for kind, _ in page.targets()] == ["xlsx", "pdf", "evidence-index", "package"]
    page.export_button.click()
    qtbot.waitUntil(lambda: not window.context.tasks, timeout=30_000)
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "Export Co - evidence-index.pdf",
        "Export Co - evidence-package.zip",
        "Export Co - readiness-checklist.pdf",
        "Export Co - workbook.xlsx",
    ]
    assert page.open_folder.isEnabled() and "Wrote" in page.result.text()
    assert page.history.rowCount() == 4
    assert "Nothing changed" in page.changes.text()
    assert {r.kind for r in export_history(workspace, engagement_id=engagement_id)} == {
        "xlsx",
        "pdf",
        "evidence-index",
        "package",
    }
    with zipfile.ZipFile(out / "Export Co - evidence-package.zip") as archive:
        assert any(name.endswith("/MANIFEST.sha256") for name in archive.namelist())
    add_control(workspace, engagement_id=engagement_id, ref="NEW-1", title="New control", criteria="CC1.2")
    page.refresh()
    assert "New controls: NEW-1" in page.changes.text()


def test_memo_from_the_wizard_summary_and_the_scope_page(
    workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    scoped(workspace)
    window = make_window()
    scope = window.open_page(ScopePage)
    assert not scope.memo_button.isEnabled()
    wizard = scope.open_wizard()
    assert wizard is not None
    wizard.service.boxes["customer_data"].setChecked(True)
    for _ in range(4):
        wizard.button(QWizard.WizardButton.NextButton).click()
    wizard.summary.type_box.setCurrentText("Type 2")
    wizard.summary.reason.setText("Enterprise deal needs a Type 2")
    interaction.save_paths.append(tmp_path / "draft memo.pdf")
    assert wizard.save_memo() == tmp_path / "draft memo.pdf"
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "draft memo.pdf").pages)
    assert "Enterprise deal needs a Type 2" in text
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert scope.memo_button.isEnabled()
    interaction.save_paths.append(tmp_path / "memo.pdf")
    scope.save_memo()
    assert (tmp_path / "memo.pdf").read_bytes().startswith(b"%PDF")


def test_import_an_edited_workbook_from_the_controls_page(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    import openpyxl

    from app.services.controls import list_controls
    from app.services.exports import run_export
    from app.ui.pages.controls import ControlsPage

    engagement_id = scoped(workspace)
    add_control(
        workspace, engagement_id=engagement_id, ref="GOV-02", title="Board oversight", criteria="CC1.2"
    )
    workbook = run_export(
        workspace, engagement_id=engagement_id, kind="xlsx", target=tmp_path / "w.xlsx"
    ).path
    book = openpyxl.load_workbook(workbook)
    sheet = book["All controls"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("Owner") + 1, value="People team")
    sheet.append(["GOV-03", "Org chart published"])
    book.save(workbook)
    window = make_window()
    page = window.open_page(ControlsPage)
    interaction.files.append([workbook])
    interaction.confirmations.append(True)
    page.import_button.click()
    qtbot.waitUntil(lambda: not window.context.tasks and len(interaction.asked) > 0, timeout=20_000)
    qtbot.waitUntil(lambda: not window.context.tasks, timeout=20_000)
    assert "1 added, 1 changed, 0 removed" in interaction.asked[-1]
    assert "Owner: 'HR' -> 'People team'" in interaction.asked[-1]
    rows = {row.ref: row for row in list_controls(workspace, engagement_id=engagement_id)}
    assert rows["GOV-01"].owner == "People team" and "GOV-03" in rows
    assert page.model.rowCount() == 3
    assert window.context.undo_stack.undoText() == "Import w.xlsx"
    window.context.undo_stack.undo()
    rows = {row.ref: row for row in list_controls(workspace, engagement_id=engagement_id)}
    assert rows["GOV-01"].owner == "HR" and sorted(rows) == ["GOV-01", "GOV-02"]
    assert page.model.rowCount() == 2


def test_an_import_keeps_controls_the_workbook_lost_unless_the_box_is_ticked(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    import openpyxl

    from app.services.controls import list_controls
    from app.services.exports import run_export
    from app.ui.pages.controls import ControlsPage

    engagement_id = scoped(workspace)
    add_control(
        workspace, engagement_id=engagement_id, ref="GOV-02", title="Board oversight", criteria="CC1.2"
    )
    workbook = run_export(
        workspace, engagement_id=engagement_id, kind="xlsx", target=tmp_path / "w.xlsx"
    ).path
    book = openpyxl.load_workbook(workbook)
    book["All controls"].delete_rows(3)
    book.save(workbook)
    window = make_window()
    page = window.open_page(ControlsPage)
    for delete in (False, True):
        interaction.files.append([workbook])
        interaction.confirmations.append(True)
        interaction.options.append(delete)
        asked = len(interaction.asked)
        page.import_button.click()
        qtbot.waitUntil(lambda n=asked: len(interaction.asked) > n, timeout=20_000)
        qtbot.waitUntil(lambda: not window.context.tasks, timeout=20_000)
        assert "GOV-02: Board oversight (Not started, 0 evidence files)" in interaction.asked[-1]
        assert "[ ] Also delete the 1 control the workbook no longer lists" in interaction.asked[-1]
        refs = sorted(row.ref for row in list_controls(workspace, engagement_id=engagement_id))
        assert refs == (["GOV-01"] if delete else ["GOV-01", "GOV-02"])
    window.context.undo_stack.undo()
    assert sorted(row.ref for row in list_controls(workspace, engagement_id=engagement_id)) == [
        "GOV-01",
        "GOV-02",
    ]
