"""Where the workspace lives: the data folder and the names of what it holds.

The data folder is resolved here and nowhere else: ``--data-dir`` wins over
``SOC_WORKBENCH_DATA_DIR``, which wins over the platform's user data folder.
A team workspace (``--database-url`` or ``SOC_WORKBENCH_DATABASE_URL``) keeps
its data on the server and only its log, window state and scratch work in a
folder of its own under the data folder's ``team/``. Who makes the changes is
``--user``, else ``SOC_WORKBENCH_USER``, else the operating system's user name.
"""

import getpass
import os
from pathlib import Path

from app import APP_NAME

DATA_DIR_ENV = "SOC_WORKBENCH_DATA_DIR"
DATABASE_URL_ENV = "SOC_WORKBENCH_DATABASE_URL"
USER_ENV = "SOC_WORKBENCH_USER"
TEAM_DIR_NAME = "team"
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


def resolve_database_url(override: str | None = None) -> str | None:
    """The team server's URL: *override*, else the environment variable; ``None`` for the local file."""
    chosen = (override or os.environ.get(DATABASE_URL_ENV) or "").strip()
    return chosen or None


def team_folder(data_dir: Path, server_name: str) -> Path:
    """The local folder of the team workspace *server_name* (a safe file name) under *data_dir*."""
    return data_dir / TEAM_DIR_NAME / server_name


def resolve_user(override: str | None = None) -> str:
    """Who makes the changes: *override*, else the environment variable, else the system's user name."""
    chosen = " ".join((override or os.environ.get(USER_ENV) or "").split())
    if chosen:
        return chosen
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""
