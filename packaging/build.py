"""Builds SOC Workbench's one-folder bundle with PyInstaller, and with --check proves it works.

    python packaging/build.py           # dist/soc-workbench/ (and dist/SOC Workbench.app on macOS)
                                        # plus an archive of it in dist/
    python packaging/build.py --check   # the same, then unpacks the archive and runs the bundled
                                        # app: --version, --smoke-test offscreen, a CLI round trip
                                        # (engagement, scope, controls, evidence, package, checksums),
                                        # and times its --smoke-test against the source install's

Run it with the Python of a venv that holds the app and its packaging extra
(``pip install -e '.[package]'``), on the system the bundle is for. Exits 1 with a message
on stderr when a step fails.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from itertools import takewhile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import APP_NAME, __version__  # noqa: E402

NAME = "soc-workbench"
SPEC = ROOT / "packaging" / f"{NAME}.spec"
ICON = ROOT / "resources" / "icons" / f"{NAME}.svg"
DIST = ROOT / "dist"
WORK = ROOT / "build"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
SMOKE_RUNS = 5
STEP_TIMEOUT = 180  # seconds for one run of the bundled or source app


class CheckFailed(Exception):
    """A build or check step failed; the message says which and why."""


def draw_icons(folder: Path) -> None:
    """PNGs of the SVG icon (``png/NxN.png``), and the .ico and .icns made from them."""
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICON))
    if not renderer.isValid():
        raise CheckFailed(f"{ICON} is not a valid SVG file")
    (folder / "png").mkdir(parents=True, exist_ok=True)
    images = {}
    for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES}):
        image = QImage(size, size, QImage.Format.Format_RGBA8888)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        if size in PNG_SIZES:
            image.save(str(folder / "png" / f"{size}x{size}.png"))
        images[size] = Image.frombytes("RGBA", (size, size), bytes(image.constBits()))
    largest_ico, largest_icns = max(ICO_SIZES), max(ICNS_SIZES)
    images[largest_ico].save(
        folder / f"{NAME}.ico",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=[images[size] for size in ICO_SIZES if size != largest_ico],
    )
    images[largest_icns].save(
        folder / f"{NAME}.icns", append_images=[images[size] for size in ICNS_SIZES if size != largest_icns]
    )


def shipped() -> Path:
    """What a user gets: the .app on macOS, the bundle folder elsewhere."""
    return DIST / f"{APP_NAME}.app" if sys.platform == "darwin" else DIST / NAME


def executable_in(bundle: Path) -> Path:
    if sys.platform == "darwin":
        return bundle / "Contents" / "MacOS" / NAME
    return bundle / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def build() -> Path:
    """Draw the icons, run PyInstaller from scratch and archive the bundle; returns the archive."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.rmtree(DIST, ignore_errors=True)
    draw_icons(WORK / "icons")
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN"]
    command += ["--distpath", str(DIST), "--workpath", str(WORK / "pyinstaller"), str(SPEC)]
    command += ["--", "--icons", str(WORK / "icons")]
    if subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL, check=False).returncode != 0:
        raise CheckFailed("PyInstaller failed (its messages are above)")
    bundle = shipped()
    if not executable_in(bundle).is_file():
        raise CheckFailed(f"PyInstaller left no executable at {executable_in(bundle)}")
    system = {"darwin": "macos"}.get(sys.platform, platform.system().lower())
    base = DIST / f"{NAME}-{__version__}-{system}-{platform.machine().lower()}"
    archive_format = "zip" if sys.platform == "win32" else "gztar"
    return Path(shutil.make_archive(str(base), archive_format, root_dir=DIST, base_dir=bundle.name))


def size_of(folder: Path) -> tuple[int, int]:
    """Bytes and number of files below *folder*, symbolic links counted as links."""
    sizes = [path.lstat().st_size for path in folder.rglob("*") if not path.is_dir() or path.is_symlink()]
    return sum(sizes), len(sizes)


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


# --- the check ---------------------------------------------------------------------------------


def run(step: str, command: Sequence[str | Path], *, cwd: Path, env: dict[str, str]) -> str:
    """Run one step; its standard output, or CheckFailed with its exit status and messages."""
    try:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise CheckFailed(f"{step}: no answer within {STEP_TIMEOUT} s") from error
    if result.returncode != 0:
        output = "\n".join(text.strip() for text in (result.stdout, result.stderr) if text.strip())
        raise CheckFailed(f"{step}: exit status {result.returncode}\n{output}")
    return result.stdout


