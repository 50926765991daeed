"""The moderation command: a second look at a completed audit's grades."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
from pwdesk.cli.common import Command, emit_json, opened, pairs


def cmd_moderate(args: argparse.Namespace) -> int:
    from pwdesk.services.assessments import resolve_record_id
    from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_of

    reasons = dict(pairs(args.reason or [], "--reason", "ITEM=TEXT"))
    with opened(args, qa_only="moderation") as db:
        record_id = resolve_record_id(db, args.record)
        view = moderation_of(db, record_id)
        grades: dict[str, ModeratedGrade] = {}
        if args.agree_all:
            from pwdesk.services.assessments import draft_of
            from pwdesk.services.templates import catalogue

            draft, _ = draft_of(db, record_id)
            template = catalogue(db).get(draft.template_id, draft.template_version)
            for item in (*template.aspects(), template.overall):
                given = draft.answers.get(item.id, {}).get("value")
                if isinstance(given, str):
                    grades[item.id] = ModeratedGrade(given)
        elif view is not None:
            grades = dict(view.grades)
        for item_id, grade in pairs(args.set or [], "--set", "ITEM=GRADE"):
            grades[item_id] = ModeratedGrade(grade, reasons.get(item_id, ""))
        saved = moderate(db, record_id, grades, moderator=args.moderator, note=args.note or "")
    if args.json:
        emit_json({"record": record_id, "moderation": saved.id, "changed": saved.changed})
    else:
        print(f"Moderated record {record_id[:8]}: {len(grades)} grades reviewed.")
    return 0


def register(command: Command) -> None:
    """Add this group's subcommands."""
    moderation = command("moderate", cmd_moderate, "review a completed audit's grades")
    moderation.add_argument("record", metavar="RECORD", help="the audit's id or its start")
    moderation.add_argument("--agree-all", action="store_true", help="agree with every grade")
    moderation.add_argument(
        "--set",
        action="append",
        metavar="ITEM=GRADE",
        help="a moderated grade (repeatable), e.g. supervision=inadequate",
    )
    moderation.add_argument(
        "--reason",
        action="append",
        metavar="ITEM=TEXT",
        help="why a moderated grade differs (repeatable)",
    )
    moderation.add_argument("--moderator", help="who moderated (default: you)")
    moderation.add_argument("--note", help="a note on the moderation as a whole")
