"""Issue 10: everything a person reads has its Chinese translation. The messages are extracted from the code as Babel
extracts them for the catalogues (claims/locale/catalogues.sh), and each must be translated in the zh catalogue of its
domain -- not empty, not fuzzy, with the same placeholders -- and the compiled catalogue the program reads must be the
one made from it. Every value of every vocabulary a person reads or types has its Chinese name."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from claims import i18n
from claims.materials import DOCUMENT_TYPES
from claims.vocabulary import VOCABULARIES, value_of
from cli import choices

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "NP_": ((1, "c"), 2), "cli_": None, "cli_ngettext": (1, 2)}
SOURCES = {"claims": ("claims", "workflows"), "cli": ("cli",)}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def extracted(domain: str) -> dict[tuple[str | None, str], str]:
    """(context, message) → where it is, for every message of the domain's code."""
    found = {}
    for folder in SOURCES[domain]:
        for filename, line, message, _comments, context in extract_from_dir(ROOT / folder, keywords=KEYWORDS):
            text = message[0] if isinstance(message, tuple) else message  # a plural message is its singular's entry
            if text:
                found[(context, text)] = f"{folder}/{filename}:{line}"
    return found


def catalogue(domain: str):
    with (i18n.LOCALE / "zh" / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return read_po(po)


@pytest.mark.parametrize("domain", sorted(SOURCES))
def test_every_message_has_its_chinese_translation(domain):
    zh = catalogue(domain)
    problems = []
    for (context, text), where in sorted(extracted(domain).items(), key=lambda item: item[1]):
        entry = zh.get(text, context=context)
        if entry is None or not entry.string or entry.fuzzy:
            problems.append(f"{where}: {text!r} is {'fuzzy' if entry and entry.fuzzy else 'not translated'}")
    assert problems == [], f"{len(problems)} messages lack a translation:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("domain", sorted(SOURCES))
def test_each_translation_keeps_the_placeholders_of_its_message(domain):
    problems = []
    for entry in catalogue(domain):
        if entry.id and entry.string:
            for english, chinese in zip(entry.id if isinstance(entry.id, tuple) else (entry.id,),
                                        entry.string if isinstance(entry.string, tuple) else (entry.string,), strict=False):
                if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(chinese)):
                    problems.append(f"{english!r} → {chinese!r}")
    assert problems == []


@pytest.mark.parametrize("domain", sorted(SOURCES))
def test_the_program_reads_the_catalogue_compiled_from_the_current_translations(domain):
    """Installing compiles the .po (setup.py); a stale or missing .mo would show a person old or English messages."""
    compiled = gettext.translation(domain, i18n.LOCALE, languages=["zh"])
    for entry in catalogue(domain):
        if entry.id and entry.string and not entry.fuzzy and not isinstance(entry.id, tuple):
            shown = compiled.pgettext(entry.context, entry.id) if entry.context else compiled.gettext(entry.id)
            assert shown == entry.string, f"claims/locale/zh/LC_MESSAGES/{domain}.mo is stale: reinstall (pip install -e .)"


def vocabularies_of_the_code() -> dict[str, set[str]]:
    from workflows.deadlines import SOURCES as DEADLINES
    from workflows.machine import MACHINE

    return {
        "claim type": {c.value for c in choices.ClaimType},
        "state": set(MACHINE.states) | {c.value for c in choices.State},
        "document": set(DOCUMENT_TYPES),
        "deadline": set(DEADLINES),
        "relation": {c.value for c in choices.Relation},
        "outcome": {c.value for c in choices.Outcome},
        "ground": {c.value for c in choices.Ground},
        "because": {c.value for c in choices.Because},
        "cause": {c.value for c in choices.Cause},
        "channel": {c.value for c in choices.Channel},
        "id type": {c.value for c in choices.IdType},
        "role": {c.value for c in choices.Role},
    }


@pytest.mark.parametrize("context", sorted(vocabularies_of_the_code()))
def test_every_value_a_person_reads_or_types_has_a_chinese_name_and_is_understood_typed_in_chinese(context):
    zh = catalogue("claims")
    for value in sorted(vocabularies_of_the_code()[context]):
        assert value in VOCABULARIES[context], f"{context} {value!r} is missing from claims/vocabulary.py"
        entry = zh.get(value, context=context)
        assert entry is not None and entry.string and not entry.fuzzy, f"{context} {value!r} has no Chinese name"
        assert value_of(context, entry.string, VOCABULARIES[context]) == value
        assert value_of(context, value, VOCABULARIES[context]) == value


@pytest.mark.parametrize("context", sorted(VOCABULARIES))
def test_two_values_of_one_vocabulary_never_share_a_chinese_name(context):
    zh = catalogue("claims")
    chinese = [zh.get(value, context=context).string for value in VOCABULARIES[context]]
    assert len(set(chinese)) == len(chinese), chinese


def test_money_is_shown_as_a_chinese_reader_expects_and_json_keeps_the_decimal():
    try:
        i18n.use("zh")
        assert i18n.money("60000.00") == "¥60,000.00" and i18n.name("state", "applied") == "已申请"
        assert i18n.listing(["a", "b"]) == "a、b"
    finally:
        i18n.use("en")
    assert i18n.money("60000.00") == "60000.00" and i18n.name("state", "applied") == "applied"
