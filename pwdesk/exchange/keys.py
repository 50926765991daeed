"""Key files: the QA officer's X25519 key pair (packages are encrypted for it), and device keys."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from pwdesk.domain.errors import PwdeskError


class KeyFileError(PwdeskError):
    """A key file is missing, damaged, of the wrong kind, or locked with another passphrase."""


def new_key_pair(passphrase: str) -> tuple[bytes, bytes]:
    """A QA officer's key pair as PEM: the private key encrypted with the passphrase, and the
    public key to hand to laptops."""
    if len(passphrase) < 10:
        raise KeyFileError("Protect the private key with a passphrase of at least 10 characters.")
    private = X25519PrivateKey.generate()
    private_pem = private.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase.encode("utf-8"))
    )
    public_pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return private_pem, public_pem


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"There is no {what} at {path}.") from None
    except OSError as error:
        raise KeyFileError(f"The {what} {path} cannot be read: {error.strerror}.") from None


def load_public_key(path: Path) -> X25519PublicKey:
    """A QA officer's public key (``NAME.pub``)."""
    try:
        key = load_pem_public_key(_read(path, "public key file"))
    except ValueError:
        raise KeyFileError(f"{path.name} is not a pwdesk public key file.") from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(f"{path.name} is not a pwdesk public key file.")
    return key


def load_private_key(path: Path, passphrase: str) -> X25519PrivateKey:
    """A QA officer's private key (``NAME.key``), unlocked with its passphrase."""
    data = _read(path, "key file")
    try:
        key = load_pem_private_key(data, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise KeyFileError(
            f"The passphrase does not unlock {path.name}, or it is not a pwdesk key file."
        ) from None
    if not isinstance(key, X25519PrivateKey):
        raise KeyFileError(f"{path.name} is not a pwdesk key file.")
    return key


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
