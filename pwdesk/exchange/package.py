"""The ``.pwx`` export package: records and their histories, compressed, signed and encrypted.

Layout (all integers big-endian), described for other tools in docs/export-format.md::

    MAGIC (11 bytes) | header length (4 bytes) | header (UTF-8 JSON) | AES-256-GCM ciphertext

The header is authenticated as the cipher's associated data. The plaintext is a 64-byte Ed25519
signature followed by the zlib-compressed payload (UTF-8 JSON); the signature covers the SHA-256
of the associated data and of the compressed payload, so header and payload are bound together.

Nothing here touches a database: opening a package either gives the whole, verified payload or
raises PackageError with one clear sentence.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import canonical_json

MAGIC = b"PWDESK-PWX\x00"
FORMAT_VERSION = 1
MAX_HEADER_BYTES = 64 * 1024
MAX_PACKAGE_BYTES = 256 * 1024 * 1024
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
# A forged header may ask for at most twice the work pwdesk writes: well under a second and
# 64 MB of memory (scrypt needs 128 * n * r bytes), never the minutes and gigabytes it asks for.
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2 * SCRYPT_N, SCRYPT_R, SCRYPT_P
MAX_INTEGER_DIGITS = 19  # what a 64-bit integer needs; a longer one is never genuine
HKDF_INFO = b"pwdesk pwx 1 x25519"
_LENGTH = struct.Struct(">I")


class PackageError(PwdeskError):
    """A package cannot be opened or trusted: truncated, changed, wrong key, wrong format."""


@dataclass(frozen=True)
class OpenedPackage:
    """A package whose every byte has been decrypted and verified."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signer: str  # the signing device's public key, hex
    sha256: str  # of the whole file, for the merge log


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise PackageError(f"The package header's {what} is malformed.") from None


def fingerprint(public_key_hex: str) -> str:
    """A short, readable fingerprint of a public key: 16 hex digits in groups of four."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _x25519_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=HKDF_INFO
    ).derive(shared)


def seal(
    payload: Mapping[str, Any],
    header: Mapping[str, Any],
    signing_key: Ed25519PrivateKey,
    *,
    passphrase: str | None = None,
    recipient: X25519PublicKey | None = None,
) -> bytes:
    """Compress, sign and encrypt a payload, for a passphrase or for a recipient's public key."""
    if (passphrase is None) == (recipient is None):
        raise ValueError("seal needs exactly one of passphrase and recipient")
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    head = dict(header)
    if passphrase is not None:
        salt = os.urandom(16)
        key = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        head["encryption"] = {
            "scheme": "passphrase-scrypt",
            "salt": _b64(salt),
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
        }
    else:
        assert recipient is not None
        ephemeral = X25519PrivateKey.generate()
        ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        recipient_raw = recipient.public_bytes(Encoding.Raw, PublicFormat.Raw)
        key = _x25519_key(ephemeral.exchange(recipient), ephemeral_public, recipient_raw)
        head["encryption"] = {
            "scheme": "x25519-hkdf-sha256",
            "ephemeral_public_key": _b64(ephemeral_public),
            "recipient": fingerprint(recipient_raw.hex()),
        }
    nonce = os.urandom(12)
    signer = signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    head.update(
        {
            "format": FORMAT_VERSION,
            "cipher": "AES-256-GCM",
            "nonce": _b64(nonce),
            "compression": "zlib",
            "signature": "ed25519",
            "signer": signer.hex(),
        }
    )
    header_bytes = canonical_json(head)
    associated = MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes
    compressed = zlib.compress(canonical_json(dict(payload)), 6)
    signature = signing_key.sign(
        hashlib.sha256(associated).digest() + hashlib.sha256(compressed).digest()
    )
    return associated + AESGCM(key).encrypt(nonce, signature + compressed, associated)


