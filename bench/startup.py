"""Start-up time of ``soc-workbench --smoke-test`` against the floor of the stack.

The floor is a minimal script started the same way (a fresh Python process)
that imports SQLModel, reads one row from a SQLite file and shows a bare
PySide6 QMainWindow. Both run alternately on a workspace with one
engagement; the script prints each median and their ratio (target <= 1.5).

    python bench/startup.py [--runs 7]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import sys
from sqlmodel import Session, create_engine, text
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

engine = create_engine("sqlite:///" + sys.argv[1])
with Session(engine) as session:
    name = session.execute(text("SELECT name FROM engagement LIMIT 1")).scalar_one()
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle(name)
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (window.grab(), window.close(), app.quit()))
sys.exit(app.exec())
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    script = shutil.which("soc-workbench") or str(Path(sys.executable).with_name("soc-workbench"))
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "workspace"
        subprocess.run(
            [script, "--data-dir", str(data_dir), "engagement", "create", "--name", "Bench Co 2026"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        floor_script = Path(folder) / "floor.py"
        floor_script.write_text(FLOOR)
        app_command = [script, "--data-dir", str(data_dir), "--smoke-test"]
        floor_command = [sys.executable, str(floor_script), str(data_dir / "workbench.db")]
        timed(app_command, env)  # warm the file cache for both
        timed(floor_command, env)
        app_times: list[float] = []
        floor_times: list[float] = []
        for _ in range(args.runs):
            app_times.append(timed(app_command, env))
            floor_times.append(timed(floor_command, env))
    app_median = statistics.median(app_times)
    floor_median = statistics.median(floor_times)
    print(f"soc-workbench --smoke-test: median {app_median * 1000:.0f} ms over {args.runs} runs")
    print(f"floor (Qt + SQLModel + one row): median {floor_median * 1000:.0f} ms")
    print(f"ratio: {app_median / floor_median:.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
