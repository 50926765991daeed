"""Commands for records and reports: a new store, lists, figures, feedback and the report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
from pwdesk.cli.common import (
    Command,
    UsageError,
    _database_path,
    clip,
    create_from_args,
    emit_json,
    open_from_args,
    opened,
    table,
)
from pwdesk.domain.errors import PwdeskError


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from pwdesk.gui.app import run  # Qt loads only for the desktop window
    except ImportError as error:  # a library Qt itself links to (libEGL, libfontconfig…)
        raise PwdeskError(
            f"The desktop window cannot open: Qt could not load ({error}); see the README's "
            "system requirements."
        ) from error

    if args.database_url:
        return run(url=args.database_url)
    return run(_database_path(args))


def cmd_init(args: argparse.Namespace) -> int:
    from pwdesk.services.stores import shown_location

    db = create_from_args(args)
    try:
        if args.role != "qa":
            db.set_setting("role", args.role)
        identity = db.identity
        where = (
            shown_location(args.database_url) if args.database_url else str(_database_path(args))
        )
    finally:
        db.close()
    if args.json:
        emit_json(
            {
                "database": where,
                "device_id": identity.device_id,
                "device_name": identity.device_name,
            }
        )
    else:
        protection = (
            "its encryption at rest is the server's own, and in transit the connection's "
            "(sslmode in the URL); see docs/storage.md"
            if args.database_url
            else "encrypted with SQLCipher under its passphrase"
        )
        print(
            f"Created a pwdesk database at {where} (device {identity.device_name}): {protection}."
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pwdesk.services.demo import build_demo

    path = _database_path(args)
    db = open_from_args(args) if path is None or path.exists() else create_from_args(args)
    try:
        summary = build_demo(db, seed=args.seed)
    finally:
        db.close()
    if args.json:
        emit_json(summary)
    else:
        print(
            f"Created the fictional Practice Weeks {', '.join(summary.weeks)}: "
            f"{summary.children} children, {summary.audits} case audits, "
            f"{summary.observations} observations, {summary.actions} agreed actions."
        )
    return 0


def cmd_weeks(args: argparse.Namespace) -> int:
    from pwdesk.services.weeks import list_weeks

    with opened(args) as db:
        weeks = list_weeks(db)
    if args.json:
        emit_json({"weeks": weeks})
    elif not weeks:
        print("There are no Practice Weeks yet.")
    else:
        print(
            table(
                [(w.code, w.title, w.starts_on, w.ends_on, w.theme) for w in weeks],
                ("code", "title", "starts", "ends", "theme"),
            )
        )
    return 0


def cmd_records(args: argparse.Namespace) -> int:
    from pwdesk.services.assessments import list_records

    with opened(args) as db:
        records = list_records(db, args.week)
    if args.json:
        emit_json({"week": args.week, "records": records})
    else:
        rows = [
            (
                r.id[:8],
                r.observation_type or r.kind,
                r.case_reference,
                r.practitioner,
                r.held_on,
                r.status,
                r.overall_grade,
            )
            for r in records
        ]
        print(table(rows, ("id", "kind", "child", "practitioner", "date", "status", "overall")))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from pwdesk.domain.wording import count, percent
    from pwdesk.services.stats import stats_json, week_stats

    with opened(args) as db:
        week, stats = week_stats(db, args.week)
    figures = stats_json(week, stats)
    if args.json:
        emit_json(figures)
        return 0
    print(f"{week.code} {week.title}" + (f": {week.theme}" if week.theme else ""))
    print(
        f"{count(stats.children, 'child', 'children')} audited, "
        f"{count(stats.audits, 'case audit')}, {count(stats.observations_total, 'observation')}, "
        f"{count(stats.senior_leaders, 'senior leader')}"
        + (f"; {count(stats.drafts, 'draft')} not counted" if stats.drafts else "")
    )
    for cohort in stats.cohorts:
        children = count(cohort.children, "child", "children")
        print(f"  cohort {cohort.name}: {cohort.audited} of {children} audited")
    rows = [
        (clip(a.label, 60), *a.counts.values(), percent(a.good_or_better_pct))
        for a in (*stats.aspects, stats.overall)
    ]
    grades = [grade.abbreviation for grade in stats.scale.choices]
    print(table(rows, ("aspect", *grades, "good or better")))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from pwdesk.services.assessments import resolve_record_id
    from pwdesk.services.feedback import feedback_pdf
    from pwdesk.services.files import write_atomically

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        raise UsageError(
            f"The feedback sheet is a PDF: give --out a name ending in .pdf, not {out.name}."
        )
    with opened(args) as db:
        record_id = resolve_record_id(db, args.record)
        data = feedback_pdf(db, record_id)
    write_atomically(data, out)
    if args.json:
        emit_json({"record": record_id, "out": str(out), "bytes": len(data)})
    else:
        print(f"Wrote the feedback sheet for record {record_id[:8]} to {out}.")
    return 0


REPORT_FORMATS = ("pdf", "docx", "html", "xlsx")
REPORT_NAMES = {
    "pdf": "A PDF report",
    "docx": "A Word report",
    "html": "An HTML report",
    "xlsx": "The report's workbook",
}


def cmd_report(args: argparse.Namespace) -> int:
    from pwdesk.services.files import write_atomically
    from pwdesk.services.report import AUTO, report_as

    out = Path(args.out).expanduser()
    ending = out.suffix.lower().lstrip(".")
    chosen = args.format or (ending if ending in REPORT_FORMATS else "pdf")
    if ending != chosen:
        raise UsageError(f"{REPORT_NAMES[chosen]} needs --out to end in .{chosen}, not {out.name}.")
    compare = None if args.no_compare else (args.compare or AUTO)
    with opened(args) as db:
        data = report_as(db, args.week, chosen, compare)
    write_atomically(data, out)
    if args.json:
        emit_json({"week": args.week, "format": chosen, "out": str(out), "bytes": len(data)})
    else:
        print(f"Wrote the {args.week} summary report to {out}.")
    return 0


SETTING_OPTIONS = {
    "authority": "authority_name",
    "marking": "protective_marking",
    "logo": "logo_path",
}


def cmd_settings(args: argparse.Namespace) -> int:
    """Show the database's settings, or change the ones given: what every document prints."""
    from dataclasses import replace

    from pwdesk.services.settings import load_settings, save_settings

    changes = {
        field: getattr(args, option)
        for option, field in SETTING_OPTIONS.items()
        if getattr(args, option) is not None
    }
    if changes.get("logo_path"):  # kept as a whole path, so it is found from any folder
        changes["logo_path"] = str(Path(changes["logo_path"]).expanduser().resolve())
    with opened(args) as db:
        settings = load_settings(db)
        if changes:
            settings = replace(settings, **changes)
            save_settings(db, settings)
            settings = load_settings(db)
    shown = {
        "authority_name": settings.authority_name,
        "protective_marking": settings.protective_marking,
        "logo_path": settings.logo_path,
        "user_name": settings.user_name,
        "device_name": settings.device_name,
        "role": settings.role,
    }
    if args.json:
        emit_json({**shown, "changed": sorted(changes)})
        return 0
    if changes:
        print("Saved: " + ", ".join(field.replace("_", " ") for field in sorted(changes)) + ".")
    width = max(len(key) for key in shown)
    for key, value in shown.items():
        print(f"{key.replace('_', ' '):<{width}}  {value or '(not set)'}")
    return 0


