"""The ``soc-workbench`` command: the window by default, subcommands for headless work.

Each area's commands live in a module of this package with a ``register``
function; :data:`COMMAND_MODULES` lists them in the order ``--help`` shows
them. A new command is a new module plus one line there. See
:mod:`app.cli.common` for the grammar, the output and the exit codes.
"""

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from app import __version__
from app.cli.common import PROG, WORKSPACE_OPTIONS, CommandError, add_workspace_options

COMMAND_MODULES = (
    "criteria",
    "engagements",
    "wizard",
    "controls",
    "carveouts",
    "evidence",
    "requests",
    "fieldwork",
    "documents",
    "policies",
    "exports",
    "readiness",
    "demo",
    "history",
    "workspace",
)
"""The modules of this package that register commands."""


def run_gui(args: argparse.Namespace) -> int:
    from app.ui.application import run

    return run(args.data_dir, smoke_test=args.smoke_test, database_url=args.database_url, user=args.user)


def _top_parser() -> argparse.ArgumentParser:
    """The options that come before any command (all the window needs)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="SOC Workbench: prepare a small company for its SOC 1 and SOC 2 audits. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_workspace_options(parser, default=None)
    parser.add_argument(
        "--smoke-test", action="store_true", help="open the main window, render it once and exit"
    )
    return parser


def _opens_the_window(argv: Sequence[str]) -> bool:
    """Whether the command line only opens the window (no command, no help), so the
    subcommands need not be built before the window starts."""
    flags = tuple(flag for flag, _metavar, _help in WORKSPACE_OPTIONS)
    tokens = iter(argv)
    for token in tokens:
        if token in flags:
            if next(tokens, None) is None:
                return False
        elif token != "--smoke-test" and not token.startswith(tuple(f"{flag}=" for flag in flags)):
            return False
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = _top_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(f"{__name__}.{name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _opens_the_window(arguments):
        return run_gui(_top_parser().parse_args(arguments))
    args = build_parser().parse_args(arguments)
    from app.services.errors import WorkbenchError

    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader (head, a pager) stopped reading: end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (WorkbenchError, CommandError) as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; nothing further was written\n")
        return 1
