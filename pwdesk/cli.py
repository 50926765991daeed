"""The ``pwdesk`` command: every headless job, each a subcommand.

Exit status: 0 success, 2 bad input or bad usage (nothing changed), 1 an unexpected error.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pwdesk import __version__
from pwdesk.domain.errors import PwdeskError
from pwdesk.services.locations import default_database_path

if TYPE_CHECKING:
    from pwdesk.store.database import Database

PASSPHRASE_ENV = "PWDESK_PASSPHRASE"
KEY_PASSPHRASE_ENV = "PWDESK_KEY_PASSPHRASE"
PACKAGE_PASSPHRASE_ENV = "PWDESK_PACKAGE_PASSPHRASE"
Handler = Callable[[argparse.Namespace], int]


class UsageError(PwdeskError):
    """The command line asks for something that cannot be done as given."""


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """The database passphrase: from --passphrase-file, PWDESK_PASSPHRASE, or a prompt."""
    if args.passphrase_file is not None:
        try:
            text = Path(args.passphrase_file).read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(
                f"The passphrase file {args.passphrase_file} cannot be read: {error.strerror}."
            ) from None
        except UnicodeDecodeError:
            raise UsageError(
                f"The passphrase file {args.passphrase_file} is not UTF-8 text."
            ) from None
        return text.removesuffix("\n").removesuffix("\r")
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if sys.stdin.isatty():
        passphrase = getpass.getpass("Database passphrase: ")
        if confirm and getpass.getpass("Type it again: ") != passphrase:
            raise UsageError("The two passphrases differ; nothing was created.")
        return passphrase
    raise UsageError(f"No passphrase given: use --passphrase-file FILE or set {PASSPHRASE_ENV}.")


def _database_path(args: argparse.Namespace) -> Path | None:
    if args.database_url:
        return None
    return Path(args.db).expanduser() if args.db else default_database_path()


def open_from_args(args: argparse.Namespace) -> Database:
    """Open the database the options name."""
    # SQLAlchemy loads only for commands that use a database: ``--version`` stays quick.
    from pwdesk.store.database import DatabaseError, open_database

    path = _database_path(args)
    if path is not None and not path.is_file():
        raise DatabaseError(f"There is no database at {path}; create one with 'pwdesk init'.")
    passphrase = None if path is None else read_passphrase(args)
    return open_database(path, passphrase, url=args.database_url)


@contextmanager
def opened(args: argparse.Namespace, *, qa_only: str = "") -> Iterator[Database]:
    """The database the options name, open for the length of a ``with`` block.

    ``qa_only`` names work that belongs to the QA officer's store; on a senior leader's laptop
    it is refused.
    """
    db = open_from_args(args)
    try:
        if qa_only and db.setting("role", "qa") == "laptop":
            raise UsageError(
                f"This database is a senior leader's laptop; {qa_only} belongs to the QA "
                "officer's store."
            )
        yield db
    finally:
        db.close()


def create_from_args(args: argparse.Namespace) -> Database:
    """Create the database the options name."""
    from pwdesk.store.database import DatabaseError, create_database

    path = _database_path(args)
    if path is not None:
        if path.exists():
            raise DatabaseError(f"{path} already exists; pwdesk will not overwrite it.")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's alone
    passphrase = None if path is None else read_passphrase(args, confirm=True)
    return create_database(
        path,
        passphrase,
        url=args.database_url,
        device_name=getattr(args, "device_name", None),
        user=getattr(args, "user", None),
    )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: _plain(item) for key, item in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def emit_json(value: Any) -> None:
    """Print one JSON object on stdout."""
    print(json.dumps(_plain(value), ensure_ascii=False, indent=2))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


# --- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    db = create_from_args(args)
    try:
        if args.role != "qa":
            db.set_setting("role", args.role)
        identity = db.identity
        where = args.database_url or str(_database_path(args))
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
        print(f"Created an encrypted pwdesk database at {where} (device {identity.device_name}).")
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
            _table(
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
        print(_table(rows, ("id", "kind", "child", "practitioner", "date", "status", "overall")))
    return 0


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
            _table(
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
    from pwdesk.services.table import export_table

    with opened(args) as db:
        written = export_table(db, args.week, Path(args.out).expanduser())
    if args.json:
        emit_json(written)
    else:
        print(f"Wrote the {written.rows} case audits of {written.week} to {written.out}.")
    return 0


def cmd_table_import(args: argparse.Namespace) -> int:
    from pwdesk.services.table import import_table

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


def cmd_stats(args: argparse.Namespace) -> int:
    from pwdesk.services.stats import stats_json, week_stats

    with opened(args) as db:
        week, stats = week_stats(db, args.week)
    figures = stats_json(week, stats)
    if args.json:
        emit_json(figures)
        return 0
    print(f"{week.code} {week.title}" + (f": {week.theme}" if week.theme else ""))
    print(
        f"{stats.children} children audited, {stats.audits} case audits, "
        f"{stats.observations_total} observations, {stats.senior_leaders} senior leaders"
        + (f"; {stats.drafts} drafts not counted" if stats.drafts else "")
    )
    for cohort in stats.cohorts:
        print(f"  cohort {cohort.name}: {cohort.audited} of {cohort.children} children audited")
    rows = [
        (
            _clip(a.label, 60),
            *a.counts.values(),
            "-" if a.good_or_better_pct is None else f"{a.good_or_better_pct}%",
        )
        for a in (*stats.aspects, stats.overall)
    ]
    grades = [grade.abbreviation for grade in stats.scale.choices]
    print(_table(rows, ("aspect", *grades, "good or better")))
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


def cmd_report(args: argparse.Namespace) -> int:
    from pwdesk.services.files import write_atomically
    from pwdesk.services.report import AUTO, report_pdf, report_workbook

    out = Path(args.out).expanduser()
    chosen = args.format or ("xlsx" if out.suffix.lower() == ".xlsx" else "pdf")
    if out.suffix.lower() != f".{chosen}":
        raise UsageError(
            f"A {chosen.upper()} report needs --out to end in .{chosen}, not {out.name}."
        )
    compare = None if args.no_compare else (args.compare or AUTO)
    with opened(args) as db:
        make = report_workbook if chosen == "xlsx" else report_pdf
        data = make(db, args.week, compare)
    write_atomically(data, out)
    if args.json:
        emit_json({"week": args.week, "format": chosen, "out": str(out), "bytes": len(data)})
    else:
        print(f"Wrote the {args.week} summary report to {out}.")
    return 0


def _secret(
    file: str | None, variable: str, what: str, *, prompt: str, confirm: bool = False
) -> str | None:
    """A passphrase other than the database's: from a file, the environment, or a prompt."""
    if file is not None:
        try:
            return Path(file).read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
        except UnicodeDecodeError:
            raise UsageError(f"The {what} file {file} is not UTF-8 text.") from None
        except OSError as error:
            raise UsageError(f"The {what} file {file} cannot be read: {error.strerror}.") from None
    if os.environ.get(variable):
        return os.environ[variable]
    if sys.stdin.isatty():
        secret = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != secret:
            raise UsageError(f"The two {what}s differ; nothing was written.")
        return secret
    return None


