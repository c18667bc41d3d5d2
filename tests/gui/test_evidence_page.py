"""Evidence in the window: add with progress, drop onto a control, cancel, verify, filters, panel."""

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.modeltest import ModelTester

from app.services.controls import add_control, update_control
from app.services.engagements import create_engagement, update_engagement
from app.services.evidence import list_evidence, stored_path
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.controls import ControlsPage
from app.ui.pages.evidence import EvidencePage


def engagement_with_control(workspace: Workspace) -> tuple[int, int]:
    engagement = create_engagement(workspace, name="Evidence Co")
    assert engagement.id is not None
    update_engagement(
        workspace,
        engagement.id,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    control = add_control(
        workspace,
        engagement_id=engagement.id,
        ref="ACC-03",
        title="Quarterly access review",
        criteria="CC6.3",
        frequency="quarterly",
        owner="IT",
    )
    return engagement.id, control.id


def wait_for_tasks(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.context.tasks, timeout=20_000)


def test_add_files_with_the_picker_and_dedupe(
    qtbot: Any,
    workspace: Workspace,
    make_window: Any,
    interaction: Any,
    tmp_path: Path,
    qtmodeltester: ModelTester,
) -> None:
    engagement_id, _ = engagement_with_control(workspace)
    window = make_window()
    page = window.open_page(EvidencePage)
    assert page.drop_hint.isVisible()
    first = tmp_path / "policy.txt"
    first.write_text("Information security policy v3")
    same = tmp_path / "policy-copy.txt"
    same.write_text("Information security policy v3")
    interaction.files.append([first, same])
    page.add_button.click()
    assert page.add_dialog is not None and page.add_dialog.isVisible()
    page.add_dialog.accept()
    wait_for_tasks(qtbot, window)
    rows = list_evidence(workspace, engagement_id=engagement_id)
    assert [r.file_name for r in rows] == ["policy.txt", "policy-copy.txt"]
    assert rows[0].sha256 == rows[1].sha256 == hashlib.sha256(first.read_bytes()).hexdigest()
    assert page.model.rowCount() == 2 and not page.drop_hint.isVisible()
    qtmodeltester.check(page.model)
    page.unlinked_filter.setChecked(True)
    assert page.model.rowCount() == 2
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("Image"))
    assert page.model.rowCount() == 0
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("Text"))
    assert page.model.rowCount() == 2
    assert first.read_text() == "Information security policy v3"


