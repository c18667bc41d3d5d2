"""The Requests page: import with the mapping preview, edit and undo, link, drop files, fieldwork."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.modeltest import ModelTester

from app.domain.requests import RequestStatus
from app.services.controls import add_control, get_control
from app.services.engagements import create_engagement, update_engagement
from app.services.evidence import list_evidence
from app.services.fieldwork import add_population, list_exceptions, list_samples
from app.services.requests import (
    find_request,
    import_request_list,
    list_requests,
    preview_request_list,
    remembered_columns,
    update_request,
)
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.models.requests import ExceptionTableModel, RequestTableModel, SampleItemTableModel, sampled_items
from app.ui.models.roles import STATUS_ROLE
from app.ui.pages.controls import ControlsPage
from app.ui.pages.requests import RequestsPage
from app.ui.widgets.request_import import SheetPreviewModel
from tests.request_lists import (
    write_ambiguous_csv,
    write_auditor_workbook,
    write_csv_list,
    write_population_csv,
    write_updated_workbook,
)


def engagement(workspace: Workspace) -> tuple[int, int]:
    row = create_engagement(workspace, name="Acme")
    update_engagement(
        workspace,
        row.id,
        auditor_firm="Odd & Co",
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    control = add_control(
        workspace, engagement_id=row.id, ref="CM-01", title="Changes", criteria="CC8.1", frequency="per-event"
    )
    return row.id, control.id


def imported(workspace: Workspace, engagement_id: int, path: Path) -> None:
    import_request_list(workspace, preview_request_list(workspace, engagement_id=engagement_id, path=path))


def wait_for_tasks(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.context.tasks, timeout=20_000)


def choose(box: Any, data: Any) -> None:
    """Pick the item holding *data* in a combo box as a user does (the ``activated`` signal)."""
    box.setCurrentIndex(box.findData(data))
    box.activated.emit(box.currentIndex())


def test_import_with_the_mapping_preview(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id, _ = engagement(workspace)
    rows = [["Our list", "", ""], ["Ticket", "Ask", "Deadline"], ["T1", "Org chart", "2026-07-01"]]
    path = write_csv_list(tmp_path / "odd.csv", rows + [["T2", "Policies", "2026-07-02"]], delimiter=",")
    window = make_window()
    page = window.open_page(RequestsPage)
    assert page.body.currentIndex() == 1 and page.empty_import.isVisible()
    interaction.files.append([path])
    page.empty_import.click()
    wait_for_tasks(qtbot, window)
    dialog = page.import_dialog
    assert dialog is not None and dialog.isVisible()
    assert "row 2 of the sheet “odd” names no request-id or text column" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.header_row.value() == 2 and dialog.preview.mapping == {"due": 3}
    dialog.header_row.setValue(1)
    dialog.header_row.editingFinished.emit()
    wait_for_tasks(qtbot, window)
    assert dialog.preview.header_row == 1 and dialog.preview.mapping == {}
    dialog.header_row.setValue(2)
    dialog.header_row.editingFinished.emit()
    wait_for_tasks(qtbot, window)
    choose(dialog.role_boxes[next(r for r in dialog.role_boxes if r.value == "request-id")], 1)
    wait_for_tasks(qtbot, window)
    choose(dialog.role_boxes[next(r for r in dialog.role_boxes if r.value == "text")], 2)
    wait_for_tasks(qtbot, window)
    assert dialog.preview.problem is None and dialog.import_button.isEnabled()
    assert dialog.preview.mapping == {"request-id": 1, "text": 2, "due": 3}
    assert dialog.model.header_row == 2 and dialog.model.columns[1].header == "A · Request ID"
    assert "2 requests" in dialog.summary.text()
    dialog.accept()
    wait_for_tasks(qtbot, window)

    assert [r.request.request_id for r in list_requests(workspace, engagement_id=engagement_id)] == [
        "T1",
        "T2",
    ]
    assert remembered_columns(workspace, "Odd & Co") == {
        "Ticket": "request-id",
        "Ask": "text",
        "Deadline": "due",
    }
    assert interaction.infos[-1][0] == "Request list imported"
    assert page.body.currentIndex() == 0 and page.model.rowCount() == 2
    assert "odd.csv" in page.list_label.text() and "2 of 2 shown" in page.list_label.text()


def test_ambiguous_dates_are_asked(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id, _ = engagement(workspace)
    window = make_window()
    page = window.open_page(RequestsPage)
    interaction.files.append([write_ambiguous_csv(tmp_path / "q.csv")])
    page.import_list()
    wait_for_tasks(qtbot, window)
    dialog = page.import_dialog
    assert dialog is not None and "Choose how to read the dates" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    choose(dialog.date_order, True)
    wait_for_tasks(qtbot, window)
    assert dialog.import_button.isEnabled() and "dates read day first" in dialog.summary.text()
    dialog.accept()
    wait_for_tasks(qtbot, window)
    dues = [r.request.due for r in list_requests(workspace, engagement_id=engagement_id)]
    assert dues == [date(2026, 4, 3), date(2026, 6, 5)]


def test_edits_in_the_detail_panel_are_undoable(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "pbc.xlsx"))
    window = make_window()
    page = window.open_page(RequestsPage)
    second = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002")
    assert page.select(second.id)
    details = page.details
    assert details.detail is not None and details.detail.row.id == second.id
    assert "=SUM(A1) is not a formula" in details.auditor.text() and "CC9.9 (not a criterion we know)" in (
        details.auditor.text()
    )
    details.owner.setText("  Sam   Lee ")
    details.owner.editingFinished.emit()
    assert find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002").owner == "Sam Lee"
    choose(details.status, RequestStatus.PROVIDED)
    row = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002")
    assert (row.status, row.date_provided) == (RequestStatus.PROVIDED, date.today())
    assert page.model.row_by_id(second.id).status == RequestStatus.PROVIDED  # type: ignore[union-attr]

    window.context.undo_stack.undo()
    row = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002")
    assert (row.status, row.date_provided, row.owner) == (RequestStatus.OPEN, None, "Sam Lee")
    window.context.undo_stack.undo()
    assert find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002").owner == "Eli"
    assert details.owner.text() == "Eli"

    suggestion = details.suggestions.item(0)
    assert suggestion.text().startswith("CM-01") and suggestion.checkState() == Qt.CheckState.Checked
    details.link_ticked.click()
    assert find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002").controls == ("CM-01",)
    assert details.controls.count() == 1 and details.suggestions.count() == 0
    window.context.undo_stack.undo()
    assert find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002").controls == ()
    window.context.undo_stack.redo()
    assert get_control(workspace, control_id).ref in page.model.row_by_id(second.id).controls  # type: ignore[union-attr]

    dialog = details.enter_selection()
    assert dialog.number.text() == "3"
    dialog.item.setText("CHG-1300")
    dialog.accept()
    assert details.items.count() == 3 and details.items.item(2).text() == "3 · CHG-1300"
    window.context.undo_stack.undo()
    assert details.items.count() == 2
    assert [i.item for i in list_samples(workspace, engagement_id=engagement_id)[1].items] == [
        "CHG-1041",
        "CHG-1187",
    ]


def test_drop_files_on_a_request_row(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "pbc.xlsx"))
    second = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002")
    window = make_window()
    page = window.open_page(RequestsPage)
    page.details.show_request(second.id)
    page.details.link_ticked.click()
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("ticket\nCHG-1041\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tickets))])
    position = page.table.visualRect(page.model.index(page.model.row_of(second.id), 1)).center()
    event = QDropEvent(
        QPointF(position),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert page.eventFilter(page.table.viewport(), event) and event.isAccepted()
    wait_for_tasks(qtbot, window)
    (evidence,) = list_evidence(workspace, engagement_id=engagement_id, control_id=control_id)
    assert evidence.file_name == "tickets.csv"
    assert find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002").evidence == (
        "tickets.csv",
    )
    qtbot.waitUntil(lambda: page.details.evidence.count() == 1)
    assert page.model.row_by_id(second.id).evidence == ("tickets.csv",)  # type: ignore[union-attr]


def test_filters_show_what_is_overdue_due_this_week_and_withdrawn(
    qtbot: Any, workspace: Workspace, make_window: Any, tmp_path: Path
) -> None:
    engagement_id, _ = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "v1.xlsx"))
    imported(workspace, engagement_id, write_updated_workbook(tmp_path / "v2.xlsx"))
    rows = {r.request.request_id: r for r in list_requests(workspace, engagement_id=engagement_id)}
    today = date.today()
    update_request(workspace, rows["PBC-001"].id, due=today - timedelta(days=2))
    update_request(workspace, rows["PBC-002"].id, due=today + timedelta(days=3))
    update_request(workspace, rows["PBC-004"].id, due=today + timedelta(days=30), owner="Dana")
    window = make_window()
    page = window.open_page(RequestsPage)

    def shown() -> list[str]:
        return [page.model.row_at(row).request.request_id for row in range(page.model.rowCount())]

    assert shown() == ["PBC-001", "PBC-002", "PBC-004"]
    assert (page.overdue_button.text(), page.due_soon_button.text()) == ("Overdue (1)", "Due this week (1)")
    assert page.model.index(0, 3).data().endswith("· overdue")
    page.overdue_button.click()
    assert shown() == ["PBC-001"]
    page.due_soon_button.click()
    assert shown() == ["PBC-002"] and not page.overdue_button.isChecked()
    page.due_soon_button.click()
    page.withdrawn_filter.setChecked(True)
    assert shown() == ["PBC-001", "PBC-002", "PBC-004", "PBC-003"]
    page.owner_filter.setCurrentIndex(page.owner_filter.findData("Dana"))
    assert shown() == ["PBC-001", "PBC-004"]
    page.owner_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("withdrawn"))
    assert shown() == ["PBC-003"]
    page.apply_search("vpn")
    assert shown() == []


def test_samples_and_exceptions_from_the_page_and_the_control(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "pbc.xlsx"))
    population = write_population_csv(tmp_path / "changes.csv", 60, date(2026, 1, 1), date(2026, 6, 30))
    add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=population)
    window = make_window()
    page = window.open_page(RequestsPage)
    page.tabs.setCurrentWidget(page.samples)
    assert "changes.csv, 60 occurrences" in page.samples.populations.text()
    assert page.samples.model.rowCount() == 3

    draw = page.draw_sample()
    draw.control.setCurrentIndex(draw.control.findData(control_id))
    draw.sample_size.setValue(4)
    draw.accept()
    (drawn,) = [s for s in list_samples(workspace, engagement_id=engagement_id) if s.control_id == control_id]
    assert len(drawn.items) == 4 and page.samples.model.rowCount() == 7
    window.context.undo_stack.undo()
    assert page.samples.model.rowCount() == 3
    window.context.undo_stack.redo()
    assert page.samples.model.rowCount() == 7
    page.samples.table.selectRow(page.samples.model.row_of(drawn.items[0].id))
    assert drawn.seed in page.samples.method.toPlainText()

    dialog = page.samples.record_exception()
    assert dialog.target.currentData() == f"item:{drawn.items[0].id}"
    dialog.fields["description"].setPlainText("Deployed before approval")
    dialog.fields["occurred_on"].set_value(date(2026, 2, 3))
    dialog.accept()
    (exception,) = list_exceptions(workspace, engagement_id=engagement_id)
    assert (exception.description, exception.control_ref) == ("Deployed before approval", "CM-01")

    page.tabs.setCurrentWidget(page.exceptions)
    assert page.exceptions.model.rowCount() == 1
    panel = page.exceptions
    panel.table.selectRow(0)
    panel.fields["management_response"].setPlainText("Approvals are now enforced by the pipeline")
    panel._edit("management_response", panel.fields["management_response"].toPlainText())
    assert list_exceptions(workspace, engagement_id=engagement_id)[0].management_response.startswith(
        "Approvals"
    )
    window.context.undo_stack.undo()
    assert list_exceptions(workspace, engagement_id=engagement_id)[0].management_response == ""

    controls = window.open_page(ControlsPage)
    controls.select_control(control_id)
    summary = controls.fieldwork_panel.summary.text()
    assert (
        "changes.csv, 60 occurrences" in summary and "1 sample drawn" in summary and "1 exception" in summary
    )


def test_the_answered_list_and_the_package_are_written_off_the_gui_thread(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id, _ = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "pbc.xlsx"))
    window = make_window()
    page = window.open_page(RequestsPage)
    answered, package = tmp_path / "answered.xlsx", tmp_path / "package.zip"
    interaction.save_paths += [answered, package]
    page.export_list()
    wait_for_tasks(qtbot, window)
    page.export_package()
    wait_for_tasks(qtbot, window)
    assert answered.is_file() and package.is_file()
    assert [title for title, _ in interaction.infos[-2:]] == ["Saved", "Saved"]


def test_the_fieldwork_models(qtmodeltester: ModelTester, workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, control_id = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "pbc.xlsx"))
    requests = RequestTableModel(today=date(2026, 7, 18))
    requests.set_rows(list_requests(workspace, engagement_id=engagement_id))
    qtmodeltester.check(requests)
    assert [requests.index(row, 3).data() for row in range(3)] == [
        "2026-07-16 · overdue",
        "2026-07-20 · due this week",
        "2026-07-16 · overdue",
    ]
    assert [requests.index(row, 3).data(STATUS_ROLE) for row in range(3)] == ["missing", "stale", "missing"]
    assert requests.index(0, 2).data(STATUS_ROLE) == "not-started"
    assert requests.counts() == {"requests": 3, "overdue": 2, "due-soon": 1, "waiting": 3}
    requests.sort(3, Qt.SortOrder.DescendingOrder)
    assert requests.index(0, 0).data() == "PBC-002"
    samples = SampleItemTableModel()
    samples.set_rows(sampled_items(list_samples(workspace, engagement_id=engagement_id)))
    qtmodeltester.check(samples)
    exceptions = ExceptionTableModel()
    exceptions.set_rows(list_exceptions(workspace, engagement_id=engagement_id))
    qtmodeltester.check(exceptions)
    preview = SheetPreviewModel()
    preview.show_preview(
        preview_request_list(workspace, engagement_id=engagement_id, path=tmp_path / "pbc.xlsx")
    )
    qtmodeltester.check(preview)
    assert preview.columns[1].header == "A · Request ID" and preview.header_row == 5
    assert control_id
