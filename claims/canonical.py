"""The canonical JSON form that audit hashes are computed over.

Sorted keys, no insignificant whitespace, UTF-8, and no floats (money is a decimal
string): for that value domain this is byte-identical to RFC 8785 (JCS), so an
auditor can re-hash an export with any JCS implementation.
"""

from __future__ import annotations

import hashlib
import json

_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(value) -> str:
    return _encode(value)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