def check_environment() -> dict[str, str]:
    """Offscreen Qt, and no workspace settings from the caller's environment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOC_WORKBENCH_")}
    return {**env, "QT_QPA_PLATFORM": "offscreen"}


def verify_manifest(folder: Path) -> int:
    """Check that MANIFEST.sha256 in *folder* lists every other file there, then ``sha256sum -c``
    it (in Python where sha256sum is missing); returns the number of files it lists."""
    lines = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    entries = [line.split("  ", 1) for line in lines]
    files = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    unlisted = (files - {"MANIFEST.sha256"}) ^ {name for _, name in entries}
    if unlisted:
        raise CheckFailed(f"MANIFEST.sha256 and the package disagree on {', '.join(sorted(unlisted))}")
    if shutil.which("sha256sum"):
        command = ["sha256sum", "--strict", "-c", "MANIFEST.sha256"]
        run("sha256sum -c MANIFEST.sha256", command, cwd=folder, env=check_environment())
    else:
        for digest, name in entries:
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
                raise CheckFailed(f"MANIFEST.sha256: {name} does not match its checksum")
    return len(entries)


def round_trip(app: Path, scratch: Path, env: dict[str, str]) -> str:
    """The CLI from a new workspace to a checked evidence package; a one-line summary."""

    def cli(*arguments: str | Path) -> str:
        words = [str(argument) for argument in arguments]
        step = " ".join(takewhile(lambda word: not word.startswith("-"), words))  # e.g. "controls seed"
        return run(step, [app, *words, "--data-dir", scratch / "workspace"], cwd=scratch, env=env)

    engagement = "Packaging check"
    answers = scratch / "answers.json"
    answers.write_text(
        json.dumps({"customer_data": True, "customers_requested": ["SOC 2"]}), encoding="utf-8"
    )
    evidence = scratch / "access-review.txt"
    evidence.write_text("Quarterly access review, signed off.\n", encoding="utf-8")
    package = scratch / "package.zip"

    cli("engagement", "create", "--name", engagement)
    cli("wizard", "--answers", answers, "--engagement", engagement, "--apply")
    cli("controls", "seed", "--engagement", engagement)
    refs = [
        control["ref"]
        for control in json.loads(cli("controls", "list", "--engagement", engagement, "--json"))
    ]
    if not refs:
        raise CheckFailed("controls seed added no controls")
    cli("evidence", "add", "--engagement", engagement, "--control", refs[0], evidence)
    cli("export", "package", "--engagement", engagement, "-o", package)

    with zipfile.ZipFile(package) as archive:
        archive.extractall(scratch / "package")
        folders = {PurePosixPath(name).parts[0] for name in archive.namelist()}
    if len(folders) != 1:
        found = ", ".join(sorted(folders))
        raise CheckFailed(f"export package: one top-level folder expected, found {found}")
    unpacked = scratch / "package" / folders.pop()
    expected = [
        "workbook.xlsx",
        "readiness-checklist.pdf",
        "evidence-index.pdf",
        "scoping-memo.pdf",
        "system-description.docx",
        f"evidence/{refs[0]}/{evidence.name}",
    ]
    missing = [name for name in expected if not (unpacked / name).is_file()]
    if missing:
        raise CheckFailed(f"export package: the package lacks {', '.join(missing)}")
    return f"{len(refs)} controls seeded, package of {verify_manifest(unpacked)} files, checksums OK"


def team_driver(app: Path, scratch: Path, env: dict[str, str]) -> str:
    """Prove the bundled PostgreSQL driver loads: a team URL whose server is not there must be
    refused for not answering (exit 1), not for a driver that is missing or cannot load."""
    url = f"postgresql://check@/soc_workbench?host={scratch / 'no-server'}"
    result = subprocess.run(
        [str(app), "--database-url", url, "engagement", "list"],
        cwd=scratch,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    message = result.stderr.strip()
    if result.returncode != 1 or not message.startswith(f"{NAME}: cannot reach the team server"):
        raise CheckFailed(f"team mode: exit status {result.returncode}\n{message}")
    return message.splitlines()[0]


def time_smoke_test(
    command: Sequence[str | Path], data_dir: Path, *, cwd: Path, env: dict[str, str]
) -> float:
    """Seconds one ``--smoke-test`` of *command* on *data_dir* takes."""
    started = time.perf_counter()
    step = " ".join(map(str, command)) + " --smoke-test"
    run(step, [*command, "--smoke-test", "--data-dir", data_dir], cwd=cwd, env=env)
    return time.perf_counter() - started


def check(archive: Path) -> None:
    """Unpack *archive* elsewhere and prove the app in it works; print what was measured."""
    with tempfile.TemporaryDirectory(prefix=f"{NAME}-check-") as temporary:
        scratch = Path(temporary)
        shutil.unpack_archive(archive, scratch / "unpacked")
        app = executable_in(scratch / "unpacked" / shipped().name)
        env = check_environment()
        version = run("--version", [app, "--version"], cwd=scratch, env=env).strip()
        if version != f"{NAME} {__version__}":
            raise CheckFailed(f"--version printed {version!r}, expected '{NAME} {__version__}'")
        # A new workspace: the bundled Alembic migrations create the database.
        time_smoke_test([app], scratch / "new", cwd=scratch, env=env)
        print(f"check: {version}, --smoke-test passed on a new workspace")
        print(f"check: CLI round trip: {round_trip(app, scratch, env)}")
        print(f"check: the PostgreSQL driver loads; with no server: {team_driver(app, scratch, env)}")

        # The source install also runs once untimed on a workspace of its own; then they take turns.
        source = [sys.executable, "-m", "app"]
        time_smoke_test(source, scratch / "source", cwd=ROOT, env=env)
        bundle_times, source_times = [], []
        for _ in range(SMOKE_RUNS):
            bundle_times.append(time_smoke_test([app], scratch / "new", cwd=scratch, env=env))
            source_times.append(time_smoke_test(source, scratch / "source", cwd=ROOT, env=env))
    bundle_median, source_median = statistics.median(bundle_times), statistics.median(source_times)
    print(
        f"check: --smoke-test, median of {SMOKE_RUNS}: bundle {bundle_median:.2f} s, "
        f"source install {source_median:.2f} s, ratio {bundle_median / source_median:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="after building, test the bundle")
    args = parser.parse_args(argv)
    try:
        archive = build()
        size, files = size_of(shipped())
        print(
            f"build: {shipped()}: {mib(size)} in {files} files; {archive.name}: {mib(archive.stat().st_size)}"
        )
        if args.check:
            check(archive)
    except CheckFailed as error:
        print(f"build.py: FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