def read_header(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """The header, the authenticated bytes before the ciphertext, and the ciphertext."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError("The package is larger than pwdesk accepts (256 MB).")
    if not data.startswith(MAGIC):
        raise PackageError("This file is not a pwdesk export package.")
    start = len(MAGIC) + _LENGTH.size
    if len(data) < start:
        raise PackageError("The package is truncated: its header is incomplete.")
    (length,) = _LENGTH.unpack(data[len(MAGIC) : start])
    if length > MAX_HEADER_BYTES:
        raise PackageError("The package header is too large to be genuine.")
    if len(data) < start + length + 16:
        raise PackageError("The package is truncated: it ends before its content.")
    header = strict_json(data[start : start + length], "The package header is damaged.")
    if not isinstance(header, dict):
        raise PackageError("The package header is damaged.")
    version = header.get("format")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise PackageError(
            f"The package is in format {version!r}; this pwdesk reads format {FORMAT_VERSION}."
        )
    return header, data[: start + length], data[start + length :]


class _Refused(ValueError):
    """A JSON value pwdesk never writes: NaN, infinity, a huge integer, a repeated key."""


def _no_constant(name: str) -> Any:
    raise _Refused(name)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _Refused("integer")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Refused("repeated key")
    return found


def strict_json(data: bytes, problem: str) -> Any:
    """JSON as pwdesk writes it, or PackageError(``problem``): UTF-8, no NaN or infinity, no
    integer longer than a 64-bit one, no key given twice, nesting Python can follow."""
    try:
        return json.loads(
            data.decode("utf-8"),
            parse_constant=_no_constant,
            parse_int=_bounded_int,
            object_pairs_hook=_unique_keys,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageError(problem) from None


def _whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PackageError("The package header's key settings are malformed.")
    return value


def _key_for(
    header: Mapping[str, Any], passphrase: str | None, private_key: X25519PrivateKey | None
) -> bytes:
    encryption = header.get("encryption")
    if not isinstance(encryption, dict):
        raise PackageError("The package header does not say how it is encrypted.")
    scheme = encryption.get("scheme")
    if scheme == "passphrase-scrypt":
        if passphrase is None:
            raise PackageError("This package is locked with a passphrase; give the passphrase.")
        n, r, p = (_whole(encryption.get(name)) for name in ("n", "r", "p"))
        if not (
            2 <= n <= MAX_SCRYPT_N
            and n & (n - 1) == 0
            and 1 <= r <= MAX_SCRYPT_R
            and 1 <= p <= MAX_SCRYPT_P
        ):
            raise PackageError("The package header asks for key settings pwdesk does not allow.")
        return _scrypt(passphrase, _unb64(encryption.get("salt"), "salt"), n, r, p)
    if scheme == "x25519-hkdf-sha256":
        if private_key is None:
            raise PackageError("This package is for a QA officer's key; give the key file.")
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        ephemeral = _unb64(encryption.get("ephemeral_public_key"), "ephemeral key")
        if len(ephemeral) != 32:
            raise PackageError("The package header's ephemeral key is malformed.")
        recipient = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        try:
            shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        except ValueError:  # a low-order point, such as all zeros: no shared secret at all
            raise PackageError("The package header's ephemeral key is not a usable key.") from None
        return _x25519_key(shared, ephemeral, recipient)
    raise PackageError(f"The package uses an encryption pwdesk does not know ({scheme!r}).")


def _decrypt_and_verify(
    data: bytes, passphrase: str | None, private_key: X25519PrivateKey | None
) -> tuple[dict[str, Any], str, bytes]:
    """The header, the signer's public key (hex) and the signed, still compressed content."""
    header, associated, ciphertext = read_header(data)
    key = _key_for(header, passphrase, private_key)
    nonce = _unb64(header.get("nonce"), "nonce")
    if len(nonce) != 12:
        raise PackageError("The package header's nonce is malformed.")
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, associated)
    except InvalidTag:
        raise PackageError(
            "The package cannot be opened: the passphrase or key is wrong, or the file was "
            "changed or cut short."
        ) from None
    signer = header.get("signer")
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(signer)))
        compressed = plaintext[64:]
        public.verify(
            plaintext[:64],
            hashlib.sha256(associated).digest() + hashlib.sha256(compressed).digest(),
        )
    except (ValueError, InvalidSignature):
        raise PackageError("The package's signature does not match its content.") from None
    return header, str(signer), compressed


def verified_signer(
    data: bytes,
    *,
    passphrase: str | None = None,
    private_key: X25519PrivateKey | None = None,
) -> str:
    """Decrypt a package and check its signature without unpacking its content: the signer's
    public key (hex). PackageError says what is wrong."""
    return _decrypt_and_verify(data, passphrase, private_key)[1]


def open_package(
    data: bytes,
    *,
    passphrase: str | None = None,
    private_key: X25519PrivateKey | None = None,
) -> OpenedPackage:
    """Decrypt, verify and decompress a package; PackageError says what is wrong."""
    header, signer, compressed = _decrypt_and_verify(data, passphrase, private_key)
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_PAYLOAD_BYTES + 1)
    except zlib.error:
        raise PackageError("The package content is damaged.") from None
    if len(raw) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise PackageError("The package content is larger than pwdesk accepts (256 MB).")
    if not inflater.eof or inflater.unused_data:
        raise PackageError("The package content is damaged: its compressed data is incomplete.")
    payload = strict_json(raw, "The package content is not readable data.")
    if not isinstance(payload, dict):
        raise PackageError("The package content is not readable data.")
    return OpenedPackage(header, payload, signer, hashlib.sha256(data).hexdigest())
