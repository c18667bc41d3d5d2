"""Reading a population listing: a CSV file or a sheet of an ``.xlsx`` workbook listing every occurrence.

The file is read as rows by :func:`app.importers.staff.read_table` (only
regular files within a size limit, workbooks checked as archives first,
formulas without a saved value refused); what the rows mean is decided by
:func:`app.domain.fieldwork.read_population`. Every failure is one
:class:`~app.importers.safe_files.UnreadableFileError` line naming the file.
"""

from pathlib import Path

from app.domain.fieldwork import PopulationTable, read_population
from app.importers import staff
from app.importers.safe_files import UnreadableFileError


def read_population_file(
    path: Path, *, sheet: str | None = None, day_first: bool | None = None
) -> PopulationTable:
    """The occurrences listed in the population file at *path* (the first sheet, or *sheet*)."""
    path = Path(path)
    rows = staff.read_table(path, sheet=sheet)
    try:
        return read_population(rows, day_first=day_first)
    except ValueError as error:
        raise UnreadableFileError(f"{path.name}: {error}") from None
