"""The control matrix by criterion: category → criterion → its controls, gaps marked."""

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QPalette, QStandardItem, QStandardItemModel

from app.domain.catalog import load_catalog
from app.domain.controls import ControlRow
from app.domain.vocab import label
from app.ui.models.controls import natural_key
from app.ui.models.roles import CONTROL_ID_ROLE, STATUS_ROLE


def build_criterion_tree(controls: Sequence[ControlRow], categories: Sequence[str]) -> QStandardItemModel:
    """Category → criterion → its controls; a criterion without a control is marked as a gap."""
    catalog = load_catalog()
    by_criterion: dict[str, list[ControlRow]] = {}
    for row in controls:
        for criterion_id in row.criteria:
            by_criterion.setdefault(criterion_id, []).append(row)
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Criterion / control", "Owner", "Status"])
    gap_brush = QBrush(QPalette().color(QPalette.ColorRole.PlaceholderText))
    for category in categories:
        criteria = catalog.in_category(category)
        gaps = sum(1 for c in criteria if c.id not in by_criterion)
        category_item = QStandardItem(
            f"{category} — {len(criteria) - gaps} of {len(criteria)} criteria covered"
        )
        category_item.setEditable(False)
        for criterion in criteria:
            mapped = sorted(by_criterion.get(criterion.id, []), key=lambda r: natural_key(r.ref))
            text = f"{criterion.id}  {criterion.title}"
            item = QStandardItem(text if mapped else f"{text}  — gap: no control yet")
            item.setEditable(False)
            item.setToolTip(criterion.about)
            if not mapped:
                item.setForeground(gap_brush)
            row_items = [
                item,
                QStandardItem(""),
                QStandardItem(f"{len(mapped)} controls" if mapped else "Gap"),
            ]
            for control in mapped:
                child = [
                    QStandardItem(f"{control.ref}  {control.title}"),
                    QStandardItem(control.owner),
                    QStandardItem(label(control.status)),
                ]
                for cell in child:
                    cell.setEditable(False)
                    cell.setData(control.id, CONTROL_ID_ROLE)
                child[2].setData(control.status, STATUS_ROLE)
                item.appendRow(child)
            for cell in row_items[1:]:
                cell.setEditable(False)
            category_item.appendRow(row_items)
        model.appendRow([category_item, QStandardItem(), QStandardItem()])
    return model
