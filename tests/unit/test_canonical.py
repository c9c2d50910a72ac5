"""Verification re-encodes payloads and snapshots with orjson; that must be byte for byte ``standard_json``.

``standard_json`` (the standard library: sorted keys, separators ``,`` and ``:``, non-ASCII not
escaped) is the definition every hash was computed with. For *plain* values — dicts with text keys,
lists, text, whole numbers, booleans, null — ``orjson.dumps(value, option=OPT_SORT_KEYS)`` must give
exactly its UTF-8, for any text at all: control characters, DEL, U+2028/U+2029, astral characters,
keys that sort differently in UTF-16 than by code point. Where orjson declines (a lone surrogate, a
whole number beyond 64 bits) or the value is not plain (a float, a tuple, a subclass), the quick
helpers must still answer exactly what ``standard_json`` answers.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claims.canonical import canonical_json, matches_canonical, plain, plain_canonical_bytes, standard_json

# text as a payload may hold it: any code point but a surrogate, weighted towards the awkward ones
AWKWARD = st.sampled_from(["\x00", "\x01", "\x08", "\t", "\n", "\x0c", "\r", "\x1f", '"', "\\", "/", "\x7f", "\x80", "\u2028", "\u2029",
                           "\ufeff", "\ue000", "\uffff", "😀", "\U0010ffff", "陈某", "é"])
TEXT = st.lists(st.characters(codec="utf-8") | AWKWARD, max_size=12).map("".join)
WHOLE = st.integers(-(2**63), 2**64 - 1)  # what orjson writes
PLAIN = st.recursive(st.none() | st.booleans() | WHOLE | TEXT,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=25)

# and what it is not made for: lone surrogates, huge whole numbers, floats, tuples, subclasses
class Text(str):
    pass


class Whole(int):
    pass


ANY_TEXT = st.text(alphabet=st.characters(), max_size=8)  # surrogates included
ODD_LEAF = (st.none() | st.booleans() | st.integers() | st.integers(2**64, 2**70) | st.floats() | ANY_TEXT
            | ANY_TEXT.map(Text) | st.integers().map(Whole))
ODD = st.recursive(ODD_LEAF, lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(tuple)
                   | st.dictionaries(ANY_TEXT | st.integers() | ANY_TEXT.map(Text), inner, max_size=3), max_leaves=12)


def _encodable(value) -> bool:
    """standard_json would not raise (a float key or a NaN is fine; a Text subclass too)."""
    try:
        standard_json(value)
    except (TypeError, ValueError):
        return False
    return True


@given(PLAIN)
@example({"\uffff": 1, "😀": 2, "a": 3, "\ue000": [None, True, False, -1]})  # sorted by code point: U+E000, U+FFFF, then 😀
@example({"note": "line\u2028sep\u2029\x00\x1f\x7f \"quoted\" back\\slash /"})
@example([2**63 - 1, -(2**63), 2**64 - 1, 0, -0])
def test_orjson_writes_plain_values_exactly_as_canonical_json(value):
    assert plain(value)
    assert plain_canonical_bytes(value) == standard_json(value).encode("utf-8")
    assert matches_canonical(value, standard_json(value))


@given(st.dictionaries(TEXT, PLAIN, max_size=4))
def test_orjson_reads_back_what_canonical_json_wrote(value):
    text = standard_json(value)
    assert json.loads(text) == value and plain_canonical_bytes(json.loads(text)) == text.encode("utf-8")


@pytest.mark.parametrize("value", ["\ud800", {"a": "x\udfffy"}, {"\udc00": 1}, 2**64, -(2**63) - 1, [10**30]])
def test_what_orjson_declines_is_left_to_canonical_json(value):
    assert plain(value)
    assert plain_canonical_bytes(value) is None
    assert matches_canonical(value, standard_json(value))


@pytest.mark.parametrize("value", [1.0, {"a": 1e16}, [float("nan")], {"a": (1, 2)}, Text("x"), {"a": Whole(3)}, {"a": {"b": [0.5]}}])
def test_values_that_are_not_plain_are_recognised(value):
    assert not plain(value)


@given(ODD, st.sampled_from(["canonical", "spaced", "ascii", "other"]))
def test_matches_canonical_answers_as_canonical_json_for_any_value(value, form):
    if not _encodable(value):
        return
    text = {"canonical": standard_json(value), "spaced": json.dumps(value, sort_keys=True, ensure_ascii=False),
            "ascii": json.dumps(value, sort_keys=True, separators=(",", ":")), "other": standard_json([value])}[form]
    assert matches_canonical(value, text) is (standard_json(value) == text)


@given(PLAIN, st.one_of(st.none(), st.integers(), st.binary(max_size=8), ANY_TEXT))
def test_matches_canonical_of_a_text_that_is_not_the_form(value, text):
    assert matches_canonical(value, text) is (standard_json(value) == text)


def test_a_float_that_orjson_would_write_differently_is_not_mistaken_for_canonical():
    # orjson writes 1e16 as 1e+16 and 1e-05 as 0.00001; the standard library as 1e+16 and 1e-05
    for value in ({"a": 1e16}, {"a": 1e-05}, {"a": float("nan")}):
        assert matches_canonical(value, standard_json(value))
        assert not matches_canonical(value, '{"a":0.00001}') or standard_json(value) == '{"a":0.00001}'
        assert not matches_canonical(value, '{"a":null}')


def test_deep_nesting_is_left_to_canonical_json():
    value: list = []
    for _ in range(300):  # orjson stops at 255 levels
        value = [value]
    assert plain_canonical_bytes(value) is None
    assert matches_canonical(value, standard_json(value))


@given(PLAIN | ODD)
def test_canonical_json_is_standard_json_for_any_value(value):
    """Writers use canonical_json: its orjson route must never change a byte of what it writes."""
    if _encodable(value):
        assert canonical_json(value) == standard_json(value)
