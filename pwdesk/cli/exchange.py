"""Commands for moving work between machines: keys, export, merge, conflicts and trust."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass
from pwdesk.cli.common import (
    KEY_PASSPHRASE_ENV,
    PACKAGE_PASSPHRASE_ENV,
    Command,
    UsageError,
    clip,
    emit_json,
    opened,
    read_secret,
    table,
)


def _key_passphrase(
    args: argparse.Namespace,
    prompt: str = "Passphrase of the private key: ",
    *,
    confirm: bool = False,
) -> str:
    """The QA key's passphrase, from --key-passphrase-file, the environment or a prompt."""
    secret = read_secret(
        args.key_passphrase_file,
        KEY_PASSPHRASE_ENV,
        "key passphrase",
        prompt=prompt,
        confirm=confirm,
    )
    if secret is None:
        raise UsageError(
            f"No key passphrase given: use --key-passphrase-file FILE or set {KEY_PASSPHRASE_ENV}."
        )
    return secret


def _rewrap(args: argparse.Namespace) -> int:
    from pwdesk.exchange.keys import rewrapped_private_key
    from pwdesk.services.files import write_atomically

    path = Path(args.rewrap).expanduser()
    secret = _key_passphrase(args)
    new_secret = None
    if args.new_key_passphrase_file is not None:
        new_secret = read_secret(
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
    secret = _key_passphrase(args, "Passphrase for the private key: ", confirm=True)
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
    return read_secret(
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
        secret = _key_passphrase(args)
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
    if result.already_merged:
        print(
            f"  {result.already_merged} of them merged before: recognised, signature checked, "
            "skipped"
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
                print(f"    {version_id[:12]}: {clip(shown, 70)}")
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
            table(
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


def register(command: Command) -> None:
    """Add this group's subcommands."""
    _register_keygen(command)
    _register_export_and_merge(command)
    command("whoami", cmd_whoami, "this database's device, and its key's fingerprint")
    command("conflicts", cmd_conflicts, "list records with concurrent versions")
    _register_resolve(command)
    signers = command(
        "signers", cmd_signers, "the packages merged and the devices that signed them"
    )
    signers.add_argument("--trust", metavar="FINGERPRINT", help="mark a device's key trusted")


def _register_keygen(command: Command) -> None:
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


def _register_export_and_merge(command: Command) -> None:
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


def _register_resolve(command: Command) -> None:
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
