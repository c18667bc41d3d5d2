"""A small timeline of a control's period slices: covered, missing or still to come."""

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.sampling import SliceCoverage

COVERED = QColor(22, 150, 70)
MISSING = QColor(200, 40, 40)


def slice_word(item: SliceCoverage) -> str:
    if item.covered:
        return "covered"
    return "missing" if item.missing else "to come"


class CoverageTimeline(QWidget):
    """One cell per slice of the review period; the tooltip and accessible text say it in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slices: list[SliceCoverage] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_slices(self, slices: Sequence[SliceCoverage]) -> None:
        self.slices = list(slices)
        text = "; ".join(f"{s.label}: {slice_word(s)}" for s in self.slices)
        self.setToolTip(text or "Not a recurring control: no period slices")
        self.setAccessibleDescription(text)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(240, self.fontMetrics().height() + 10)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        if not self.slices:
            return
        painter = QPainter(self)
        palette = self.palette()
        width = self.width() / len(self.slices)
        height = self.height() - 2
        track = palette.color(QPalette.ColorRole.Mid)
        for index, item in enumerate(self.slices):
            cell = QRectF(index * width + 1, 1, max(width - 2, 1), height)
            colour = COVERED if item.covered else MISSING if item.missing else track
            painter.fillRect(cell, colour)
            label = item.label[-2:] if len(self.slices) > 6 else item.label
            if painter.fontMetrics().horizontalAdvance(label) < width - 4:
                painter.setPen(
                    QColor("white")
                    if item.covered or item.missing
                    else palette.color(QPalette.ColorRole.Text)
                )
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