def _rewrap(args: argparse.Namespace) -> int:
    from pwdesk.exchange.keys import rewrapped_private_key
    from pwdesk.services.files import write_atomically

    path = Path(args.rewrap).expanduser()
    secret = _secret(
        args.key_passphrase_file,
        KEY_PASSPHRASE_ENV,
        "key passphrase",
        prompt="Passphrase of the private key: ",
    )
    if secret is None:
        raise UsageError(
            f"No key passphrase given: use --key-passphrase-file FILE or set {KEY_PASSPHRASE_ENV}."
        )
    new_secret = None
    if args.new_key_passphrase_file is not None:
        new_secret = _secret(
            args.new_key_passphrase_file, "", "new key passphrase", prompt="New passphrase: "
        )
    write_atomically(rewrapped_private_key(path, secret, new_secret), path)
    if args.json:
        emit_json({"private_key": str(path), "kdf": "scrypt"})
    else:
        print(f"Re-protected {path} with scrypt; the key, and its public key, are unchanged.")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from pwdesk.exchange.keys import new_key_pair
    from pwdesk.services.files import write_atomically

    if args.rewrap:
        return _rewrap(args)
    base = Path(args.out).expanduser()
    private, public = base.with_name(base.name + ".key"), base.with_name(base.name + ".pub")
    for path in (private, public):
        if path.exists():
            raise UsageError(f"{path} already exists; pwdesk will not overwrite a key.")
    secret = _secret(
        args.key_passphrase_file,
        KEY_PASSPHRASE_ENV,
        "key passphrase",
        prompt="Passphrase for the private key: ",
        confirm=True,
    )
    if secret is None:
        raise UsageError(
            f"No key passphrase given: use --key-passphrase-file FILE or set {KEY_PASSPHRASE_ENV}."
        )
    private_pem, public_pem = new_key_pair(secret)
    write_atomically(private_pem, private)
    private.chmod(0o600)
    write_atomically(public_pem, public)
    if args.json:
        emit_json({"private_key": str(private), "public_key": str(public)})
    else:
        print(
            f"Wrote the private key {private} (keep it safe) and the public key {public} "
            "(give it to each laptop)."
        )
    return 0


