"""The History dialog of an engagement, a control or an evidence item (from the change log)."""

from PySide6.QtWidgets import QWidget

from app.services.history import history
from app.ui.context import AppContext
from app.ui.models.history import HistoryTableModel
from app.ui.widgets.table_dialog import TableDialog

EXPLANATION = (
    "Every change recorded, newest first: when it was made, to what, and the value before and after. "
    "The history is kept even when the record is deleted."
)


def open_history(
    context: AppContext,
    parent: QWidget,
    subject: str,
    *,
    control_id: int | None = None,
    evidence_id: int | None = None,
) -> TableDialog | None:
    """Show the history of the current engagement (or of one of its controls or evidence items)."""
    engagement_id = context.engagement_id
    if engagement_id is None:
        return None
    rows = context.run(
        "History",
        lambda: history(
            context.workspace, engagement_id=engagement_id, control_id=control_id, evidence_id=evidence_id
        ),
    )
    if rows is None:
        return None
    model = HistoryTableModel()
    model.set_rows(rows)
    dialog = TableDialog(f"History of {subject}", EXPLANATION, model, parent)
    dialog.open()
    return dialog
