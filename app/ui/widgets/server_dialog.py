"""Connect to a team server: the PostgreSQL URL, tested before it is used.

Signals of :class:`ServerDialog`: the standard ``accepted``/``rejected``; Connect is
enabled only once Test connection succeeded for the URL and password as typed.
"""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import WorkbenchError
from app.services.workspace import check_team_server, team_url

EXPLANATION = (
    "A team shares one workspace on a PostgreSQL server: everyone sees the same engagements, "
    "controls and evidence, and every change records who made it. Ask whoever runs the server "
    "for the address; the password is used for this session only (keep it in your pgpass file "
    "to connect without typing it)."
)


class ServerDialog(QDialog):
    """The team server's URL and password, with a Test connection button."""

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a team server")
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.url = QLineEdit(current)
        self.url.setPlaceholderText("postgresql://you@server.example:5432/soc_workbench")
        self.url.setAccessibleName("Server URL")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Server URL", self.url)
        form.addRow("Password", self.password)
        form.addRow(self.test_button, self.outcome)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Connect")
        self.connect_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.url.textChanged.connect(self._untested)
        self.password.textChanged.connect(self._untested)
        self.tested_url: str | None = None

    def _untested(self) -> None:
        self.tested_url = None
        self.connect_button.setEnabled(False)
        self.outcome.clear()

    def test(self) -> bool:
        """Connect once with what is typed; Connect is enabled when it worked."""
        try:
            url = team_url(self.url.text(), self.password.text())
            said = check_team_server(url)
            self.outcome.setText(f"{said[:1].upper()}{said[1:]}.")
        except WorkbenchError as error:
            self.tested_url = None
            self.outcome.setText(f"Cannot connect: {error}")
            self.connect_button.setEnabled(False)
            return False
        self.tested_url = url
        self.connect_button.setEnabled(True)
        return True