def _package_secret(args: argparse.Namespace) -> str | None:
    return _secret(
        args.package_passphrase_file,
        PACKAGE_PASSPHRASE_ENV,
        "package passphrase",
        prompt="Package passphrase: ",
    )


def cmd_export(args: argparse.Namespace) -> int:
    from pwdesk.exchange.keys import load_public_key
    from pwdesk.services.export import export_package

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pwx":
        raise UsageError("An export package is a .pwx file; give --out a name ending in .pwx.")
    recipient = load_public_key(Path(args.to).expanduser()) if args.to else None
    secret = None if recipient else _package_secret(args)
    if recipient is None and secret is None:
        raise UsageError(
            "Say who can open the package: --to NAME.pub, or --package-passphrase-file FILE "
            f"(or set {PACKAGE_PASSPHRASE_ENV})."
        )
    with opened(args) as db:
        result = export_package(
            db, out, week_code=args.week, passphrase=secret, recipient=recipient
        )
    if args.json:
        emit_json(result)
    else:
        print(f"Wrote {result.records} records ({result.versions} versions) to {out}.")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from pwdesk.exchange.keys import unlock_private_key, weak_key_hint
    from pwdesk.services.merge import merge_packages

    private_key = None
    if args.key:
        secret = _secret(
            args.key_passphrase_file,
            KEY_PASSPHRASE_ENV,
            "key passphrase",
            prompt="Passphrase of the private key: ",
        )
        if secret is None:
            raise UsageError(
                f"No key passphrase given: use --key-passphrase-file FILE or set "
                f"{KEY_PASSPHRASE_ENV}."
            )
        key_path = Path(args.key).expanduser()
        unlocked = unlock_private_key(key_path, secret)
        private_key = unlocked.key
        if unlocked.weak:
            print(f"pwdesk: {weak_key_hint(key_path)}", file=sys.stderr)
    passphrase = None if private_key else _package_secret(args)
    with opened(args) as db:
        result = merge_packages(
            db,
            [Path(p).expanduser() for p in args.packages],
            passphrase=passphrase,
            private_key=private_key,
            trust_new=args.trust_new,
        )
    if args.json:
        emit_json(result.as_json())
        return 0
    for newcomer in result.trusted:
        print(f"Trusted from now on: {newcomer.describe()}.")
    print(
        f"Merged {result.packages} package(s): {result.new} new, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.stale} stale, {result.merged} combined, "
        f"{result.conflicts} in conflict."
    )
    for signer in result.signers:
        print(f"  signed by {signer['device']}, key {signer['fingerprint']}")
    for warning in result.possible_duplicates:
        print(f"  possible duplicate: {warning}")
    if result.conflicts:
        print("  see the conflicts with: pwdesk conflicts")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from pwdesk.services.conflicts import list_conflicts

    with opened(args) as db:
        conflicts = list_conflicts(db)
    if args.json:
        emit_json({"conflicts": conflicts})
        return 0
    if not conflicts:
        print("No records are in conflict.")
    for conflict in conflicts:
        print(f"{conflict.record_type} {conflict.record_id}:")
        for version in conflict.versions:
            where = "this device" if version.local else version.device_id[:8]
            print(
                f"  version {version.id[:12]} by {version.author} on {where}, "
                f"{version.created_at:%d %b %Y %H:%M}"
            )
        versions = ",".join(version.id[:12] for version in conflict.versions)
        print(f"  resolve with: pwdesk resolve {conflict.record_id[:8]} --versions {versions} ...")
        for clash in conflict.fields:
            print(f"  differs in {clash.name}:")
            for version_id, value in clash.values:
                shown = json.dumps(value, ensure_ascii=False, sort_keys=True)
                print(f"    {version_id[:12]}: {_clip(shown, 70)}")
    return 0


