"""The ``pwdesk`` command: every headless job, each a subcommand.

Exit status: 0 success, 2 bad input or bad usage (nothing changed), 1 an unexpected error.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from pwdesk import __version__
from pwdesk.cli import exchange, forms, moderation, records, setup
from pwdesk.cli.common import Handler, common_options
from pwdesk.domain.errors import PwdeskError


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="pwdesk",
        description="Practice Week audits, observations, feedback and reports "
        "for children's social care.",
    )
    parser.add_argument("--version", action="version", version=f"pwdesk {__version__}")
    common = common_options()
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(
        name: str, handler: Handler, help_text: str, parent: Any = commands
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        sub.set_defaults(handler=handler)
        return sub

    records.register(command)
    setup.register(command)
    moderation.register(command)
    exchange.register(command)
    forms.register(command, commands)
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
