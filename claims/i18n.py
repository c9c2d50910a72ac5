"""What a person reads, in their language: gettext catalogues made and compiled with Babel (docs/cli.md, Languages).

One language per process, chosen before any command runs (`use`): English is the source text, Chinese comes from the
catalogues under claims/locale, compiled to .mo files when the package is installed (setup.py). Two domains, one per
layer: `claims` for the engine (claims/, workflows/: refusals with their legal sources, the names of states, documents
and deadlines) and `cli` for the command line (help, screens). Messages are translated when they are made, never at
import, so a process may switch (tests do) and nothing stored in the database or hashed ever passes through here.

JSON keys, error codes, rule ids and enum values never change with the language; messages do.
"""

from __future__ import annotations

import gettext
from decimal import Decimal
from pathlib import Path

from claims.errors import EnvironmentFailure

LOCALE = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh")
DOMAINS = ("claims", "cli")

_chosen = "en"
_catalogues: dict[str, gettext.NullTranslations] = {domain: gettext.NullTranslations() for domain in DOMAINS}


def use(language: str) -> None:
    """Read everything from now on in `language` (en or zh). A missing catalogue is a broken installation, said so."""
    global _chosen
    _catalogues.update({domain: catalogue(domain, language) for domain in DOMAINS})
    _chosen = language


def chosen() -> str:
    return _chosen


def catalogue(domain: str, language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(domain, LOCALE, languages=[language])
    except OSError:
        raise EnvironmentFailure(
            f"the {language} message catalogue ({domain}.mo) is not installed under {LOCALE}; reinstall claims "
            "(pip install .) to compile it"
        ) from None


# the engine's messages (domain "claims") ----------------------------------------------------------------------------
def _(message: str) -> str:
    """The engine's message in the chosen language (extracted by Babel: keyword `_`)."""
    return _catalogues["claims"].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogues["claims"].ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; it is translated where it is shown (`_(value)`)."""
    return message


def NP_(context: str, value: str) -> tuple[str, str]:
    """Marks the name of a value of a vocabulary (claims.vocabulary) for the catalogue, with its vocabulary as context."""
    return context, value


def name(context: str, value: str | None) -> str | None:
    """A value of a vocabulary as a person reads it: `name("state", "applied")` is 已申请 in Chinese, `applied` in English."""
    if value is None:
        return None
    return _catalogues["claims"].pgettext(context, value)


def names(context: str, values) -> str:
    """Several values of a vocabulary, listed as the language lists them."""
    return listing(name(context, value) for value in values)


def listing(items) -> str:
    return ("、" if _chosen == "zh" else ", ").join(items)


# the command line's messages (domain "cli") ----------------------------------------------------------------------------
def cli_(message: str) -> str:
    """The command line's message in the chosen language (extracted by Babel from cli/: keyword `_`, imported as `_`)."""
    return _catalogues["cli"].gettext(message)


def cli_ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogues["cli"].ngettext(singular, plural, n)


# values as a reader expects them ------------------------------------------------------------------------------------
def money(amount: str | Decimal | None) -> str | None:
    """An amount for a person: 60000.00 in English as everywhere else, ¥60,000.00 for a Chinese reader (Babel's zh_CN
    currency format; imported only then). JSON keeps the plain decimal string."""
    if amount is None or _chosen != "zh":
        return None if amount is None else str(amount)
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), "CNY", locale="zh_CN")


# added for the engine's messages -------------------------------------------------------------------------------------
def clauses(items) -> str:
    """Clauses of one sentence, as the language separates them: `a; b` in English, `a；b` in Chinese."""
    return ("；" if _chosen == "zh" else "; ").join(items)
