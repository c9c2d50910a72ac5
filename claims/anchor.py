"""Anchors: a digest of the whole audit log, kept outside the database.

An anchor lists each chain's head — the claim id (``@admin`` for the administrative chain), its
last ``seq`` and that event's hash — and one root hash: the SHA-256 of the canonical JSON of
``[[claim, seq, hash], …]`` in the order listed (claim id order). Because each hash commits to
every event before it, a log still holding the anchored hash at the anchored seq of every chain
holds everything the anchor covered, unchanged; a truncated tail or a chain recomputed from
scratch cannot do that.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from claims.canonical import canonical_json, sha256_hex
from claims.errors import BadInput
from claims.i18n import _

FORMAT = "claims-audit-anchor/1"


def root_hash(heads: list[tuple[str, int, str]]) -> str:
    return sha256_hex(canonical_json([list(head) for head in heads]))


def anchor_document(heads, created_at: str) -> dict:
    """The anchor of the given heads: (claim, last seq, hash) in claim id order."""
    heads = [(claim, seq, digest) for claim, seq, digest in heads]
    return {
        "format": FORMAT,
        "created_at": created_at,
        "chains": len(heads),
        "events": sum(seq for _, seq, _ in heads),
        "root": root_hash(heads),
        "heads": [{"claim": claim, "seq": seq, "hash": digest} for claim, seq, digest in heads],
    }


@dataclass(frozen=True)
class Anchor:
    heads: dict[str, tuple[int, str]]
    root: str
    root_matches: bool  # False: the anchor file itself was edited after it was written
    created_at: str | None


def read_anchor(path: str) -> Anchor:
    """An anchor file written by ``claims audit anchor``; unusable files are bad input (exit 2)."""
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except OSError as exc:
        raise BadInput(_("--anchor {path!r} cannot be read: {reason}").format(path=path, reason=exc.strerror)) from None
    except ValueError as exc:
        raise BadInput(_("--anchor {path!r} is not JSON: {reason}").format(path=path, reason=exc)) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BadInput(_("--anchor {path!r} is not a claims audit anchor (format {format})").format(path=path, format=FORMAT))
    try:
        heads = [(h["claim"], h["seq"], h["hash"]) for h in doc["heads"]]
        root = doc["root"]
    except (KeyError, TypeError):
        raise BadInput(_("--anchor {path!r} is damaged: every head needs claim, seq and hash, and a root").format(path=path)) from None
    if not all(isinstance(c, str) and type(s) is int and s > 0 and isinstance(h, str) for c, s, h in heads):
        raise BadInput(_("--anchor {path!r} is damaged: a head has the wrong types").format(path=path))
    return Anchor({c: (s, h) for c, s, h in heads}, root, root_hash(heads) == root, doc.get("created_at"))
