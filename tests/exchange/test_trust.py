"""Merges obey only trusted devices: a stranger's package is refused until trusted, a device id
stays pinned to its first key, and a laptop trusts its first set-up package on first use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pwdesk.domain.answers import answer
from pwdesk.exchange.package import fingerprint, read_header, seal
from pwdesk.services.merge import canonical_dump, merge_packages
from pwdesk.services.settings import load_settings, save_settings
from pwdesk.services.signers import ImpostorSigner, UntrustedSigner, own_public_key
from tests.exchange import (
    PACKAGE_PASSPHRASE,
    QaWeek,
    build_qa_week,
    edit_audit,
    export_week,
    laptop,
    make_key_pair,
    new_audit,
    new_database,
    payload_of,
    qa_copy,
    week_of,
)


@pytest.fixture(scope="module")
def qa_week(tmp_path_factory: pytest.TempPathFactory) -> QaWeek:
    return build_qa_week(tmp_path_factory.mktemp("qa"))


def forged(source: Path, out: Path, *, device_id: str | None = None, recipient: Any = None) -> Path:
    """The same records, sealed as a genuine package signed by a stranger's key."""
    header, payload = payload_of(source)
    head = {k: header[k] for k in ("device_name", "device_id", "created_at", "week", "counts")}
    if device_id is not None:
        head["device_id"] = device_id
    key = Ed25519PrivateKey.generate()
    if recipient is not None:
        out.write_bytes(seal(payload, head, key, recipient=recipient))
    else:
        out.write_bytes(seal(payload, head, key, passphrase=PACKAGE_PASSPHRASE))
    return out


def test_a_strangers_package_is_refused_until_trusted(qa_week: QaWeek, tmp_path: Path) -> None:
    db = laptop(qa_week, tmp_path / "laptop.db", "laptop-s")
    try:
        record = new_audit(db, week_of(db))
        edit_audit(db, record, {"overall": answer("inadequate")})
        package = export_week(db, tmp_path / "laptop.pwx")
    finally:
        db.close()
    keys = make_key_pair(tmp_path)
    stranger = forged(package, tmp_path / "stranger.pwx")
    for_key = forged(package, tmp_path / "stranger-key.pwx", recipient=keys.public)
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        before = canonical_dump(qa)
        for path, secret in (
            (stranger, {"passphrase": PACKAGE_PASSPHRASE}),
            (for_key, {"private_key": keys.private}),
        ):
            with pytest.raises(UntrustedSigner) as refused:
                merge_packages(qa, [path], **secret)
            signer = read_header(path.read_bytes())[0]["signer"]
            assert fingerprint(signer) in str(refused.value)
            assert "--trust-new" in str(refused.value)
            assert canonical_dump(qa) == before
        merged = merge_packages(qa, [stranger], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        assert merged.new > 0
        assert record in {row["id"] for row in canonical_dump(qa)["assessment"]}
    finally:
        qa.close()


def test_a_known_device_id_under_another_key_is_always_refused(
    qa_week: QaWeek, tmp_path: Path
) -> None:
    db = laptop(qa_week, tmp_path / "laptop.db", "laptop-p")
    try:
        new_audit(db, week_of(db))
        package = export_week(db, tmp_path / "laptop.pwx")
    finally:
        db.close()
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        merge_packages(qa, [package], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        before = canonical_dump(qa)
        impostor = forged(package, tmp_path / "impostor.pwx")  # same device id, another key
        for trust_new in (False, True):
            with pytest.raises(ImpostorSigner, match="knows by another key"):
                merge_packages(qa, [impostor], passphrase=PACKAGE_PASSPHRASE, trust_new=trust_new)
            assert canonical_dump(qa) == before
        # Nor may a stranger claim the QA store's own device id.
        qa_id = qa.identity.device_id
        assert own_public_key(qa) is not None
        claims_qa = forged(package, tmp_path / "claims-qa.pwx", device_id=qa_id)
        with pytest.raises(ImpostorSigner):
            merge_packages(qa, [claims_qa], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        assert canonical_dump(qa) == before
    finally:
        qa.close()


def test_a_laptop_trusts_its_first_set_up_package_and_then_only_that_key(
    qa_week: QaWeek, tmp_path: Path
) -> None:
    db = new_database(tmp_path / "laptop.db", "laptop-t")
    try:
        save_settings(db, replace(load_settings(db), role="laptop"))
        first = merge_packages(db, [qa_week.package], passphrase=PACKAGE_PASSPHRASE)
        assert [s.device_name for s in first.trusted] == ["qa-desktop"]
        again = merge_packages(db, [qa_week.package], passphrase=PACKAGE_PASSPHRASE)
        assert again.trusted == []
        (tmp_path / "other").mkdir()
        other_store = build_qa_week(tmp_path / "other")
        with pytest.raises(UntrustedSigner, match="qa-desktop"):
            merge_packages(db, [other_store.package], passphrase=PACKAGE_PASSPHRASE)
    finally:
        db.close()