def test_drop_files_on_a_control_row_links_them(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    window = make_window()
    page = window.open_page(ControlsPage)
    screenshot = tmp_path / "review-q1.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "users.csv").write_text("name,role\nana,admin\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(screenshot)), QUrl.fromLocalFile(str(folder))])
    position = page.table.visualRect(page.model.index(0, 1)).center()
    event = QDropEvent(
        QPointF(position),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert page.eventFilter(page.table.viewport(), event)
    assert event.isAccepted()
    wait_for_tasks(qtbot, window)
    rows = list_evidence(workspace, engagement_id=engagement_id, control_id=control_id)
    assert sorted((r.file_name, r.media_type) for r in rows) == [
        ("review-q1.png", "image/png"),
        ("users.csv", "text/csv"),
    ]
    panel = page.evidence_panel
    assert panel.control is not None and panel.control.id == control_id
    assert panel.list.count() == 2
    assert "Quarterly" in panel.sampling.text() and "suggested sample" in panel.sampling.text()
    assert [s.label for s in panel.timeline.slices] == ["2026-Q1", "2026-Q2"]


def test_drop_on_the_evidence_page(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    window = make_window()
    page = window.open_page(EvidencePage)
    note = tmp_path / "note.txt"
    note.write_text("x")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(note))])
    page.dropEvent(
        QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    dialog = page.add_dialog
    assert dialog is not None and "note.txt" in dialog.intro.text()
    dialog.search.setText("quarterly access")
    visible = [dialog.list.item(i) for i in range(dialog.list.count()) if not dialog.list.item(i).isHidden()]
    assert [item.text() for item in visible] == ["ACC-03  Quarterly access review"]
    dialog.set_checked(control_id, True)
    dialog.accept()
    wait_for_tasks(qtbot, window)
    (row,) = list_evidence(workspace, engagement_id=engagement_id)
    assert (row.file_name, row.controls) == ("note.txt", ["ACC-03"])


def test_cancelling_a_large_add_leaves_nothing(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id, _ = engagement_with_control(workspace)
    window = make_window()
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        for _ in range(64):
            handle.write(b"\x5a" * (1 << 20))
    from app.ui.evidence_actions import add_files

    window.open_page(EvidencePage)
    assert add_files(window.context, [big]) is not None
    qtbot.waitUntil(lambda: window.context.tasks[0].title.startswith("Adding"), timeout=20_000)
    task = window.context.tasks[0]
    assert window.context.task_bar.isVisible()
    with qtbot.waitSignal(task.signals.cancelled, timeout=20_000):
        window.context.task_bar.cancel()
    assert list_evidence(workspace, engagement_id=engagement_id) == []
    stored = [p for p in (workspace.evidence_dir).rglob("*") if p.is_file()]
    assert stored == []
    assert not window.context.task_bar.isVisible()


def test_verify_flags_an_altered_file(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id, _ = engagement_with_control(workspace)
    window = make_window()
    page = window.open_page(EvidencePage)
    source = tmp_path / "config.json"
    source.write_text('{"mfa": true}')
    interaction.files.append([source])
    dialog = page.choose_files()
    assert dialog is not None
    dialog.accept()
    wait_for_tasks(qtbot, window)
    (row,) = list_evidence(workspace, engagement_id=engagement_id)
    stored = stored_path(workspace, row.id)
    stored.chmod(0o644)
    stored.write_text('{"mfa": false}')
    page.verify_button.click()
    wait_for_tasks(qtbot, window)
    title, text = interaction.infos[-1]
    assert title == "Verify evidence" and "1 of 1 evidence files are missing or altered" in text
    page.problem_filter.setChecked(True)
    assert page.model.rowCount() == 1
    assert page.model.index(0, [c.header for c in page.model.columns].index("Flag")).data() == "Altered"


def test_details_edit_and_links(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    window = make_window()
    page = window.open_page(EvidencePage)
    source = tmp_path / "old.txt"
    source.write_text("old evidence")
    interaction.files.append([source])
    dialog = page.choose_files()
    assert dialog is not None
    dialog.accept()
    wait_for_tasks(qtbot, window)
    page.select(list_evidence(workspace, engagement_id=engagement_id)[0].id)
    details = page.details
    assert "old evidence" in details.preview_text.toPlainText()
    details.dates["collected_on"].line.setText("2025-11-03")
    details.dates["collected_on"].line.editingFinished.emit()
    (row,) = list_evidence(workspace, engagement_id=engagement_id)
    assert row.collected_on is not None and row.collected_on.isoformat() == "2025-11-03"
    page.stale_filter.setChecked(True)
    assert page.model.rowCount() == 1
    page.stale_filter.setChecked(False)
    page.select(row.id)
    checklist = details.edit_links()
    assert checklist is not None
    checklist.set_checked(control_id, True)
    checklist.accept()
    assert list_evidence(workspace, engagement_id=engagement_id)[0].controls == ["ACC-03"]


def test_settings_change_the_suggested_sample(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    from app.services.settings import get_sampling_conventions, get_type1_max_age_days

    _engagement_id, control_id = engagement_with_control(workspace)
    window = make_window()
    dialog = window.edit_settings()
    assert dialog.samples["quarterly"].value() == 2
    dialog.samples["quarterly"].setValue(3)
    dialog.type1_days.setValue(60)
    dialog.accept()
    assert get_sampling_conventions(workspace)["quarterly"].sample == 3
    assert get_type1_max_age_days(workspace) == 60
    page = window.open_page(ControlsPage)
    page.select_control(control_id)
    assert "suggested sample 2" in page.evidence_panel.sampling.text()  # two quarters in the period
    dialog = window.edit_settings()
    dialog.restore_defaults()
    assert dialog.samples["quarterly"].value() == 2


def test_population_brackets_are_named_and_set_the_sample_of_a_counted_control(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    from app.services.sampling import sampling_report

    engagement_id, control_id = engagement_with_control(workspace)
    update_control(workspace, control_id, frequency="per-event", population_size=30)
    window = make_window()
    dialog = window.edit_settings()
    labels = {
        dialog.samples[key].accessibleName()
        for key in ("population-1", "population-13-52", "population-53-plus")
    }
    assert labels == {
        "Sample for: Population of 1",
        "Sample for: Population of 13 to 52",
        "Sample for: Population of 53 or more",
    }
    assert dialog.samples["population-13-52"].value() == 5
    dialog.samples["population-13-52"].setValue(8)
    dialog.accept()
    [sampling] = sampling_report(workspace, engagement_id=engagement_id, today=date(2026, 7, 1))
    assert sampling.suggested_sample == 8


def test_readiness_lists_what_is_due(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    from app.ui.pages.readiness import ReadinessPage

    engagement_id, control_id = engagement_with_control(workspace)
    monthly = add_control(
        workspace,
        engagement_id=engagement_id,
        ref="MON-01",
        title="Monthly log review",
        criteria="CC7.2",
        frequency="monthly",
        owner="IT",
    )
    window = make_window()
    page = window.open_page(ReadinessPage)
    overdue = [page.overdue.item(i).text() for i in range(page.overdue.count())]
    soon = [page.due_soon.item(i).text() for i in range(page.due_soon.count())]
    assert any("ACC-03" in text for text in overdue + soon)
    assert any("MON-01" in text for text in overdue + soon)
    assert "Period coverage" in page.coverage.text()
    target = page.overdue if any("MON-01" in t for t in overdue) else page.due_soon
    item = next(target.item(i) for i in range(target.count()) if "MON-01" in target.item(i).text())
    target.itemActivated.emit(item)
    controls = window.current_page()
    assert isinstance(controls, ControlsPage) and controls.selected_ids() == [monthly.id]
    assert control_id != monthly.id
