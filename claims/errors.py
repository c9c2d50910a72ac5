"""One error family. Each class maps to one exit code of the CLI contract."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base of every error a person can act on."""

    kind = "error"
    exit_code = 1

    def __init__(self, message: str, *, rule: str | None = None, claim: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.claim = claim
        self.reason = message if reason is None else reason  # what was wrong, without "refused: " or a hint (replay cites it)

    def as_dict(self) -> dict:
        return {"code": self.kind, "message": self.message, "rule": self.rule}

    def followed_by(self, hint: str) -> ClaimsError:
        """The same error, its message followed by what the person can do instead."""
        from claims.i18n import _  # (claims.i18n imports this module)

        return type(self)(_("{message}; {hint}").format(message=self.message, hint=hint), rule=self.rule, claim=self.claim,
                          reason=self.reason)


class BadInput(ClaimsError):
    """Unusable input: an option, date, amount or file format (exit 2)."""

    kind = "bad_input"
    exit_code = 2


class NotFound(ClaimsError):
    """A claim, policy, user or document type that does not exist (exit 3)."""

    kind = "not_found"
    exit_code = 3


class RuleRefused(ClaimsError):
    """A guard said no; the message names the rule and its source (exit 4)."""

    kind = "refused"
    exit_code = 4


class Conflict(ClaimsError):
    """Someone changed the claim first, or a duplicate (exit 5)."""

    kind = "conflict"
    exit_code = 5


class Forbidden(ClaimsError):
    """The user's role may not run this command (exit 6)."""

    kind = "forbidden"
    exit_code = 6


class IntegrityFailure(ClaimsError):
    """The audit log or the database does not hold together (exit 7)."""

    kind = "integrity"
    exit_code = 7


class EnvironmentFailure(ClaimsError):
    """The environment failed: disk full, read-only file or folder, I/O error, server unreachable (exit 8).

    Nothing was written: the transaction that met the failure was rolled back.
    """

    kind = "environment"
    exit_code = 8