def _choices(given: Sequence[str] | None, flag: str) -> dict[str, str]:
    choices = {}
    for choice in given or []:
        name, _, version = choice.partition("=")
        if not name or not version:
            raise UsageError(f"{flag} takes NAME=VERSION, not {choice!r}.")
        choices[name] = version
    return choices


def cmd_resolve(args: argparse.Namespace) -> int:
    from pwdesk.services.conflicts import resolve_conflict

    fields = _choices(args.field, "--field")
    answers = _choices(args.answer, "--answer")
    if args.take is None and not fields and not answers:
        raise UsageError("Say what to keep: --take VERSION, or --answer and --field choices.")
    shown = [v for v in (args.versions or "").split(",") if v.strip()] or None
    with opened(args) as db:
        version = resolve_conflict(db, args.record, args.take, fields, answers=answers, shown=shown)
    if args.json:
        emit_json({"record": args.record, "version": version})
    else:
        print(f"Resolved: the record is now at version {version[:12]}.")
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    from pwdesk.services.signers import whoami

    with opened(args) as db:
        me = whoami(db)
    if args.json:
        emit_json(me.as_json())
    else:
        print(f"Device {me.device_name} (id {me.device_id})")
        print(f"Key fingerprint: {me.fingerprint}")
    return 0


def cmd_signers(args: argparse.Namespace) -> int:
    from pwdesk.services.signers import merge_history, trust_signer

    with opened(args) as db:
        if args.trust:
            device = trust_signer(db, args.trust)
            print(f"Trusted the key of {device}.")
        history = merge_history(db)
    if args.json:
        emit_json({"merges": history})
    else:
        print(
            _table(
                [
                    (
                        m.merged_at.strftime("%Y-%m-%d %H:%M"),
                        m.file_name,
                        m.device,
                        m.signer,
                        "yes" if m.trusted else "no",
                        m.records,
                    )
                    for m in history
                ],
                ("merged", "file", "device", "key", "trusted", "records"),
            )
        )
    return 0


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


def cmd_moderate(args: argparse.Namespace) -> int:
    from pwdesk.services.assessments import resolve_record_id
    from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_of

    reasons = dict(_pairs(args.reason or [], "--reason", "ITEM=TEXT"))
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
        for item_id, grade in _pairs(args.set or [], "--set", "ITEM=GRADE"):
            grades[item_id] = ModeratedGrade(grade, reasons.get(item_id, ""))
        saved = moderate(db, record_id, grades, moderator=args.moderator, note=args.note or "")
    if args.json:
        emit_json({"record": record_id, "moderation": saved.id, "changed": saved.changed})
    else:
        print(f"Moderated record {record_id[:8]}: {len(grades)} grades reviewed.")
    return 0


