"""Files the unit tests of several packages share."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.request_lists import write_auditor_workbook

AuditorWorkbook = Callable[[Path], Path]


@pytest.fixture
def auditor_workbook() -> AuditorWorkbook:
    """``auditor_workbook(path)``: write :func:`write_auditor_workbook` at *path* and return it."""
    return write_auditor_workbook