def register(command: Command) -> None:
    """Add this group's subcommands."""
    command("gui", cmd_gui, "open the desktop window (the default with no command)")
    init = command("init", cmd_init, "create an empty encrypted database")
    init.add_argument("--device-name", help="a name for this laptop (default: its host name)")
    init.add_argument("--user", help="your name, stamped on what you save (default: your login)")
    init.add_argument(
        "--role",
        choices=("qa", "laptop"),
        default="qa",
        help="the QA officer's store (default) or a senior leader's laptop",
    )
    demo = command("demo", cmd_demo, "create a fictional Practice Week like the reference one")
    demo.add_argument("--seed", type=int, default=2018, help="the same seed gives the same data")
    command("weeks", cmd_weeks, "list the Practice Weeks")
    records = command("records", cmd_records, "list a week's audits and observations")
    records.add_argument(
        "--week", required=True, metavar="CODE", help="the week's code, e.g. 2018-09"
    )
    feedback = command("feedback", cmd_feedback, "write one record's feedback sheet as a PDF")
    feedback.add_argument("record", metavar="RECORD", help="a record id, or a unique prefix of it")
    feedback.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    report = command(
        "report", cmd_report, "the Practice Week summary report (PDF, Word, HTML or XLSX)"
    )
    report.add_argument("--week", required=True, metavar="CODE", help="the week's code")
    report.add_argument(
        "--out", required=True, metavar="FILE", help="report.pdf, .docx, .html or data.xlsx"
    )
    report.add_argument("--format", choices=REPORT_FORMATS, help="default: from --out's ending")
    comparison = report.add_mutually_exclusive_group()
    comparison.add_argument(
        "--compare", metavar="CODE", help="the week to compare with (default: the week before)"
    )
    comparison.add_argument("--no-compare", action="store_true", help="compare with no week")
    settings = command(
        "settings", cmd_settings, "show or set the authority's name and the protective marking"
    )
    settings.add_argument(
        "--authority", metavar="NAME", help="the authority's name, e.g. on covers"
    )
    settings.add_argument(
        "--marking", metavar="TEXT", help="the protective marking, e.g. OFFICIAL-SENSITIVE"
    )
    settings.add_argument(
        "--logo", metavar="FILE", help="a PNG or JPEG printed on documents ('' for none)"
    )
    stats = command("stats", cmd_stats, "the grade counts the report is built from")
    stats.add_argument(
        "--week", required=True, metavar="CODE", help="the week's code, e.g. 2018-09"
    )
