"""Commands for setting up a week: its cohorts and children, the people, the allocations."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pwdesk.services.lookup import Directory

from pwdesk.cli.common import Command, UsageError, day, emit_json, opened, table


def cmd_import_cases(args: argparse.Namespace) -> int:
    from pwdesk.services.cases import import_cases

    mapping = Path(args.mapping).expanduser() if args.mapping else None
    with opened(args, qa_only="importing a case list") as db:
        result = import_cases(db, Path(args.file).expanduser(), args.week, mapping)
    if args.json:
        emit_json(result)
        return 0
    print(
        f"Read {result.rows} children into {result.week}: {result.new_children} new, "
        f"{result.updated_children} updated."
    )
    for name, count in result.placed.items():
        print(f"  placed {count} in the cohort {name}")
    if result.in_no_cohort:
        print(
            f"  {len(result.in_no_cohort)} meet no cohort's rules: "
            + ", ".join(result.in_no_cohort)
        )
    return 0


def cmd_new_week(args: argparse.Namespace) -> int:
    from pwdesk.services.weeks import WeekDetails, create_week

    starts, ends = day(args.starts), day(args.ends)
    if starts is None or ends is None:
        raise UsageError("A week needs --starts and --ends dates.")
    details = WeekDetails(args.code, args.title, starts, ends, theme=args.theme or "")
    if args.case_audit_template:
        details = dataclasses.replace(details, case_audit_template=args.case_audit_template)
    if args.observation_template:
        details = dataclasses.replace(
            details, observation_templates=tuple(args.observation_template)
        )
    with opened(args, qa_only="setting up a week") as db:
        saved = create_week(db, details)
    if args.json:
        emit_json({"week": args.code, "id": saved.id})
    else:
        print(f"Created the Practice Week {args.code}.")
    return 0


def cmd_add_cohort(args: argparse.Namespace) -> int:
    from pwdesk.domain.cohorts import AgeUnder, CohortRule, EnteredCareBetween, InCareAtLeast
    from pwdesk.services.weeks import CohortDetails, add_cohort, find_week

    rules: list[CohortRule] = []
    if args.age_under is not None:
        rules.append(AgeUnder(args.age_under))
    if args.in_care_at_least is not None:
        rules.append(InCareAtLeast(args.in_care_at_least))
    if args.entered_care_between:
        first, last = (day(text) for text in args.entered_care_between)
        assert first is not None
        assert last is not None
        rules.append(EnteredCareBetween(first, last))
    with opened(args, qa_only="setting up a week") as db:
        week = find_week(db, args.week)
        add_cohort(db, week.id, CohortDetails(args.name, tuple(r.to_dict() for r in rules)))
    if args.json:
        emit_json({"week": args.week, "cohort": args.name, "rules": [r.to_dict() for r in rules]})
    else:
        print(f"Added the cohort {args.name} to {args.week}.")
    return 0


def cmd_add_leader(args: argparse.Namespace) -> int:
    from pwdesk.services.people import AuditorDetails, add_auditor

    with opened(args, qa_only="setting up a week") as db:
        saved = add_auditor(db, AuditorDetails(args.name, args.role or ""))
    if args.json:
        emit_json({"id": saved.id, "new": saved.changed})
    else:
        print(f"{args.name} is a senior leader." if saved.changed else f"{args.name} was already.")
    return 0


def cmd_add_practitioner(args: argparse.Namespace) -> int:
    from pwdesk.services.people import PractitionerDetails, add_practitioner

    with opened(args, qa_only="setting up a week") as db:
        saved = add_practitioner(
            db, PractitionerDetails(args.name, args.team or "", args.role or "Social worker")
        )
    if args.json:
        emit_json({"id": saved.id, "new": saved.changed})
    else:
        print(f"Added {args.name}." if saved.changed else f"{args.name} was already there.")
    return 0


def _practitioner_id(people: Directory, args: argparse.Namespace) -> str | None:
    """The practitioner ``--practitioner`` (and ``--team``) name, if any."""
    return people.practitioner(args.practitioner, args.team or "") if args.practitioner else None


def cmd_allocate(args: argparse.Namespace) -> int:
    from pwdesk.services.allocation import allocate_audit
    from pwdesk.services.lookup import directory

    with opened(args, qa_only="allocation") as db:
        people = directory(db)
        saved = allocate_audit(
            db,
            args.week,
            people.child(args.child),
            people.auditor(args.leader),
            _practitioner_id(people, args),
            day(args.date),
        )
    if args.json:
        emit_json({"allocation": saved.id, "changed": saved.changed})
    else:
        print(f"Allocated the case audit of {args.child} to {args.leader}.")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from pwdesk.services.allocation import schedule_observation
    from pwdesk.services.lookup import directory

    with opened(args, qa_only="scheduling observations") as db:
        people = directory(db)
        saved = schedule_observation(
            db,
            args.week,
            args.type,
            people.auditor(args.observer),
            _practitioner_id(people, args),
            day(args.date),
            people.child(args.child) if args.child else None,
        )
    if args.json:
        emit_json({"allocation": saved.id})
    else:
        print(f"Scheduled a {args.type} observation for {args.observer}.")
    return 0


def cmd_todo(args: argparse.Namespace) -> int:
    from pwdesk.services.allocation import list_allocations
    from pwdesk.services.lookup import find_auditor

    with opened(args) as db:
        leader = find_auditor(db, args.leader) if args.leader else None
        rows = list_allocations(db, args.week, leader)
    if args.json:
        emit_json({"week": args.week, "allocations": rows})
        return 0
    if not rows:
        print("Nothing is allocated yet.")
        return 0
    print(
        table(
            [
                (
                    r.what,
                    r.case_reference,
                    r.practitioner,
                    r.senior_leader,
                    r.planned_on,
                    "done" if r.done else "to do",
                )
                for r in rows
            ],
            ("what", "child", "practitioner", "senior leader", "planned", "status"),
        )
    )
    return 0


def register(command: Command) -> None:
    """Add this group's subcommands."""
    cases = command("import-cases", cmd_import_cases, "bring a case list into a week's cohorts")
    cases.add_argument("file", metavar="FILE", help="the case list, .csv or .xlsx")
    cases.add_argument("--week", required=True, metavar="CODE", help="the week's code")
    cases.add_argument("--mapping", metavar="FILE", help="a TOML file naming the columns")
    new_week = command("new-week", cmd_new_week, "set up a Practice Week")
    new_week.add_argument("--code", required=True, help="a short code, e.g. 2019-03")
    new_week.add_argument("--title", required=True)
    new_week.add_argument("--theme")
    new_week.add_argument("--starts", required=True, metavar="YYYY-MM-DD")
    new_week.add_argument("--ends", required=True, metavar="YYYY-MM-DD")
    new_week.add_argument("--case-audit-template", metavar="ID")
    new_week.add_argument("--observation-template", action="append", metavar="ID")
    cohort = command("add-cohort", cmd_add_cohort, "add a cohort, defined by rules, to a week")
    cohort.add_argument("--week", required=True, metavar="CODE")
    cohort.add_argument("--name", required=True)
    cohort.add_argument("--age-under", type=int, metavar="YEARS")
    cohort.add_argument("--in-care-at-least", type=int, metavar="MONTHS")
    cohort.add_argument("--entered-care-between", nargs=2, metavar=("FIRST", "LAST"))
    leader = command("add-leader", cmd_add_leader, "add a senior leader who audits and observes")
    leader.add_argument("name", metavar="NAME")
    leader.add_argument("--role", help="e.g. Head of Service")
    worker = command("add-practitioner", cmd_add_practitioner, "add a practitioner")
    worker.add_argument("name", metavar="NAME")
    worker.add_argument("--team")
    worker.add_argument("--role", help="default: Social worker")
    allocate = command("allocate", cmd_allocate, "give a child's case audit to a senior leader")
    allocate.add_argument("--week", required=True, metavar="CODE")
    allocate.add_argument("--child", required=True, metavar="CASE_REFERENCE")
    allocate.add_argument("--leader", required=True, metavar="NAME", help="the senior leader")
    allocate.add_argument("--practitioner", metavar="NAME")
    allocate.add_argument(
        "--team", metavar="TEAM", help="the practitioner's team, when two share a name"
    )
    allocate.add_argument("--date", metavar="YYYY-MM-DD", help="when it is planned")
    schedule = command("schedule", cmd_schedule, "schedule an observation of practice")
    schedule.add_argument("--week", required=True, metavar="CODE")
    schedule.add_argument(
        "--type", required=True, metavar="KIND", help="home-visit, cp-conference or core-group"
    )
    schedule.add_argument("--observer", required=True, metavar="NAME")
    schedule.add_argument("--practitioner", metavar="NAME")
    schedule.add_argument(
        "--team", metavar="TEAM", help="the practitioner's team, when two share a name"
    )
    schedule.add_argument("--child", metavar="CASE_REFERENCE")
    schedule.add_argument("--date", metavar="YYYY-MM-DD")
    todo = command("todo", cmd_todo, "what is allocated in a week, and what is still to do")
    todo.add_argument("--week", required=True, metavar="CODE")
    todo.add_argument("--leader", metavar="NAME", help="only this senior leader's list")
