"""A progress bar on stderr for long commands at a terminal (audit verify, batch, policy import): rich, imported only then."""

from claims.i18n import N_

MESSAGES = {"verify": N_("verifying"), "batch": N_("batch"), "policies": N_("importing"), "checking": N_("checking"),
            "events": N_("events")}


class ProgressBar:
    """`start(total)`, `advance(n)` as work is done, `stop()`: redrawn at most every `step` units, gone when stopped."""

    def __init__(self, what: str, unit: str = "", step: int = 1, percent: bool = False):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        from claims.i18n import cli_ as _

        self.label = TextColumn(_(MESSAGES[what]))
        done = TaskProgressColumn() if percent else MofNCompleteColumn()
        columns = [self.label, BarColumn(), done, *([TextColumn(_(MESSAGES[unit]))] if unit else []), TimeRemainingColumn()]
        self.progress = Progress(*columns, console=Console(stderr=True), transient=True)
        self.task, self.pending, self.step = None, 0, step

    def start(self, total: int, what: str | None = None) -> None:
        """A new stretch of work of `total` units (a second call starts the bar again, e.g. checking then importing)."""
        if what:
            from claims.i18n import cli_ as _

            self.label.text_format = _(MESSAGES[what])
        if self.task is None:
            self.task = self.progress.add_task("", total=total)
            self.progress.start()
        else:
            self.progress.reset(self.task, total=total)
        self.pending = 0

    def advance(self, units: int = 1) -> None:
        self.pending += units
        if self.pending >= self.step:
            self.progress.advance(self.task, self.pending)
            self.pending = 0

    def stop(self) -> None:
        if self.task is not None:
            self.progress.advance(self.task, self.pending)
        self.progress.stop()
