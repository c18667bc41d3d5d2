"""Replaces PyInstaller's hook for PySide6.QtGui: the same files, less what SOC Workbench never uses.

PyInstaller collects every plugin of the kinds QtGui loads, and with each plugin the libraries
it links (a whole QML stack for the virtual keyboard, GTK's system libraries for the GTK theme).
Dropping a plugin here, before PyInstaller follows its links, keeps those libraries out too.
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# Window systems: X11 (xcb), Windows, macOS, and the headless ones the checks use.
PLATFORMS = {"qxcb", "qwindows", "qcocoa", "qoffscreen", "qminimal"}
# Plugin kinds for Wayland (X11 serves through XWayland), EGL and kernel mode setting.
DROPPED_KINDS = {
    "egldeviceintegrations",
    "wayland-decoration-client",
    "wayland-graphics-integration-client",
    "wayland-shell-integration",
}
# The virtual keyboard (QML), PDF images (Qt PDF), the GTK theme (GTK and its libraries) and
# touch input over the network (Qt Network).
DROPPED_PLUGINS = {"qtvirtualkeyboardplugin", "qpdf", "qgtk3", "qtuiotouchplugin"}


def plugin_name(file_name: str) -> str:
    """``libqxcb.so`` -> ``qxcb``; ``qwindows.dll`` -> ``qwindows``; ``libqcocoa.dylib`` -> ``qcocoa``."""
    return file_name.removeprefix("lib").partition(".")[0]


def wanted(source: str, destination: str) -> bool:
    parts = PurePath(destination).parts
    if "plugins" not in parts:
        return True
    kind = parts[parts.index("plugins") + 1 :]
    name = plugin_name(PurePath(source).name)
    if kind[:1] == ("platforms",):
        return name in PLATFORMS or kind[1:] == ("darwin",)
    return not (kind[0] in DROPPED_KINDS or name in DROPPED_PLUGINS)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if wanted(source, destination)]
