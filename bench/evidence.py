"""Adding one large evidence file against ``cp`` + ``sync`` + ``sha256sum`` of the same file.

The source (1 GiB of random bytes unless ``--file`` is given) is read once
beforehand so both sides start with it cached. Runs alternate; each add goes
into a fresh copy of a prepared workspace, each ``cp`` into a fresh target,
and the disk is synced between runs. Prints each median, the throughput
ratio (target >= 0.7) and the peak resident memory of the adding process
(target < 100 MB).

    python bench/evidence.py [--runs 5] [--size-mib 1024] [--file PATH]

The measured command is ``soc-workbench evidence add``.
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

ENGAGEMENT = "Bench Co 2026"
CONTROL = "BEN-01"


def add_command(data_dir: Path, source: Path) -> list[str]:
    """The measured command: one evidence add of *source* into the workspace at *data_dir*."""
    script = shutil.which("soc-workbench") or str(Path(sys.executable).with_name("soc-workbench"))
    return [
        script,
        "--data-dir",
        str(data_dir),
        "evidence",
        "add",
        "--engagement",
        ENGAGEMENT,
        "--control",
        CONTROL,
        str(source),
    ]


def run_measured(command: list[str]) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in bytes of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed with status {process.returncode}")
    return elapsed, usage.ru_maxrss * 1024  # Linux reports KiB


def baseline(source: Path, target: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    subprocess.run(["sync"], check=True)
    subprocess.run(["sha256sum", str(source)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def prepare_workspace(folder: Path) -> None:
    """An engagement with one control, made by the CLI so this process stays small.

    A child's peak resident memory includes what it inherited from this
    process before ``exec``, so the bench itself imports nothing of the app.
    """
    script = shutil.which("soc-workbench") or str(Path(sys.executable).with_name("soc-workbench"))
    base = [script, "--data-dir", str(folder)]
    subprocess.run(
        [*base, "engagement", "create", "--name", ENGAGEMENT], check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run(
        [*base, "controls", "add", "--engagement", ENGAGEMENT, "--ref", CONTROL, "--title", "Nightly backup"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def make_source(path: Path, size: int) -> None:
    chunk = 16 * 1024 * 1024
    with path.open("wb") as handle:
        for offset in range(0, size, chunk):
            handle.write(os.urandom(min(chunk, size - offset)))


def warm(path: Path) -> None:
    with path.open("rb", buffering=0) as handle:
        while handle.read(16 * 1024 * 1024):
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--file", type=Path, help="use this file instead of generating one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        work = Path(folder)
        source = args.file or work / "source.bin"
        if args.file is None:
            make_source(source, args.size_mib * 1024 * 1024)
        size = source.stat().st_size
        template = work / "template"
        prepare_workspace(template)
        warm(source)
        add_times: list[float] = []
        add_peaks: list[int] = []
        base_times: list[float] = []
        for run in range(args.runs):
            data_dir = work / f"run-{run}"
            shutil.copytree(template, data_dir)
            subprocess.run(["sync"], check=True)
            elapsed, peak = run_measured(add_command(data_dir, source))
            add_times.append(elapsed)
            add_peaks.append(peak)
            shutil.rmtree(data_dir)
            target = work / "copy.bin"
            subprocess.run(["sync"], check=True)
            base_times.append(baseline(source, target))
            target.unlink()
    add_median = statistics.median(add_times)
    base_median = statistics.median(base_times)
    mib = size / (1024 * 1024)
    print(f"file: {mib:.0f} MiB, {args.runs} alternating runs")
    for name, times in (("evidence add", add_times), ("cp + sync + sha256sum", base_times)):
        median = statistics.median(times)
        runs = " ".join(f"{t:.2f}" for t in times)
        print(f"{name:22} median {median:.2f} s ({mib / median:.0f} MiB/s); runs {runs}")
    print(f"throughput ratio: {base_median / add_median:.2f} (target >= 0.7)")
    print(f"peak RSS of evidence add: {max(add_peaks) / 1e6:.0f} MB (target < 100 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
