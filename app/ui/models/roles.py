"""Item-data roles the models share, so views can read ids without importing every model."""

from PySide6.QtCore import Qt

ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 5
"""The id of the row object behind a cell of any :class:`~app.ui.models.base.RowTableModel`."""
CONTROL_ID_ROLE = Qt.ItemDataRole.UserRole + 10
EVIDENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 30
STATUS_ROLE = Qt.ItemDataRole.UserRole + 40
"""A cell's status value (``in-progress``, ``stale``...): a status chip paints the cell."""
