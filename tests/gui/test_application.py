"""The Qt application the window runs in."""

import os
import subprocess
import sys


def test_the_application_carries_the_shield_icon() -> None:
    # In a process of its own: make_application() leaves an existing QApplication (pytest-qt's) alone.
    code = (
        "from app.ui.application import make_application\n"
        "image = make_application().windowIcon().pixmap(64, 64).toImage()\n"
        "print(image.width(), image.pixelColor(32, 16).name(), image.pixelColor(0, 0).alpha())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # The shield is blue above the check mark; the corners are transparent.
    assert result.stdout.split() == ["64", "#2563eb", "0"]
