"""Help laid out in terminal cells, for Chinese: click measures text in characters and wraps only at spaces, so a Chinese
paragraph (two cells a character, no spaces) would run twice as wide as the terminal. This formatter measures and
wraps with cli.layout, as the screens do, and ends a heading with a full-width colon (用法：, 参数：).

Only Chinese help goes through it (cli.command_line): English help is click's own, unchanged.
"""

from __future__ import annotations

from typer._click.formatting import HelpFormatter

from cli.layout import cell_len, pad, wrap


def formatter(ctx) -> CellFormatter:
    return CellFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)


class CellFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = f"{' ' * self.current_indent}{prefix or ''}{prog} "
        room = self.width - self.current_indent
        if room >= cell_len(prefix) + 20:
            self.write(prefix + _indented(wrap(args, room - cell_len(prefix)), " " * cell_len(prefix)) + "\n")
        else:
            indent = " " * (self.current_indent + 4)
            self.write(prefix.rstrip() + "\n" + indent + _indented(wrap(args, room - 4), indent) + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        """Paragraphs (separated by a blank line) wrapped at the width; one that starts with a \\b line kept as it is."""
        indent = " " * self.current_indent
        out = []
        for paragraph in text.split("\n\n"):
            lines = paragraph.split("\n")
            if lines[0].strip() == "\b":
                out.append("\n".join(indent + line for line in lines[1:]))
            else:
                joined = " ".join(line.strip() for line in lines)
                out.append(indent + _indented(wrap(joined, self.width - len(indent)), indent))
        self.write("\n\n".join(out) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max(cell_len(term) for term, _ in rows), col_max) + col_spacing
        indent = " " * self.current_indent
        room = max(self.width - first - self.current_indent, 10)
        for term, text in rows:
            if not text:
                self.write(f"{indent}{term}\n")
                continue
            under = " " * (first + self.current_indent)
            lines = _indented(wrap(" ".join(text.split()), room), under)
            if cell_len(term) <= first - col_spacing:
                self.write(f"{indent}{pad(term, first)}{lines}\n")
            else:
                self.write(f"{indent}{term}\n{under}{lines}\n")


def _indented(lines: list[str], indent: str) -> str:
    """Lines joined, each after the first under `indent` (the first follows what is already written)."""
    return ("\n" + indent).join(lines)


def short_help(text: str, limit: int) -> str:
    """A command's summary in a listing: its first sentence, cut to `limit` cells with … where it is longer."""
    first = text.split("。", 1)[0].split("\n", 1)[0]
    first = first + "。" if first != text and "。" in text else first
    if cell_len(first) <= limit:
        return first
    cut = ""
    for ch in first:
        if cell_len(cut + ch) > limit - 1:
            break
        cut += ch
    return cut.rstrip("，、；：,;: ") + "…"
