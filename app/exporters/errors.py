"""What an export raises besides ``OSError``."""


class ExportCancelled(Exception):
    """The user cancelled the export; nothing was written at the target."""
