"""Criteria browser: the Trust Services Criteria as a searchable tree, with plain explanations."""

from html import escape

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTextBrowser, QTreeView, QVBoxLayout

from app.domain.catalog import Catalog, Criterion, load_catalog
from app.ui.context import AppContext
from app.ui.pages.base import Page, page_heading, with_details

CRITERION_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 3


def build_criteria_model(catalog: Catalog) -> QStandardItemModel:
    """Category → group → criterion; criterion items carry their ID and search text."""
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["Criterion"])
    for category in catalog.categories:
        criteria = catalog.in_category(category.name)
        category_item = QStandardItem(f"{category.name} ({len(criteria)})")
        category_item.setData(category.name.casefold(), SEARCH_ROLE)
        category_item.setData(category.name, CATEGORY_ROLE)
        category_item.setEditable(False)
        groups: dict[str, QStandardItem] = {}
        for criterion in criteria:
            group = groups.get(criterion.group)
            if group is None:
                group = QStandardItem(criterion.group)
                group.setData(criterion.group.casefold(), SEARCH_ROLE)
                group.setEditable(False)
                groups[criterion.group] = group
                category_item.appendRow(group)
            item = QStandardItem(f"{criterion.id}  {criterion.title}")
            item.setData(criterion.id, CRITERION_ROLE)
            item.setData(criterion.search_text, SEARCH_ROLE)
            item.setEditable(False)
            item.setToolTip(criterion.title)
            group.appendRow(item)
        model.appendRow(category_item)
    return model


def explanation_html(catalog: Catalog, criterion: Criterion) -> str:
    """The detail text shown for a selected criterion."""

    def bullets(items: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"

    principle = f" · COSO principle {criterion.coso_principle}" if criterion.coso_principle else ""
    category = catalog.category(criterion.category)
    return (
        f"<h2>{escape(criterion.id)} — {escape(criterion.title)}</h2>"
        f"<p><i>{escape(criterion.category)} · {escape(criterion.group)}{principle}</i></p>"
        f"<h3>What it is about</h3><p>{escape(criterion.about)}</p>"
        f"<h3>What auditors look for</h3><p>{escape(criterion.auditors_look_for)}</p>"
        f"<h3>Typical controls</h3>{bullets(criterion.typical_controls)}"
        f"<h3>Typical evidence</h3>{bullets(criterion.typical_evidence)}"
        f"<hr><p><b>{escape(category.name)}</b>: {escape(category.summary)}</p>"
    )


def category_html(catalog: Catalog, name: str) -> str:
    category = catalog.category(name)
    required = " Every SOC 2 includes it." if category.required else " Optional: chosen by management."
    examples = "".join(f"<li>{escape(example)}</li>" for example in category.examples)
    return (
        f"<h2>{escape(category.name)}</h2><p>{escape(category.summary)}{required}</p>"
        f"<h3>When companies include it</h3><ul>{examples}</ul>"
        f"<p>{len(catalog.in_category(name))} criteria. "
        "Select one on the left to read about it.</p>"
    )


class CriteriaPage(Page):
    """The catalog to learn from: a tree on the left, the explanation on the right."""

    searchable = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.catalog = load_catalog()
        self.model = build_criteria_model(self.catalog)
        self.proxy = QSortFilterProxyModel()
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName("Trust Services Criteria")
        self.tree.expandToDepth(0)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setAccessibleName("Explanation of the selected criterion")
        splitter = with_details(self.tree, self.text, (480, 720))
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Trust Services Criteria",
                "The 61 criteria a SOC 2 is judged against, explained in plain words. "
                "Security is in every SOC 2; the other four categories are chosen.",
            )
        )
        layout.addWidget(splitter, 1)
        self.tree.selectionModel().currentChanged.connect(self._show)
        self.text.setHtml(
            "<h2>Trust Services Criteria</h2><p>Pick a category or a criterion on the left to "
            "read what it asks for, what auditors look for and what evidence usually "
            "satisfies it. Type in the search box to find criteria by any word.</p>"
        )

    def apply_search(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip().casefold())
        if text.strip():
            self.tree.expandAll()
        else:
            self.tree.collapseAll()
            self.tree.expandToDepth(0)

    def select_criterion(self, criterion_id: str) -> None:
        """Select and show a criterion (used when other pages jump here)."""
        matches = self.model.match(
            self.model.index(0, 0),
            CRITERION_ROLE,
            criterion_id,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        if matches:
            index = self.proxy.mapFromSource(matches[0])
            if index.isValid():
                self.tree.scrollTo(index)
                self.tree.setCurrentIndex(index)

    def current_criterion(self) -> str | None:
        index = self.tree.currentIndex()
        value = index.data(CRITERION_ROLE) if index.isValid() else None
        return str(value) if value else None

    def _show(self, index: QModelIndex) -> None:
        criterion_id = index.data(CRITERION_ROLE)
        if criterion_id:
            self.text.setHtml(explanation_html(self.catalog, self.catalog.criterion(criterion_id)))
        elif index.data(CATEGORY_ROLE):
            self.text.setHtml(category_html(self.catalog, index.data(CATEGORY_ROLE)))
