"""Small pieces of the app's wording shared by the window, the command line and the exports."""


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """*count* and *noun*, the noun in the plural unless the count is one: ``counted(1, "file")`` is
    "1 file", ``counted(2, "subservice organization")`` "2 subservice organizations"."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
