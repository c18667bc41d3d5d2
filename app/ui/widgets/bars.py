"""Readiness bars drawn with QPainter: one labelled bar per category, showing both measures."""

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.readiness import CategoryReadiness


class ReadinessBars(QWidget):
    """A horizontal bar per category: the share of its criteria that are designed (light) and the share
    that are evidenced (solid, drawn over it), with the words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CategoryReadiness] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Readiness by category")

    def set_rows(self, rows: Sequence[CategoryReadiness]) -> None:
        self.rows = list(rows)
        self.setAccessibleDescription(
            "; ".join(f"{r.category}: {_words(r)}" for r in self.rows) or "No categories in scope"
        )
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def _line(self) -> int:
        return self.fontMetrics().height()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(480, max(1, len(self.rows)) * self._line() * 2 + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        line = self._line()
        label_width = (
            max((self.fontMetrics().horizontalAdvance(r.category) for r in self.rows), default=0) + 16
        )
        text_width = self.fontMetrics().horizontalAdvance("100% designed · 100% evidenced · 33 criteria") + 16
        bar_width = max(40, self.width() - label_width - text_width)
        accent = palette.color(QPalette.ColorRole.Highlight)
        track = palette.color(QPalette.ColorRole.Mid)
        track.setAlpha(90)
        for index, row in enumerate(self.rows):
            top = 4 + index * line * 2
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(
                QRectF(0, top, label_width, line * 1.5), Qt.AlignmentFlag.AlignVCenter, row.category
            )
            bar = QRectF(label_width, top + line * 0.25, bar_width, line)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 3, 3)
            for share, alpha in ((row.readiness, 95), (row.evidenced_readiness, 255)):
                if share > 0:
                    colour = QColor(accent)
                    colour.setAlpha(alpha)
                    painter.setBrush(colour)
                    painter.drawRoundedRect(
                        QRectF(bar.left(), bar.top(), bar.width() * share, bar.height()), 3, 3
                    )
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            text = _words(row)
            painter.drawText(
                QRectF(label_width + bar_width + 12, top, text_width, line * 1.5),
                Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        painter.end()


def _words(row: CategoryReadiness) -> str:
    """``62% designed · 40% evidenced · 33 criteria``."""
    return (
        f"{row.readiness:.0%} designed · {row.evidenced_readiness:.0%} evidenced · "
        f"{row.criteria_in_scope} criteria"
    )
