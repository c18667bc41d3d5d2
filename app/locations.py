"""Where the workspace lives: the data folder and the names of what it holds.

The data folder is resolved here and nowhere else: ``--data-dir`` wins over
``SOC_WORKBENCH_DATA_DIR``, which wins over the platform's user data folder.
"""

import os
from pathlib import Path

from app import APP_NAME

DATA_DIR_ENV = "SOC_WORKBENCH_DATA_DIR"
DATABASE_NAME = "workbench.db"
EVIDENCE_DIR_NAME = "evidence"
LOG_NAME = "workbench.log"


def default_data_dir() -> Path:
    """The platform's per-user data folder for SOC Workbench."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use: *override*, else the environment variable, else the default."""
    chosen = override or os.environ.get(DATA_DIR_ENV) or None
    path = Path(chosen).expanduser() if chosen else default_data_dir()
    return path.absolute()
