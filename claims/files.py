"""Files a person names (a policy file, a settings file): opened or read, or BadInput saying why not (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from claims.errors import BadInput
from claims.i18n import _


def open_named(path: str | Path, what: str) -> BinaryIO:
    """The file, open for reading bytes. `what`: the kind of file, as a person reads it (translated)."""
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise BadInput(_("{what} {path!r} does not exist").format(what=what, path=str(path))) from None
    except IsADirectoryError:
        raise BadInput(_("{what} {path!r} is a folder; give the file").format(what=what, path=str(path))) from None
    except OSError as exc:
        raise _unreadable(path, what, exc) from None


def read_named_text(path: str | Path, what: str) -> str:
    """The whole file as UTF-8 text."""
    with open_named(path, what) as handle:
        try:
            return handle.read().decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(_("{what} {path!r} is not UTF-8 text").format(what=what, path=str(path))) from None
        except OSError as exc:
            raise _unreadable(path, what, exc) from None


def _unreadable(path: str | Path, what: str, exc: OSError) -> BadInput:
    return BadInput(_("{what} {path!r} cannot be read: {reason}").format(what=what, path=str(path), reason=exc.strerror))
