"""A JSON array read one element at a time (claims.json_array): the same elements and the same errors as reading the
whole file, whatever the chunk size, in the memory of a chunk and an element."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from claims import json_array
from claims.errors import BadInput
from claims.json_array import ArrayReader, NotAnArray
from claims.policies import parse_json_text

DOCUMENTS = [
    "[]", " [ ] \n", "[1]", "[1, 22, 333, 4444.5, -6e3]", '["a", "陈某", "\\u00e9", "\\"quoted\\""]', "[true, false, null]",
    '[{"policy": "P-1", "n": 12345678901234567890}, {"policy": "P-2", "list": [1, [2, [3]]]}]',
    '[\n  {"a": 1},\n  {"b": "x y"}\n]\n', "[1e400, 0.1, 10000000000000000000000]",
]
BAD = ['[{"a": 1},\n {"b": }]', "[1 2]", "[1,]", "[1] x", "[", '["abc', "[1,\n\n  2,\n  }", '[{"a": 1}\n,{"a" 2}]', "[-]", "[01]"]


def elements(text: str, chunk: int, monkeypatch) -> list:
    monkeypatch.setattr(json_array, "CHUNK", chunk)
    return list(ArrayReader(io.BytesIO(text.encode("utf-8")), "the file"))


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1 << 20])
@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_elements_are_those_of_the_whole_document(text, chunk, monkeypatch):
    assert elements(text, chunk, monkeypatch) == json.loads(text)


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
@pytest.mark.parametrize("text", BAD)
def test_a_bad_document_fails_as_the_whole_file_reader_says_at_the_same_place(text, chunk, monkeypatch):
    with pytest.raises(BadInput) as whole:
        parse_json_text(text, "the file")
    with pytest.raises(BadInput) as streamed:
        elements(text, chunk, monkeypatch)
    assert streamed.value.message == whole.value.message
    assert streamed.value.exit_code == 2


@pytest.mark.parametrize("text, words", [("[" * 100_000 + "]" * 100_000, "nested too deeply"), ("[" + "9" * 5000 + "]", "cannot be read"),
                                         ("[NaN]", "cannot be read"), ("[1, Infinity]", "cannot be read")])
def test_what_the_decoder_cannot_hold_is_bad_input(text, words, monkeypatch):
    for chunk in (4096, 1 << 20):
        with pytest.raises(BadInput) as refused:
            elements(text, chunk, monkeypatch)
        assert words in refused.value.message


def test_text_that_is_not_utf8_is_bad_input():
    with pytest.raises(BadInput) as refused:
        list(ArrayReader(io.BytesIO(b'["\xff"]'), "the file"))
    assert "not UTF-8" in refused.value.message


@pytest.mark.parametrize("text", ['{"policy": "P-1"}', "1", "", "  ", "nonsense"])
def test_a_document_that_is_not_an_array_is_said_so(text):
    with pytest.raises(NotAnArray):
        list(ArrayReader(io.BytesIO(text.encode()), "the file"))


def test_the_digest_is_of_every_byte_and_the_buffer_stays_small(monkeypatch):
    monkeypatch.setattr(json_array, "CHUNK", 256)
    records = [{"policy": f"P-{i:05d}", "name": "张伟" * (i % 7), "sum": f"{i}.00"} for i in range(3000)]
    raw = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    reader = ArrayReader(io.BytesIO(raw), "the file")
    largest = 0
    for element in reader:
        largest = max(largest, len(reader.buffer))
        assert element == records[int(element["policy"][2:])]
    assert reader.sha256 == hashlib.sha256(raw).hexdigest()
    assert largest < 3 * 256 + 200  # a chunk or two and an element, never the file (some 300,000 bytes)
