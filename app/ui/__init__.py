"""The window: Qt widgets, item models, dialogs and background workers.

The services the window starts with are imported before Qt on purpose:
PySide6 installs an import hook that reads the source of every module
imported after it, which would add a noticeable delay to start-up.
"""

import app.services.engagements  # noqa: F401  (import order matters, see above)
import app.services.readiness  # noqa: F401
import app.services.sampling  # noqa: F401
