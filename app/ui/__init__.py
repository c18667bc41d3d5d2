"""The window: Qt widgets, item models, dialogs and background workers.

The database stack is imported before Qt on purpose: PySide6 installs an
import hook that reads the source of every module imported after it, which
would add a noticeable delay to start-up.
"""

import app.services.workspace  # noqa: F401  (import order matters, see above)
