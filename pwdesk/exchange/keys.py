"""Key files: the QA officer's X25519 key pair (packages are encrypted for it), and device keys.

The private key opens every laptop's package, so its file is protected by scrypt at OWASP's
recommended cost (n = 2^17, r = 8, p = 1: 128 MB and about half a second per guess) and
AES-256-GCM, in a small JSON file described in docs/export-format.md. Files written by earlier
releases (PKCS#8 with PBKDF2 at 2,048 iterations) still open, and ``rewrap_private_key``
re-protects one.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import canonical_json

KEY_FILE_KIND = "pwdesk-qa-private-key"
KEY_SCRYPT_N, KEY_SCRYPT_R, KEY_SCRYPT_P = 2**17, 8, 1
# A key file asking for more than twice pwdesk's cost is not one pwdesk wrote.
MAX_KEY_SCRYPT_N = 2 * KEY_SCRYPT_N
MAX_KEY_FILE_BYTES = 64 * 1024


class KeyFileError(PwdeskError):
    """A key file is missing, damaged, of the wrong kind, or locked with another passphrase."""


def _key_protection(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def protect_private_key(key: X25519PrivateKey, passphrase: str) -> bytes:
    """The key file's bytes: the raw private key sealed with AES-256-GCM under an scrypt key."""
    if len(passphrase) < 10:
        raise KeyFileError("Protect the private key with a passphrase of at least 10 characters.")
    salt, nonce = os.urandom(16), os.urandom(12)
    head = {
        "kind": KEY_FILE_KIND,
        "format": 1,
        "kdf": {
            "scheme": "scrypt",
            "salt": base64.b64encode(salt).decode("ascii"),
            "n": KEY_SCRYPT_N,
            "r": KEY_SCRYPT_R,
            "p": KEY_SCRYPT_P,
        },
        "cipher": "AES-256-GCM",
        "nonce": base64.b64encode(nonce).decode("ascii"),
    }
    secret = _key_protection(passphrase, salt, KEY_SCRYPT_N, KEY_SCRYPT_R, KEY_SCRYPT_P)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(secret).encrypt(nonce, raw, canonical_json(head))
    body = {**head, "key": base64.b64encode(sealed).decode("ascii")}
    return json.dumps(body, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def new_key_pair(passphrase: str) -> tuple[bytes, bytes]:
    """A QA officer's key pair: the private key file, protected by the passphrase, and the
    public key as PEM, to hand to laptops."""
    private = X25519PrivateKey.generate()
    private_file = protect_private_key(private, passphrase)
    public_pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return private_file, public_pem


def _read(path: Path, what: str) -> bytes:
    """A key file's bytes; a file far larger than any key is refused unread."""
    if path.exists() and not path.is_file():  # a folder, a pipe, a device: never read
        raise KeyFileError(f"{path.name} is not a {what}.")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise KeyFileError(f"There is no {what} at {path}.") from None
    except OSError as error:
        raise KeyFileError(f"The {what} {path} cannot be read: {error.strerror}.") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(f"{path.name} is far larger than a pwdesk key file.")
    return data


def load_public_key(path: Path) -> X25519PublicKey:
    """A QA officer's public key (``NAME.pub``)."""
    try:
        key = load_pem_public_key(_read(path, "public key file"))
    except ValueError:
        raise KeyFileError(f"{path.name} is not a pwdesk public key file.") from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(f"{path.name} is not a pwdesk public key file.")
    return key


@dataclass(frozen=True)
class UnlockedKey:
    """A private key opened from its file, and whether the file uses the older, weak protection."""

    key: X25519PrivateKey
    weak: bool


def _field(data: dict[str, Any], name: str, path: Path) -> Any:
    if name not in data:
        raise KeyFileError(f"{path.name} is not a pwdesk key file.")
    return data[name]


def _open_scrypt_file(data: bytes, passphrase: str, path: Path) -> X25519PrivateKey:
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise KeyFileError(f"{path.name} is not a pwdesk key file.") from None
    if not isinstance(body, dict) or body.get("kind") != KEY_FILE_KIND:
        raise KeyFileError(f"{path.name} is not a pwdesk key file.")
    if body.get("format") != 1:
        raise KeyFileError(f"{path.name} is a key file of a newer pwdesk; update pwdesk.")
    head = {name: value for name, value in body.items() if name != "key"}
    kdf = _field(body, "kdf", path)
    try:
        n, r, p = (kdf[name] for name in ("n", "r", "p"))
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(_field(body, "nonce", path), validate=True)
        sealed = base64.b64decode(_field(body, "key", path), validate=True)
    except (TypeError, KeyError, ValueError):
        raise KeyFileError(f"{path.name} is a damaged pwdesk key file.") from None
    if not (
        kdf.get("scheme") == "scrypt"
        and all(isinstance(v, int) and not isinstance(v, bool) for v in (n, r, p))
        and 2 <= n <= MAX_KEY_SCRYPT_N
        and n & (n - 1) == 0
        and 1 <= r <= KEY_SCRYPT_R
        and p == KEY_SCRYPT_P
        and body.get("cipher") == "AES-256-GCM"
        and len(nonce) == 12
    ):
        raise KeyFileError(f"{path.name} asks for key settings pwdesk does not allow.")
    try:
        raw = AESGCM(_key_protection(passphrase, salt, n, r, p)).decrypt(
            nonce, sealed, canonical_json(head)
        )
        return X25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError):
        raise KeyFileError(
            f"The passphrase does not unlock {path.name}, or the file was changed."
        ) from None


def unlock_private_key(path: Path, passphrase: str) -> UnlockedKey:
    """A QA officer's private key (``NAME.key``) unlocked with its passphrase, either protection."""
    data = _read(path, "key file")
    if data.lstrip().startswith(b"{"):
        return UnlockedKey(_open_scrypt_file(data, passphrase, path), weak=False)
    try:
        key = load_pem_private_key(data, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise KeyFileError(
            f"The passphrase does not unlock {path.name}, or it is not a pwdesk key file."
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise KeyFileError(f"{path.name} is not a pwdesk key file.")
    return UnlockedKey(key, weak=True)


def load_private_key(path: Path, passphrase: str) -> X25519PrivateKey:
    """A QA officer's private key (``NAME.key``), unlocked with its passphrase."""
    return unlock_private_key(path, passphrase).key


def rewrapped_private_key(path: Path, passphrase: str, new_passphrase: str | None = None) -> bytes:
    """A key file's bytes re-protected with the current scheme, under ``new_passphrase`` if given;
    the key itself, and so its public key, stays the same."""
    unlocked = unlock_private_key(path, passphrase)
    return protect_private_key(
        unlocked.key, passphrase if new_passphrase is None else new_passphrase
    )


def weak_key_hint(path: Path) -> str:
    """The sentence telling the QA officer that a key file needs re-protecting, and how."""
    return (
        f"{path.name} is protected by an older, weaker scheme; re-protect it with "
        f"'pwdesk keygen --rewrap {path}'."
    )


def new_signing_key() -> str:
    """A device's Ed25519 signing key, as hex, to keep in its (encrypted) database."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return raw.hex()


def signing_key_from_hex(text: str) -> Ed25519PrivateKey:
    """The device's signing key from its stored form."""
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text))


def public_hex(key: Ed25519PrivateKey) -> str:
    """The public half of a signing key, as hex."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
