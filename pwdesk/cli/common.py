"""What every command shares: the database and secrets it is given, and its output."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    passphrase = read_secret(
        args.passphrase_file,
        PASSPHRASE_ENV,
        "passphrase",
        prompt="Database passphrase: ",
        confirm=confirm,
        undone="nothing was created",
    )
    if passphrase is None:
        raise UsageError(
            f"No passphrase given: use --passphrase-file FILE or set {PASSPHRASE_ENV}."
        )
    return passphrase


def _database_path(args: argparse.Namespace) -> Path | None:
    if args.database_url:
        return None
    return Path(args.db).expanduser() if args.db else default_database_path()


def open_from_args(args: argparse.Namespace) -> Database:
    """Open the database the options name."""
    # SQLAlchemy loads only for commands that use a database: ``--version`` stays quick.
    from pwdesk.services.stores import open_store, require_database_file

    path = _database_path(args)
    require_database_file(path)  # before the passphrase is asked for
    passphrase = None if path is None else read_passphrase(args)
    return open_store(path, passphrase, url=args.database_url)


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
    from pwdesk.services.stores import create_store, refuse_existing

    path = _database_path(args)
    refuse_existing(path)  # before the passphrase is asked for
    passphrase = None if path is None else read_passphrase(args, confirm=True)
    return create_store(
        path,
        passphrase,
        url=args.database_url,
        device_name=getattr(args, "device_name", None),
        user=getattr(args, "user", None),
    )


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: plain(item) for key, item in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def emit_json(value: Any) -> None:
    """Print one JSON object on stdout."""
    print(json.dumps(plain(value), ensure_ascii=False, indent=2))


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def read_secret(
    file: str | None,
    variable: str,
    what: str,
    *,
    prompt: str,
    confirm: bool = False,
    undone: str = "nothing was written",
) -> str | None:
    """A secret from a file (without its final line break), the environment variable, or a
    prompt when there is a terminal; None when none gives one. Every secret pwdesk reads (the
    database's, a package's, the QA key's) comes this one way."""
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
            raise UsageError(f"The two {what}s differ; {undone}.")
        return secret
    return None


def common_options() -> argparse.ArgumentParser:
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


def pairs(values: Sequence[str], option: str, form: str) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, _, rest = value.partition("=")
        if not name.strip() or not rest.strip():
            raise UsageError(f"{option} takes {form}, not {value!r}.")
        pairs.append((name.strip(), rest.strip()))
    return pairs


def day(text: str | None) -> date | None:
    from pwdesk.domain.dates import parse_date

    if text is None:
        return None
    day = parse_date(text)
    if day is None:
        raise UsageError(f"{text!r} is not a date like 2018-09-17.")
    return day


Command = Callable[..., argparse.ArgumentParser]
"""Adds one subcommand: ``command(name, handler, help_text, parent=None)`` gives its parser."""
