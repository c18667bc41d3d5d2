"""Item-data roles the models share, so views can read ids without importing every model."""

from PySide6.QtCore import Qt

CONTROL_ID_ROLE = Qt.ItemDataRole.UserRole + 10
EVIDENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 30
