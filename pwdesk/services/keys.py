"""The QA officer's key files as the export and merge windows use them: the public key a package
is exported to, and the private key that opens packages, with word when its file needs
re-protecting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.keys import load_public_key, unlock_private_key, weak_key_hint


def recipient_key(key_file: str) -> X25519PublicKey:
    """The QA officer's public key, read from the ``.pub`` file named as typed, to export to."""
    named = key_file.strip()
    if not named:
        raise PwdeskError("Choose the QA officer's public key file (.pub).")
    return load_public_key(Path(named).expanduser())


@dataclass(frozen=True)
class QaKey:
    """The QA officer's private key, unlocked, and how to re-protect its file if it is weak."""

    key: X25519PrivateKey
    hint: str = ""  # empty unless the file uses the older, weaker protection


def unlock_qa_key(path: Path, passphrase: str) -> QaKey:
    """Unlock the QA officer's private key file (``NAME.key``) with its passphrase."""
    unlocked = unlock_private_key(path, passphrase)
    return QaKey(unlocked.key, weak_key_hint(path) if unlocked.weak else "")
