"""A searchable checklist of the catalog's criteria, for mapping controls."""

from collections.abc import Iterable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import load_catalog

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


class CriteriaPicker(QDialog):
    """Tick the criteria a control maps to; any criterion of the catalog may be chosen."""

    def __init__(
        self, selected: Iterable[str], title: str = "Map criteria", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        chosen = set(selected)
        self.model = QStandardItemModel(self)
        for criterion in load_catalog().criteria:
            item = QStandardItem(f"{criterion.id}  {criterion.title}  ({criterion.category})")
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if criterion.id in chosen else Qt.CheckState.Unchecked)
            item.setData(criterion.id, ID_ROLE)
            item.setData(criterion.search_text + " " + criterion.category.casefold(), SEARCH_ROLE)
            item.setToolTip(criterion.about)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by ID or any word, e.g. “backup” or “CC6”")
        self.search.setClearButtonEnabled(True)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.count = QLabel()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.search.textChanged.connect(lambda text: self.proxy.setFilterFixedString(text.strip().casefold()))
        self.model.itemChanged.connect(lambda _item: self._count())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.resize(560, 520)
        self._count()

    def selected(self) -> list[str]:
        """The ticked criterion IDs in catalog order."""
        return [
            str(self.model.item(row).data(ID_ROLE))
            for row in range(self.model.rowCount())
            if self.model.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, criterion_id: str, checked: bool) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(ID_ROLE) == criterion_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _count(self) -> None:
        chosen = self.selected()
        self.count.setText(f"{len(chosen)} selected: {', '.join(chosen)}" if chosen else "None selected")
