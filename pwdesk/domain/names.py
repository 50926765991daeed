"""How what someone types is matched to a name: one rule for search, sorting and lookups."""

from __future__ import annotations

import unicodedata


def natural_key(text: str) -> str:
    """``text`` as it is compared: accents dropped, case folded and white space collapsed.

    "Siân  Pritchard", "SIAN PRITCHARD" and "sian pritchard" share one key, so a name typed
    without its accent, in capitals or with a stray space still finds the person.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
