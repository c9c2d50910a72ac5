"""A JSON array read from a file one element at a time: a file of any length takes the memory of one element.

The standard decoder does the parsing (`json.JSONDecoder.raw_decode`, in C): the file is read in chunks into a
buffer, each element is decoded from where the last one ended, and what has been decoded is dropped. An element
that runs past the end of the buffer fails to decode, so the next chunk is read and the element decoded again; a
number that reaches the end of the buffer is decoded again once the next chunk shows where it ends. The text
is the same the whole-file reader sees, so a bad file fails with the same message, at the same line and column.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from collections.abc import Callable, Iterator

from claims.errors import BadInput
from claims.i18n import N_, _

CHUNK = 1 << 20  # characters read at a time
WHITESPACE = " \t\n\r"
NUMBER_GOES_ON = "0123456789.eE+-"

MESSAGES = {  # translated where raised (`_(MESSAGES[…])`)
    "invalid": N_("{what} is not valid JSON ({msg} at line {line} column {column})"),
    "deep": N_("{what} is nested too deeply to be read"),
    "value": N_("{what} holds a value that cannot be read: {reason}"),
    "utf8": N_("{what} is not UTF-8 text"),
    "constant": N_("{name} is not a number JSON allows"),
}


class NotAnArray(Exception):
    """The document does not start with `[`: the caller reads it whole and says what it is instead."""


def _no_constant(name: str):
    raise ValueError(_(MESSAGES["constant"]).format(name=name))


class ArrayReader:
    """Iterates over the elements of the JSON array in a binary file; `sha256` is the digest of every byte read once
    the iteration has ended, `on_read(n)` is told of each chunk's size in bytes."""

    def __init__(self, handle, what: str, on_read: Callable[[int], None] | None = None):
        self.handle, self.what, self.on_read = handle, what, on_read
        self.decoder = json.JSONDecoder(parse_constant=_no_constant)
        self.text = codecs.getincrementaldecoder("utf-8")()
        self.digest = hashlib.sha256()
        self.buffer, self.pos, self.eof = "", 0, False
        self.lines_dropped, self.column_dropped = 0, 0  # where the buffer starts in the file: for error positions

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()

    def __iter__(self) -> Iterator[object]:
        if self._next_char() != "[":
            raise NotAnArray
        self.pos += 1
        if self._next_char() == "]":
            self.pos += 1
            return self._end()
        while True:
            yield self._element()
            after = self._next_char()
            if after == "]":
                self.pos += 1
                return self._end()
            if after != ",":
                self._fail(json.JSONDecodeError("Expecting ',' delimiter", self.buffer, self.pos))
            self.pos += 1

    def _element(self):
        self._next_char()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self._read():
                    continue
                self._fail(exc)
            except RecursionError:
                raise BadInput(_(MESSAGES["deep"]).format(what=self.what)) from None
            except ValueError as exc:  # a whole number of more than 4,300 digits, NaN
                raise BadInput(_(MESSAGES["value"]).format(what=self.what, reason=str(exc).split(";")[0])) from None
            if self._number_may_go_on(value, end) and self._read():
                continue
            self.pos = end
            self._drop()
            return value

    def _number_may_go_on(self, value, end: int) -> bool:
        """A number decoded up to the end of the buffer, or up to a character that can continue one (`4444` of
        `4444.5`, `-6` of `-6e3`), may be longer: it is decoded again with the next chunk."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return end == len(self.buffer) or self.buffer[end] in NUMBER_GOES_ON

    def _end(self) -> None:
        """Only whitespace may follow the array."""
        if self._next_char() is not None:
            self._fail(json.JSONDecodeError("Extra data", self.buffer, self.pos))

    def _next_char(self) -> str | None:
        """The next character that is not whitespace (the position moves to it), or None at the end of the file."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._read():
                return None

    def _read(self) -> bool:
        """One more chunk into the buffer; False at the end of the file."""
        if self.eof:
            return False
        raw = self.handle.read(CHUNK)
        self.digest.update(raw)
        if self.on_read and raw:
            self.on_read(len(raw))
        try:
            self.buffer += self.text.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise BadInput(_(MESSAGES["utf8"]).format(what=self.what)) from None
        self.eof = not raw
        return True

    def _drop(self) -> None:
        """Forget what has been decoded, remembering where the buffer now starts in the file."""
        if self.pos < CHUNK:
            return
        done = self.buffer[: self.pos]
        newlines = done.count("\n")
        self.lines_dropped += newlines
        self.column_dropped = len(done) - done.rfind("\n") - 1 if newlines else self.column_dropped + len(done)
        self.buffer, self.pos = self.buffer[self.pos :], 0

    def _fail(self, exc: json.JSONDecodeError):
        line = self.lines_dropped + exc.lineno
        column = exc.colno + (self.column_dropped if exc.lineno == 1 else 0)
        raise BadInput(_(MESSAGES["invalid"]).format(what=self.what, msg=exc.msg, line=line, column=column)) from None
