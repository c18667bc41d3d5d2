"""The Qt application the window runs in."""

import os
import subprocess
import sys
from pathlib import Path


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


def test_opening_the_window_makes_today_s_copy_of_the_database_off_the_gui_thread(tmp_path: Path) -> None:
    from datetime import date

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "app", "--data-dir", str(tmp_path), "--smoke-test"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "backups" / f"workbench-{date.today().isoformat()}.db").is_file()
    assert not list((tmp_path / "scratch").iterdir())
