"""Commands for forms and tables: form templates, and a week's case audits as a spreadsheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass
from pwdesk.cli.common import Command, _database_path, emit_json, open_from_args, opened, table


def cmd_templates_list(args: argparse.Namespace) -> int:
    from pwdesk.services.templates import catalogue

    db = None
    path = _database_path(args)
    if args.database_url or (path is not None and path.exists()):
        db = open_from_args(args)
    try:
        infos = catalogue(db).infos()
    finally:
        if db is not None:
            db.close()
    if args.json:
        emit_json({"templates": infos})
    else:
        print(
            table(
                [(t.id, t.version, t.observation_type or t.kind, t.origin, t.title) for t in infos],
                ("id", "version", "kind", "origin", "title"),
            )
        )
    return 0


def cmd_templates_validate(args: argparse.Namespace) -> int:
    from pwdesk.services.templates import read_template_file

    template, _ = read_template_file(Path(args.file))
    aspects = len(template.aspects())
    if args.json:
        emit_json(
            {
                "valid": True,
                "id": template.id,
                "version": template.version,
                "kind": template.kind.value,
                "aspects": aspects,
            }
        )
    else:
        print(
            f"{args.file} is a valid template: {template.id} version {template.version}, "
            f"{aspects} graded aspects."
        )
    return 0


def cmd_templates_import(args: argparse.Namespace) -> int:
    from pwdesk.services.templates import import_template

    with opened(args) as db:
        template, new = import_template(db, Path(args.file))
    if args.json:
        emit_json({"id": template.id, "version": template.version, "imported": new})
    elif new:
        print(f"Imported {template.id} version {template.version}.")
    else:
        print(f"{template.id} version {template.version} was already there; nothing changed.")
    return 0


def cmd_table_export(args: argparse.Namespace) -> int:
    from pwdesk.services.table_export import export_table

    with opened(args) as db:
        written = export_table(db, args.week, Path(args.out).expanduser())
    if args.json:
        emit_json(written)
    else:
        print(f"Wrote the {written.rows} case audits of {written.week} to {written.out}.")
    return 0


def cmd_table_import(args: argparse.Namespace) -> int:
    from pwdesk.services.table_import import import_table

    with opened(args) as db:
        summary = import_table(db, Path(args.file).expanduser())
    if args.json:
        emit_json(summary)
    else:
        print(
            f"Read {summary.rows} rows: {summary.created} new case audits, "
            f"{summary.updated} updated, {summary.unchanged} unchanged."
        )
    return 0


def register(command: Command, commands: Any) -> None:
    """Add this group's subcommands."""
    templates = commands.add_parser("templates", help="form templates: list, validate, import")
    template_commands = templates.add_subparsers(
        title="template commands", metavar="COMMAND", required=True
    )
    command(
        "list", cmd_templates_list, "list the templates this database can use", template_commands
    )
    validate = command(
        "validate", cmd_templates_validate, "check a template file", template_commands
    )
    validate.add_argument("file", metavar="FILE")
    imported = command(
        "import", cmd_templates_import, "add a template file to the database", template_commands
    )
    imported.add_argument("file", metavar="FILE")
    table = commands.add_parser("table", help="a week's case audits as a CSV or XLSX table")
    table_commands = table.add_subparsers(title="table commands", metavar="COMMAND", required=True)
    exported = command(
        "export", cmd_table_export, "write a week's case audits as a table", table_commands
    )
    exported.add_argument(
        "--week", required=True, metavar="CODE", help="the week's code, e.g. 2018-09"
    )
    exported.add_argument(
        "--out", required=True, metavar="FILE.csv|FILE.xlsx", help="where to write it"
    )
    table_import = command(
        "import",
        cmd_table_import,
        "bring case audits in from a table: new audits, or new versions of changed ones",
        table_commands,
    )
    table_import.add_argument("file", metavar="FILE", help="a .csv or .xlsx table")
