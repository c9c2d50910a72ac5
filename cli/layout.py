"""Text laid out for a terminal of any width: measured in cells (a Chinese character takes two), wrapped between words.

`grid` sets rows in aligned columns. When a row is wider than the terminal, its one flexible column (a description, a
problem) wraps between words within what is left; when even that does not fit, the columns go on a second line (a
band), indented under the second column, aligned across rows. A word is never broken, except one that is wider than
the whole line, and Chinese text, which wraps between characters as it is written.
"""

import re
import shutil
import unicodedata
from functools import cache

import typer

FALLBACK_WIDTH = 80  # when the output is not a terminal and COLUMNS says nothing


def terminal_width() -> int:
    """The width to lay out for: COLUMNS, else the terminal's, else 80."""
    return max(20, shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns)


def cell_len(text: str) -> int:
    """The terminal cells `text` takes: a Chinese character two, a combining mark none (ASCII: one each, the fast path
    a long queue takes for most of its cells)."""
    return len(text) if text.isascii() else sum(map(_cells, text))


@cache
def _cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space


# wrapping -------------------------------------------------------------------------------------
def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of at most `width` cells, broken between words (the spaces where it breaks are dropped, others
    kept as they are); its own line breaks are kept; lines after the first start with `indent`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, width, indent, first=not lines)
    return [lines[0], *(indent + rest for rest in lines[1:])]


def _wrap_paragraph(text: str, width: int, indent: str, first: bool) -> list[str]:
    filling = _chinese()
    lines, line, space = [], "", ""
    for word, gap in re.findall(r"(\S+)(\s*)", text) or [("", "")]:
        room = width - (0 if first and not lines else cell_len(indent))
        if line and cell_len(line) + cell_len(space) + cell_len(word) <= room:
            line += space + word
        else:
            if line and filling and _is_wide(word):  # Chinese fills the line, breaking between characters
                head = _head(word, room - cell_len(line) - cell_len(space))
                if head:
                    line += space + head
                    word = word[len(head):]
            if line:
                lines.append(line)
                room = width - cell_len(indent)
            if cell_len(word) <= room:
                pieces = [word]
            else:
                pieces = _chinese_pieces(word, room) if filling and _is_wide(word) else _pieces(word, room)
            lines += pieces[:-1]
            line = pieces[-1]
        space = gap
    return [*lines, line]


# Chinese text read in Chinese: lines are filled, broken between two characters where one of them is Chinese, never before
# a closing mark (、，。）…) nor after an opening one (（《…), nor inside a run of Latin letters or digits.
OPENING = frozenset("（《「『【〈〔“‘([{")
CLOSING = frozenset("、，。；：！？）》」』】〉〕”’…,.;:!?)]}%")


def _chinese() -> bool:
    from claims.i18n import chosen

    return chosen() == "zh"


def _breakable(word: str, i: int) -> bool:
    """May a line break before word[i]?"""
    before, after = word[i - 1], word[i]
    if after in CLOSING or before in OPENING:
        return False
    return _cells(before) == 2 or _cells(after) == 2


def _head(word: str, room: int) -> str:
    """The longest start of `word` that fits in `room` cells and ends where a line may break ('' when none does)."""
    best, used = 0, 0
    for i in range(1, len(word)):
        used += _cells(word[i - 1])
        if used > room:
            break
        if _breakable(word, i):
            best = i
    return word[:best]


def _chinese_pieces(word: str, room: int) -> list[str]:
    """A Chinese word wider than the line, in lines that each break where a line may break (else where they must)."""
    pieces = []
    while cell_len(word) > room:
        head = _head(word, room) or _pieces(word, room)[0]
        pieces.append(head)
        word = word[len(head):]
    return [*pieces, word]


def _pieces(word: str, room: int) -> list[str]:
    """A word wider than the line: Chinese wraps between any two characters; anything else only when it must."""
    pieces, piece = [], ""
    for ch in word:
        if piece and cell_len(piece) + _cells(ch) > max(1, room):
            pieces.append(piece)
            piece = ""
        piece += ch
    return [*pieces, piece]


def longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split() if not _is_wide(word)), default=0)


def _is_wide(word: str) -> bool:
    return any(_cells(ch) == 2 for ch in word)


# columns --------------------------------------------------------------------------------------
def grid(rows: list[list], width: int, *, gap: int = 2, flexible: int | None = None, right: tuple = (),
         narrow: list[list[int]] | None = None) -> list[list[str]]:
    """Rows of cells in aligned columns within `width`: each row's lines. A cell is its text, or (text, typer.style keywords).
    `narrow` says which columns go on which line when they do not fit on one (default: as many as fit, in order)."""
    if not rows:
        return []
    plain = [[_text(cell) for cell in row] for row in rows]
    count = max(len(row) for row in plain)
    natural = [max((cell_len(row[i]) for row in plain if i < len(row)), default=0) for i in range(count)]
    least = list(natural)
    if flexible is not None:
        least[flexible] = min(natural[flexible], max(10, max(longest_word(row[flexible]) for row in plain if flexible < len(row))))
    bands = _bands(natural, least, width, gap, narrow)
    laid = []
    for row in rows:
        lines = []
        for indent, columns in bands:
            widths = _widths(natural, least, columns, width - indent, gap, flexible)
            lines += _band_lines(row, columns, widths, indent, gap, flexible, right)
        laid.append(lines)
    return laid


def _bands(natural: list[int], least: list[int], width: int, gap: int, narrow) -> list[tuple[int, list[int]]]:
    """Which columns go on which line of a row: all on one if they fit, else as `narrow` says, else as many as fit."""
    if sum(least) + gap * (len(least) - 1) <= width:
        return [(0, list(range(len(least))))]
    under = natural[0] + gap  # later bands start under the second column
    if narrow:
        return [(0 if n == 0 else under, columns) for n, columns in enumerate(narrow)]
    bands, indent, columns = [], 0, [0]
    for i in range(1, len(least)):
        if indent + sum(least[c] for c in columns) + gap * len(columns) + least[i] <= width:
            columns.append(i)
            continue
        bands.append((indent, columns))
        indent, columns = under, [i]
    return [*bands, (indent, columns)]


def _widths(natural, least, columns, room, gap, flexible) -> dict[int, int]:
    widths = {c: natural[c] for c in columns}
    if flexible in widths:
        others = sum(widths[c] for c in columns if c != flexible) + gap * (len(columns) - 1)
        widths[flexible] = max(least[flexible], min(natural[flexible], room - others))
    return widths


def _band_lines(row, columns, widths, indent, gap, flexible, right) -> list[str]:
    cells = {c: (_text(row[c]), _style(row[c])) if c < len(row) else ("", None) for c in columns}
    if not any(text for text, _ in cells.values()):
        return []
    stacked = {c: wrap(text, widths[c]) if c == flexible else [text] for c, (text, _) in cells.items()}
    last = max(c for c in columns if cells[c][0])
    lines = []
    for n in range(max(len(texts) for texts in stacked.values())):
        parts = []
        for c in columns:
            if c > last:
                break
            text = stacked[c][n] if n < len(stacked[c]) else ""
            shown = typer.style(text, **cells[c][1]) if cells[c][1] and text else text
            fill = " " * max(0, widths[c] - cell_len(text))
            parts.append(fill + shown if c in right else shown if c == last else shown + fill)
        lines.append((" " * indent + (" " * gap).join(parts)).rstrip())
    return lines


def _text(cell) -> str:
    return cell[0] if isinstance(cell, tuple) else cell


def _style(cell) -> dict | None:
    return cell[1] if isinstance(cell, tuple) else None
