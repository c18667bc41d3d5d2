"""``criteria``: the Trust Services Criteria (needs no workspace)."""

import argparse
from typing import Any

from app.cli.common import CommandError, command, emit, table


def cmd_criteria(args: argparse.Namespace) -> int:
    from app.domain.catalog import load_catalog
    from app.domain.vocab import canonical_category

    catalog = load_catalog()
    criteria = catalog.criteria
    if args.category:
        try:
            category = canonical_category(args.category)
        except ValueError as error:
            raise CommandError(str(error)) from None
        criteria = catalog.in_category(category)
    if args.json:
        emit(
            [
                {
                    "id": c.id,
                    "category": c.category,
                    "group": c.group,
                    "coso_principle": c.coso_principle,
                    "title": c.title,
                    "about": c.about,
                }
                for c in criteria
            ]
        )
    else:
        table([(c.id, c.category, c.title) for c in criteria], ("ID", "Category", "Title"))
    return 0


def register(commands: Any) -> None:
    criteria = command(
        commands, "criteria", "list the Trust Services Criteria", cmd_criteria, json_output=True
    )
    criteria.add_argument("--category", metavar="NAME", help="only this category (e.g. Security)")
