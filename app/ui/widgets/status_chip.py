"""Status chips: a status shown the same in every table, as its word on a tinted pill with its icon.

Colours follow UI.md: not started grey, in progress blue, implemented and
ready green, exception red, stale amber. The word is always there, so the
colour is never the only sign.
"""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QWidget

from app.domain.controls import field_spec
from app.domain.vocab import Status
from app.ui.icons import icon
from app.ui.models.roles import STATUS_ROLE
from app.ui.widgets.choice_delegate import ChoiceDelegate

Index = QModelIndex | QPersistentModelIndex

STALE = "stale"
MISSING = "missing"
UNLINKED = "unlinked"
CHIP_COLOURS: dict[str, QColor] = {
    Status.NOT_STARTED.value: QColor(110, 110, 110),
    Status.IN_PROGRESS.value: QColor(37, 99, 235),
    Status.IMPLEMENTED.value: QColor(22, 140, 70),
    Status.READY_FOR_AUDIT.value: QColor(21, 115, 58),
    Status.EXCEPTION.value: QColor(198, 40, 40),
    STALE: QColor(180, 110, 0),
    MISSING: QColor(198, 40, 40),
    UNLINKED: QColor(110, 110, 110),
}
"""The colour of each status (and of the evidence flags stale, missing and unlinked)."""
CHIP_ICONS = {
    Status.NOT_STARTED.value: "circle-dashed",
    Status.IN_PROGRESS.value: "loader",
    Status.IMPLEMENTED.value: "circle-check",
    Status.READY_FOR_AUDIT.value: "badge-check",
    Status.EXCEPTION.value: "triangle-alert",
    STALE: "hourglass",
    MISSING: "triangle-alert",
    UNLINKED: "circle-dashed",
}


def status_colour(status: str) -> QColor:
    return CHIP_COLOURS.get(status, CHIP_COLOURS[Status.NOT_STARTED.value])


def status_icon(status: str) -> QIcon:
    """The status's icon in its colour."""
    return icon(CHIP_ICONS.get(status, "circle"), status_colour(status))


def paint_chip(painter: QPainter, rect: QRect, status: str, text: str) -> None:
    """A tinted, rounded pill inside *rect* holding the status's icon and *text*."""
    colour = status_colour(status)
    metrics = painter.fontMetrics()
    height = min(rect.height() - 4, metrics.height() + 6)
    icon_size = metrics.height() - 2
    width = min(rect.width() - 6, metrics.horizontalAdvance(text) + icon_size + 18)
    pill = QRectF(rect.left() + 3, rect.center().y() - height / 2 + 1, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    fill.setAlpha(38)
    painter.setBrush(fill)
    edge = QColor(colour)
    edge.setAlpha(150)
    painter.setPen(edge)
    painter.drawRoundedRect(pill, height / 2, height / 2)
    icon_rect = QRect(int(pill.left()) + 6, int(pill.center().y() - icon_size / 2), icon_size, icon_size)
    status_icon(status).paint(painter, icon_rect)
    painter.setPen(colour.darker(115))
    text_rect = QRectF(icon_rect.right() + 4, pill.top(), pill.right() - icon_rect.right() - 8, pill.height())
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(text_rect.width()))
    painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
    painter.restore()


class StatusChipDelegate(ChoiceDelegate):
    """Paints cells that carry a status (``STATUS_ROLE``) as chips; edits a status with a drop-down."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(field_spec("status"), parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        status = index.data(STATUS_ROLE)
        if not status:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        plain.icon = QIcon()
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        painter.setFont(option.font)
        paint_chip(painter, option.rect, str(status), str(index.data() or ""))

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + option.fontMetrics.height() + 18, hint.height())
