"""A batch session: many commands against one open database, each as its own user at its own time.

Every command still runs its own unit of work (one transaction, the same checks and audit
events as when typed); the session only spares each of them opening the database again.
"""

from __future__ import annotations

from claims.errors import Forbidden
from claims.i18n import N_, _
from claims.storage import open_store
from workflows.office import Office, parse_now

CLOCK_RULE = N_("a line's \"now\" (like CLAIMS_NOW) may only be set for a database created with `claims init --training`")


class SharedOffice(Office):
    """An office that stays open when a command is done with it; the session closes it."""

    def close(self) -> None:
        pass


class Session:
    """The one open database of a batch, handed to each line's command as that line's office."""

    def __init__(self, target: str, asked: str | None = None, now_text: str | None = None):
        parse_now(now_text)  # an unparseable CLAIMS_NOW is exit 2, as for any command
        self.asked = asked
        self.now_text = now_text
        self._office = SharedOffice(open_store(target), asked, now_text)
        try:
            with self._office.store.read() as tx:
                self._office.user(tx)  # any registered user may run a batch (exit 3 otherwise; exit 6 naming another)
                self.training = tx.training()
        except BaseException:
            self.close()
            raise
        self._line_user, self._line_now = asked, now_text

    def line(self, user_name: str | None, now_text: str | None) -> None:
        """The next command acts as `user_name` (default: whoever runs the batch) at `now_text`."""
        now_text = now_text or self.now_text
        parse_now(now_text)  # exit 2 for an unparseable time, before anything else
        self._line_user, self._line_now = user_name or self.asked, now_text

    def office(self) -> Office:
        """The office for the current line's command (exit 6 for a chosen time outside training)."""
        if self._line_now and not self.training:
            raise Forbidden(_(CLOCK_RULE), rule="clock")
        self._office.asked = self._line_user
        self._office.at(self._line_now)
        return self._office

    def close(self) -> None:
        self._office.store.close()
