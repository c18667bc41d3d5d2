"""Where the shipped data files (``resources/``) live.

In a wheel they are installed as the package ``app._resources``; in a
checkout they sit in ``resources/`` beside the ``app`` package.
"""

from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding the catalog, starter library and fonts."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent / "resources"):
        if (candidate / "catalog").is_dir():
            return candidate
    raise FileNotFoundError("SOC Workbench's resources folder is missing; reinstall the application.")


def resource_path(*parts: str) -> Path:
    """A file below the resources folder, e.g. ``resource_path("catalog", "tsc-2017.toml")``."""
    return resources_dir().joinpath(*parts)