def _pairs(values: Sequence[str], option: str, form: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, _, rest = value.partition("=")
        if not name.strip() or not rest.strip():
            raise UsageError(f"{option} takes {form}, not {value!r}.")
        pairs.append((name.strip(), rest.strip()))
    return pairs


def _day(text: str | None) -> date | None:
    from pwdesk.domain.dates import parse_date

    if text is None:
        return None
    day = parse_date(text)
    if day is None:
        raise UsageError(f"{text!r} is not a date like 2018-09-17.")
    return day


def cmd_new_week(args: argparse.Namespace) -> int:
    from pwdesk.services.weeks import WeekDetails, create_week

    starts, ends = _day(args.starts), _day(args.ends)
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
        first, last = (_day(text) for text in args.entered_care_between)
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


def cmd_allocate(args: argparse.Namespace) -> int:
    from pwdesk.services.allocation import allocate_audit

    with opened(args, qa_only="allocation") as db:
        saved = allocate_audit(
            db, args.week, args.child, args.leader, args.practitioner, _day(args.date)
        )
    if args.json:
        emit_json({"allocation": saved.id, "changed": saved.changed})
    else:
        print(f"Allocated the case audit of {args.child} to {args.leader}.")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    from pwdesk.services.allocation import schedule_observation

    with opened(args, qa_only="scheduling observations") as db:
        saved = schedule_observation(
            db,
            args.week,
            args.type,
            args.observer,
            args.practitioner,
            _day(args.date),
            args.child,
        )
    if args.json:
        emit_json({"allocation": saved.id})
    else:
        print(f"Scheduled a {args.type} observation for {args.observer}.")
    return 0


def cmd_todo(args: argparse.Namespace) -> int:
    from pwdesk.services.allocation import list_allocations

    with opened(args) as db:
        rows = list_allocations(db, args.week, args.leader)
    if args.json:
        emit_json({"week": args.week, "allocations": rows})
        return 0
    if not rows:
        print("Nothing is allocated yet.")
        return 0
    print(
        _table(
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


def cmd_gui(args: argparse.Namespace) -> int:
    from pwdesk.gui.app import run  # Qt loads only for the desktop window

    return run(_database_path(args))


# --- parser -----------------------------------------------------------------------------------


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument(
        "--db", metavar="PATH", help="the database file (default: in your data folder)"
    )
    where.add_argument("--database-url", metavar="URL", help="a SQLAlchemy URL instead of a file")
    common.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help=f"read the database passphrase from FILE (or set {PASSPHRASE_ENV})",
    )
    common.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="pwdesk",
        description="Practice Week audits, observations, feedback and reports "
        "for children's social care.",
    )
    parser.add_argument("--version", action="version", version=f"pwdesk {__version__}")
    common = _common_options()
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(
        name: str, handler: Handler, help_text: str, parent: Any = commands
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        sub.set_defaults(handler=handler)
        return sub

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
    cases = command("import-cases", cmd_import_cases, "bring a case list into a week's cohorts")
    cases.add_argument("file", metavar="FILE", help="the case list, .csv or .xlsx")
    cases.add_argument("--week", required=True, metavar="CODE", help="the week's code")
    cases.add_argument("--mapping", metavar="FILE", help="a TOML file naming the columns")
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
    allocate.add_argument("--date", metavar="YYYY-MM-DD", help="when it is planned")
    schedule = command("schedule", cmd_schedule, "schedule an observation of practice")
    schedule.add_argument("--week", required=True, metavar="CODE")
    schedule.add_argument(
        "--type", required=True, metavar="KIND", help="home-visit, cp-conference or core-group"
    )
    schedule.add_argument("--observer", required=True, metavar="NAME")
    schedule.add_argument("--practitioner", metavar="NAME")
    schedule.add_argument("--child", metavar="CASE_REFERENCE")
    schedule.add_argument("--date", metavar="YYYY-MM-DD")
    todo = command("todo", cmd_todo, "what is allocated in a week, and what is still to do")
    todo.add_argument("--week", required=True, metavar="CODE")
    todo.add_argument("--leader", metavar="NAME", help="only this senior leader's list")
    records = command("records", cmd_records, "list a week's audits and observations")
    records.add_argument(
        "--week", required=True, metavar="CODE", help="the week's code, e.g. 2018-09"
    )
    feedback = command("feedback", cmd_feedback, "write one record's feedback sheet as a PDF")
    feedback.add_argument("record", metavar="RECORD", help="a record id, or a unique prefix of it")
    feedback.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    report = command("report", cmd_report, "the Practice Week summary report (PDF or XLSX)")
    report.add_argument("--week", required=True, metavar="CODE", help="the week's code")
    report.add_argument("--out", required=True, metavar="FILE", help="report.pdf or data.xlsx")
    report.add_argument("--format", choices=("pdf", "xlsx"), help="default: from --out's ending")
    comparison = report.add_mutually_exclusive_group()
    comparison.add_argument(
        "--compare", metavar="CODE", help="the week to compare with (default: the week before)"
    )
    comparison.add_argument("--no-compare", action="store_true", help="compare with no week")
    keygen = command("keygen", cmd_keygen, "make the QA officer's key pair (NAME.key, NAME.pub)")
    making = keygen.add_mutually_exclusive_group(required=True)
    making.add_argument("--out", metavar="NAME", help="where: NAME.key and NAME.pub")
    making.add_argument(
        "--rewrap",
        metavar="NAME.key",
        help="re-protect an existing private key file with the current scheme (scrypt)",
    )
    keygen.add_argument(
        "--key-passphrase-file",
        metavar="FILE",
        help=f"the private key's passphrase (or set {KEY_PASSPHRASE_ENV})",
    )
    keygen.add_argument(
        "--new-key-passphrase-file",
        metavar="FILE",
        help="with --rewrap: a new passphrase for the key (default: keep the old one)",
    )
    export = command("export", cmd_export, "write an encrypted, signed package of records")
    export.add_argument("--out", required=True, metavar="FILE.pwx")
    export.add_argument("--week", metavar="CODE", help="only this week's records (default: all)")
    export.add_argument("--to", metavar="NAME.pub", help="encrypt for the QA officer's key")
    export.add_argument(
        "--package-passphrase-file",
        metavar="FILE",
        help=f"or for a passphrase (or set {PACKAGE_PASSPHRASE_ENV})",
    )
    merge = command("merge", cmd_merge, "merge packages: all in one transaction, or none")
    merge.add_argument("packages", nargs="+", metavar="FILE.pwx")
    merge.add_argument("--key", metavar="NAME.key", help="the QA officer's private key")
    merge.add_argument(
        "--key-passphrase-file",
        metavar="FILE",
        help=f"its passphrase (or set {KEY_PASSPHRASE_ENV})",
    )
    merge.add_argument(
        "--package-passphrase-file",
        metavar="FILE",
        help=f"or the packages' passphrase (or set {PACKAGE_PASSPHRASE_ENV})",
    )
    merge.add_argument(
        "--trust-new",
        action="store_true",
        help="trust the devices that signed these packages, once you have compared their "
        "fingerprints with what 'pwdesk whoami' shows on each",
    )
    command("whoami", cmd_whoami, "this database's device, and its key's fingerprint")
    command("conflicts", cmd_conflicts, "list records with concurrent versions")
    resolve = command("resolve", cmd_resolve, "resolve a conflict with a new version")
    resolve.add_argument("record", metavar="RECORD", help="the record's id or its start")
    resolve.add_argument(
        "--take",
        metavar="local|incoming|VERSION",
        help="the version to keep whole (with --answer or --field: for every clash not named)",
    )
    resolve.add_argument(
        "--versions",
        metavar="V1,V2",
        help="the versions you looked at (as pwdesk conflicts prints them); if another has "
        "arrived since, nothing is changed",
    )
    resolve.add_argument(
        "--answer",
        action="append",
        metavar="ITEM=VERSION",
        help="take one answer from the version named (repeatable)",
    )
    resolve.add_argument(
        "--field",
        action="append",
        metavar="NAME=VERSION",
        help="take one field from the version named (repeatable)",
    )
    signers = command(
        "signers", cmd_signers, "the packages merged and the devices that signed them"
    )
    signers.add_argument("--trust", metavar="FINGERPRINT", help="mark a device's key trusted")
    stats = command("stats", cmd_stats, "the grade counts the report is built from")
    stats.add_argument(
        "--week", required=True, metavar="CODE", help="the week's code, e.g. 2018-09"
    )

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments or ["gui"])  # no command: the desktop window
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except PwdeskError as error:
        # A malformed template or table lists every problem, one sentence a line.
        for problem in getattr(error, "problems", None) or [str(error)]:
            print(f"pwdesk: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (``pwdesk stats | head``): not our error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("pwdesk: interrupted; nothing was changed by the unfinished step.", file=sys.stderr)
        return 130
    except Exception:  # a bug: say so plainly, with the traceback for the report
        traceback.print_exc()
        print(
            "pwdesk: an unexpected error occurred; please report it with the lines above.",
            file=sys.stderr,
        )
        return 1
