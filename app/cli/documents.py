"""``description``: the system description's sections, shown and written from the command line.

``description show`` lists each report's sections with how far each is (or
one section in full with ``--section``); ``description set`` saves the text
of a section from ``--text`` or ``--file`` and, with ``--reviewed``, marks
what the workbench listed for it as confirmed.
"""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    CommandError,
    command,
    emit,
    engagement_id_of,
    engagement_option,
    group,
    open_workspace_of,
)

if TYPE_CHECKING:
    from app.domain.description import DescriptionSection, SystemDescription
    from app.domain.engagement_documents import DocumentDrafts

TEXT_LIMIT = 1_000_000
"""The longest section text read from a file, in characters."""


def _section_dict(section: "DescriptionSection") -> dict[str, Any]:
    from app.domain.engagement_documents import plain_lines

    return {
        "key": section.key,
        "number": section.number,
        "title": section.title,
        "status": section.status.value,
        "reason": section.reason,
        "text": section.text,
        "reviewed": section.reviewed,
        "to_confirm": list(section.to_confirm),
        "open_points": list(section.open_points),
        "known": plain_lines(section.facts),
    }


def _description_dict(description: "SystemDescription") -> dict[str, Any]:
    return {
        "report": description.facts.report,
        "complete": description.complete_count,
        "sections": [_section_dict(section) for section in description.sections],
    }


def _drafts(args: argparse.Namespace) -> "DocumentDrafts":
    from app.services.documents import document_drafts

    workspace = open_workspace_of(args)
    drafts = document_drafts(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if drafts.description_refusal:
        raise CommandError(drafts.description_refusal)
    return drafts


def _find(drafts: "DocumentDrafts", key: str) -> "DescriptionSection":
    for description in drafts.descriptions:
        for section in description.sections:
            if section.key == key:
                return section
    keys = ", ".join(dict.fromkeys(s.key for d in drafts.descriptions for s in d.sections))
    raise CommandError(f"the description in scope has no section {key!r}; its sections are {keys}")


def _print_section(section: "DescriptionSection") -> None:
    from app.domain.description import STATUS_WORDS
    from app.domain.engagement_documents import plain_lines

    out = sys.stdout.write
    out(f"{section.heading}\nStatus: {STATUS_WORDS[section.status]}")
    out(f" — {section.reason}\n" if section.reason else "\n")
    out("\nPrompts:\n" + "".join(f"  - {prompt}\n" for prompt in section.spec.prompts))
    known = plain_lines(section.facts)
    if known:
        out("\nWhat the workbench knows:\n" + "".join(f"  {line}\n" for line in known))
    if section.open_points:
        out("\nOpen points:\n" + "".join(f"  - {point}\n" for point in section.open_points))
    out("\nYour text:\n" + (section.text.rstrip() or "(not written yet)") + "\n")


def cmd_description_show(args: argparse.Namespace) -> int:
    from app.domain.description import STATUS_WORDS

    drafts = _drafts(args)
    if args.section:
        section = _find(drafts, args.section)
        if args.json:
            emit(_section_dict(section))
        else:
            _print_section(section)
        return 0
    if args.json:
        emit({"reports": [_description_dict(description) for description in drafts.descriptions]})
        return 0
    for description in drafts.descriptions:
        total = len(description.sections)
        sys.stdout.write(
            f"{description.facts.report}: {description.complete_count} of {total} sections complete\n"
        )
        for section in description.sections:
            words = STATUS_WORDS[section.status]
            sys.stdout.write(f"  {section.number}. {section.key:<20} {words:<13} {section.title}\n")
    return 0


def _text_of(args: argparse.Namespace) -> str | None:
    if args.file is None:
        return str(args.text) if args.text is not None else None
    path = Path(args.file)
    try:
        with path.open(encoding="utf-8") as handle:
            text = handle.read(TEXT_LIMIT + 1)
    except FileNotFoundError:
        raise CommandError(f"no file at {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path} as UTF-8 text: {error}") from None
    if len(text) > TEXT_LIMIT:
        raise CommandError(f"{path} is longer than {TEXT_LIMIT:,} characters; is it the right file?")
    return text


def cmd_description_set(args: argparse.Namespace) -> int:
    from app.services.documents import document_drafts, set_description_section

    text = _text_of(args)
    if text is None and not args.reviewed:
        raise CommandError("give the section's text with --text or --file, or mark it --reviewed")
    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    reviewed = None
    if args.reviewed:
        drafts = document_drafts(workspace, engagement_id=engagement_id)
        if drafts.description_refusal:
            raise CommandError(drafts.description_refusal)
        reviewed = _find(drafts, args.section).fingerprint
    set_description_section(
        workspace, engagement_id=engagement_id, key=args.section, text=text, reviewed=reviewed
    )
    section = _find(document_drafts(workspace, engagement_id=engagement_id), args.section)
    if args.json:
        emit(_section_dict(section))
    else:
        sys.stdout.write(f"Saved {section.heading}: {section.status.value}")
        sys.stdout.write(f" — {section.reason}\n" if section.reason else "\n")
    return 0


def register(commands: Any) -> None:
    description = group(commands, "description", "show and write the system description, section by section")
    show = command(
        description,
        "show",
        "each section and how far it is, or one section in full",
        cmd_description_show,
        json_output=True,
    )
    engagement_option(show)
    show.add_argument(
        "--section", metavar="KEY", help="show this section in full (e.g. services, components)"
    )
    change = command(
        description,
        "set",
        "save a section's text and/or mark it reviewed",
        cmd_description_set,
        json_output=True,
    )
    engagement_option(change)
    change.add_argument(
        "--section", required=True, metavar="KEY", help="the section to write (e.g. services)"
    )
    source = change.add_mutually_exclusive_group()
    source.add_argument(
        "--text", metavar="TEXT", help="the section's text (Markdown: paragraphs, lists, **bold**)"
    )
    source.add_argument("--file", metavar="PATH", help="read the section's text from this UTF-8 file")
    change.add_argument(
        "--reviewed",
        action="store_true",
        help="confirm what the workbench lists for the section (systems, changes, criteria with no control)",
    )
