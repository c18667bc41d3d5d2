"""What every command module shares: parsing helpers, output, the workspace and the engagement.

Grammar: ``soc-workbench [--data-dir DIR] [--database-url URL] [--user NAME] COMMAND
[SUBCOMMAND] [options]``; these three (:data:`WORKSPACE_OPTIONS`) are also accepted after the
command or subcommand. ``--json`` prints machine-readable output. Exit 0 on success, 1 when
the data or a file refuses the request (with one line on stderr and nothing written), 2 when
the command line cannot be parsed.
"""

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.workspace import Workspace

PROG = "soc-workbench"
Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A refusal to report on stderr with exit status 1."""


def parse_day_arg(text: str) -> date:
    """A ``YYYY-MM-DD`` option value (argparse reports a bad one with exit status 2)."""
    from app.domain.periods import parse_day

    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def vocabulary(enum_name: str) -> list[str]:
    """The values of a vocabulary of :mod:`app.domain.vocab`, as the command line takes them."""
    from app.domain import vocab

    return [member.value for member in getattr(vocab, enum_name)]


def emit(value: Any) -> None:
    """Print *value* as JSON."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """Aligned plain-text columns; the last column is never padded."""
    if not rows:
        return
    widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(len(headers) - 1)]
    for line in (headers, *rows):
        cells = [cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True)]
        sys.stdout.write("  ".join([*cells, line[-1]]).rstrip() + "\n")


def open_workspace_of(args: argparse.Namespace, *, create: bool = False) -> "Workspace":
    """The workspace the command line names (``--data-dir`` or ``--database-url``, the environment,
    or the default), changed by ``--user`` or the environment's user; today's copy of a local
    workspace's database is made if it is not there yet.

    Only a command that brings in an engagement may *create* a local workspace, and
    it says so on stderr; any other command refuses a folder holding no
    workspace (exit 1), so a mistyped ``--data-dir`` never leaves an empty
    workspace behind.
    """
    from app.locations import DATABASE_NAME, resolve_data_dir, resolve_database_url
    from app.services.backups import make_daily_backup
    from app.services.workspace import open_workspace

    folder = resolve_data_dir(args.data_dir)
    new = resolve_database_url(args.database_url) is None and not (folder / DATABASE_NAME).is_file()
    if new and not create:
        raise CommandError(
            f"no workspace at {folder}; check --data-dir, or create one with "
            f"`{PROG} --data-dir {folder} engagement create --name NAME`"
        )
    workspace = open_workspace(folder, database_url=args.database_url, user=args.user)
    if new:
        sys.stderr.write(f"{PROG}: created workspace at {folder}\n")
    else:
        make_daily_backup(workspace)
    return workspace


def engagement_id_of(workspace: "Workspace", key: str) -> int:
    """The id of the engagement whose id or exact name is *key*."""
    from app.services.engagements import find_engagement

    return find_engagement(workspace, key).id


class Progress:
    """Reports bytes done on stderr when it is a terminal, at most a few times a second."""

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.shown = 0.0
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.enabled and (now - self.shown > 0.25 or done == total):
            self.shown = now
            percent = 100 * done // total if total else 100
            sys.stderr.write(f"\r{self.verb} {done / 2**20:,.0f} of {total / 2**20:,.0f} MiB ({percent}%)")
            if done == total:
                sys.stderr.write("\n")


WORKSPACE_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--data-dir", "DIR", "workspace folder (default: $SOC_WORKBENCH_DATA_DIR or the user data folder)"),
    (
        "--database-url",
        "URL",
        "a team workspace on a PostgreSQL server, postgresql://user@host:5432/database "
        "(default: $SOC_WORKBENCH_DATABASE_URL; needs pip install 'soc-workbench[team]')",
    ),
    (
        "--user",
        "NAME",
        "who makes the changes, for the change log (default: $SOC_WORKBENCH_USER or your login)",
    ),
)
"""The options naming the workspace and its user: before the command, or after it."""


def add_workspace_options(parser: argparse.ArgumentParser, *, default: Any) -> None:
    """The :data:`WORKSPACE_OPTIONS` on *parser*, with *default* (``None`` before the command)."""
    for flag, metavar, help_text in WORKSPACE_OPTIONS:
        parser.add_argument(flag, metavar=metavar, default=default, help=help_text)


def add_common(parser: argparse.ArgumentParser, *, json_output: bool = False) -> None:
    """The workspace options (and ``--json``) on a command's own parser."""
    add_workspace_options(parser, default=argparse.SUPPRESS)
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON")


def group(subparsers: Any, name: str, help_text: str) -> Any:
    """A command with subcommands (``engagement create``, ``engagement list``...)."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    add_common(parser)
    return parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)


def command(
    subparsers: Any, name: str, help_text: str, handler: Handler, *, json_output: bool = False
) -> argparse.ArgumentParser:
    """A command (or subcommand) run by *handler*."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text, description=help_text)
    add_common(parser, json_output=json_output)
    parser.set_defaults(handler=handler)
    return parser


def engagement_option(parser: argparse.ArgumentParser) -> None:
    """``--engagement ENG``, which most commands need."""
    parser.add_argument("--engagement", required=True, metavar="ENG", help="engagement id or exact name")
