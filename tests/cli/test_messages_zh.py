"""Issue 10: a Chinese-speaking agent, handler and auditor do their whole day in Chinese.

Everything a person reads under `--lang zh` — help, screens, refusals, verification, batch summaries — is Chinese: an
English word left on a Chinese screen is a message that escaped the catalogue (the leak test below finds it). What a
program reads does not change with the language (JSON keys, codes, rule ids, enum values). Choices may be typed by
their Chinese names. The screens fit 60, 80 and 120 columns in Chinese too, where a character takes two cells."""

from __future__ import annotations

import json
import re

import pytest
from cli_support import command_tree, run_main

from cli.layout import cell_len

NOW = "2026-06-01T09:00:00+08:00"
USERS = ("li", "wang", "zhao", "sun", "qian", "admin")
COMMANDS = ("init", "user", "add", "role", "list", "policy", "import", "show", "settings", "load", "db", "upgrade", "setup",
            "copy", "report", "apply", "attach", "request", "investigate", "decide", "notify", "pay", "appeal", "close",
            "withdraw", "consult", "exclude", "mark-complex", "assign", "status", "docs", "history", "diagram", "replay",
            "audit", "verify", "anchor", "export", "batch", "claims", "approve", "partial", "decline")
# What may stay Latin on a Chinese screen: what a person types or a program reads, and proper names.
LITERAL = [
    r"\b(?:mark-complex|JSON Lines|stdout|stderr|less|shell|Windows|Graphviz|Markdown)\b",
    r"`[^`]*`",  # a command to type
    r"(?<![\w-])--?[a-z][a-z-]*",  # an option
    # our reference, cited by file and English heading
    r"[(（]docs/[\w./-]+(?:[,，] ?[^)）]*)?[)）]|docs/[\w./-]+(?:[,，] ?[A-Z][\w ,'-]*)?",
    r"CLM-\d+|P-\d{4}-\d{4}|@admin|@init|\bv\d+\b",
    r"\b[0-9a-f]{8,64}\b",  # hashes
    r"(?:/[\w.@+-]+)+/?|[\w.-]+\.(?:db|json|jsonl|csv|md|toml)\b",  # paths and files
    r"\b[A-Z][A-Z0-9_]+\b",  # metavariables (CLAIM, USER), environment variables, ID, JSON, CSV
    r"\b(?:SQLite|PostgreSQL|Excel|Babel|Alembic|PRAGMA|quick_check|mermaid|dot|jsonl|csv|zh|en|bash|zsh|fish)\b",
    r"^\s*(?:\$ )?claims [^\n]*$",  # an example command line in help
    r"\b[a-z]+(?:\+[a-z]+)?://\S*",  # a database URL
    r"\b[a-z]+(?:_[a-z0-9]+)+\b|\"[a-z]+\"",  # a JSON key or column (claim_id, prev_hash, "hash"), a stored value
    r"^\s+.*\b\w+=.*$",  # a history event's stored record (key=value): the audit log as it was hashed
]
LITERAL_RE = re.compile("|".join(LITERAL), re.MULTILINE)
WORD = re.compile(r"[A-Za-z][A-Za-z_']{2,}")


def leaks(text: str) -> set[str]:
    """The English words of a Chinese text, once literals, commands, user names and command names are set aside."""
    rest = LITERAL_RE.sub(" ", text.replace(" \\\n", " "))  # an example continued on the next line is one line
    return {word for word in WORD.findall(rest) if word not in USERS and word not in COMMANDS}


def zh(claims, *words: str, who: str = "wang", width: int = 120, json_out: bool = False, now: str = NOW):
    argv = ["--lang", "zh", "--db", str(claims.db), "--as", who, *(["--json"] if json_out else []), *words]
    return run_main(argv, {"COLUMNS": str(width), "CLAIMS_NOW": now, "CLAIMS_DB": None, "CLAIMS_USER": None, "LANG": None,
                           "LC_ALL": None, "CLAIMS_LANG": None})


@pytest.fixture
def day(claims):
    """A day's work typed in Chinese: a critical-illness claim paid, one declined and notified, one waiting for papers."""
    def ok(*words, who="li", now="2026-05-01T09:00:00+08:00"):
        result = zh(claims, *words, who=who, json_out=True, now=now)
        assert result.code == 0, (words, result.err)
        return result.json

    paid = ok("report", "P-2022-0002", "--type", "重大疾病", "--event-date", "2026-04-25", "--channel", "业务员")["claim"]
    ok("apply", paid, "--applicant", "陈某", "--id-type", "居民身份证", "--id-number", "630102197502110013")
    for document in ("理赔申请书", "申请人身份证件", "领款人银行账户", "诊断证明书", "病理/检查报告", "病历"):
        ok("attach", paid, document)
    ok("investigate", paid, who="wang")
    ok("decide", paid, "approve", "--amount", "60000", "--reason", "医院确认确诊胃癌早期", who="zhao")
    ok("notify", paid, who="wang")
    ok("pay", paid, "--amount", "60000", who="wang")
    ok("consult", paid, "--note", "客户来电询问到账时间", who="li")
    waiting = ok("report", "P-2023-0001", "--type", "身故", "--event-date", "2026-04-28", "--cause", "疾病")["claim"]
    ok("assign", waiting, "--to", "wang", who="zhao")
    return {"paid": paid, "waiting": waiting}


def screens(day: dict) -> dict[str, tuple[tuple[str, ...], str]]:
    return {
        "status paid": (("status", day["paid"]), "wang"),
        "status waiting": (("status", day["waiting"]), "li"),
        "docs": (("docs", day["waiting"]), "li"),
        "list": (("list",), "wang"),
        "list mine": (("list", "--mine"), "wang"),
        "history": (("history", day["paid"]), "qian"),
        "history masked": (("history", day["paid"]), "li"),
        "replay": (("replay", day["paid"]), "qian"),
        "audit verify": (("audit", "verify"), "qian"),
        "user list": (("user", "list"), "admin"),
    }


@pytest.mark.sqlite_only
def test_a_chinese_day_types_choices_by_their_chinese_names(claims, day):
    status = claims.ok("status", day["paid"], as_="wang").json
    assert status["state"] == "paid" and status["type"] == "critical_illness"
    assert "claim_form" in status["received_documents"] and "pathology_report" in status["received_documents"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("width", (60, 80, 120))
def test_every_chinese_screen_is_chinese_and_fits_the_width(claims, day, width):
    problems = []
    for name, (words, who) in screens(day).items():
        result = zh(claims, *words, who=who, width=width)
        assert result.code == 0, (name, result.err)
        text = result.out + result.err
        if not re.search(r"[\u4e00-\u9fff]", text):
            problems.append(f"{name}: no Chinese at all")
        if leaks(text):
            problems.append(f"{name}: English left: {sorted(leaks(text))}")
        too_long = [line for line in text.splitlines() if cell_len(line) > width]
        if too_long:
            problems.append(f"{name}: {len(too_long)} lines wider than {width}: {too_long[0]!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("width", (60, 80))
def test_every_help_page_is_chinese_and_fits_the_width(claims, width):
    problems = []
    for path, _command in command_tree():
        result = zh(claims, *path, "--help", width=width)
        assert result.code == 0, (path, result.err)
        if leaks(result.out):
            problems.append(f"claims {' '.join(path)} --help: English left: {sorted(leaks(result.out))}")
        too_long = [line for line in result.out.splitlines() if cell_len(line) > width]
        if too_long:
            problems.append(f"claims {' '.join(path)} --help: {len(too_long)} lines wider than {width}: {too_long[0]!r}")
    assert problems == [], "\n".join(problems)


REFUSALS = [  # (words, who, exit code, what the Chinese message must say)
    (("report", "P-2023-0001", "--type", "身故", "--event-date", "2026-05-01"), "li", 4, "《保险法》第二十一条"),
    (("pay", "{waiting}", "--amount", "100"), "wang", 4, "apply"),
    (("attach", "{waiting}", "不存在的材料"), "li", 3, "理赔申请书"),
    (("report", "P-2022-0002", "--type", "重大疾病", "--event-date", "2030-01-01"), "li", 4, "2030-01-01"),
    (("report", "P-2022-0002", "--type", "意外", "--event-date", "2026-04-25"), "li", 4, "重大疾病"),
    (("investigate", "{paid}"), "li", 6, "业务员"),
    (("status", "CLM-999999"), "li", 3, "CLM-999999"),
    (("decide", "{waiting}", "approve", "--amount", "１００", "--reason", "x"), "zhao", 2, "--amount"),
    (("user", "add", "", "--role", "agent"), "admin", 2, ""),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("words,who,code,says", REFUSALS, ids=[" ".join(r[0][:2]) for r in REFUSALS])
def test_refusals_and_errors_are_chinese_and_name_their_source(claims, day, words, who, code, says):
    words = tuple(word.format(**day) for word in words)
    result = zh(claims, *words, who=who)
    assert result.code == code, result.err
    assert result.out == ""
    assert says in result.err and re.search(r"[\u4e00-\u9fff]", result.err), result.err
    assert leaks(result.err) == set(), result.err
    assert "Traceback" not in result.err


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fmt", ("mermaid", "dot"))
def test_the_diagram_names_every_state_in_chinese(claims, fmt):
    """The diagram is a program's input (mermaid, dot): its states keep their ids, and carry their Chinese names as labels."""
    from claims.i18n import name, use
    from workflows.machine import STATES

    text = zh(claims, "diagram", "--format", fmt, who="li").out
    try:
        use("zh")
        labels = {state: name("state", state) for state in STATES}
    finally:
        use("en")
    for state, label in labels.items():
        assert (f'state "{label}" as {state}' if fmt == "mermaid" else f'"{state}" [label="{label}"]') in text, state


@pytest.mark.sqlite_only
def test_json_is_the_same_in_both_languages_but_the_message(claims, day):
    english = claims.ok("status", day["paid"], as_="wang").json
    chinese = zh(claims, "status", day["paid"], who="wang", json_out=True)
    assert chinese.code == 0 and chinese.json == english
    late = ("report", "P-2023-0001", "--type", "death", "--event-date", "2026-05-01")
    refused_en = claims(*late, as_="li", now=NOW)
    refused_zh = zh(claims, *late, who="li", json_out=True)
    en, cn = json.loads(refused_en.err or refused_en.out), json.loads(refused_zh.err or refused_zh.out)
    assert refused_en.code == refused_zh.code == 4
    assert {k: v for k, v in en["error"].items() if k != "message"} == {k: v for k, v in cn["error"].items() if k != "message"}
    assert en["error"]["message"] != cn["error"]["message"] and "《保险法》" in cn["error"]["message"]


@pytest.mark.sqlite_only
def test_money_is_shown_as_a_chinese_reader_expects_and_dates_stay_iso(claims, day):
    text = zh(claims, "status", day["paid"]).out
    assert "¥60,000.00" in text and "2026-04-25" in text


@pytest.mark.sqlite_only
def test_a_name_that_is_no_choice_lists_the_choices_by_their_chinese_names(claims, day):
    result = zh(claims, "report", "P-2022-0002", "--type", "车险", "--event-date", "2026-04-25", who="li")
    assert result.code == 2 and "车险" in result.err and "重大疾病" in result.err and "身故" in result.err


@pytest.mark.sqlite_only
def test_the_language_follows_lang_and_claims_lang(claims, day):
    for env in ({"LANG": "zh_CN.UTF-8"}, {"CLAIMS_LANG": "zh"}, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}):
        base = {"CLAIMS_NOW": NOW, "CLAIMS_DB": None, "CLAIMS_USER": None, "LANG": None, "LC_ALL": None, "CLAIMS_LANG": None}
        result = run_main(["--db", str(claims.db), "--as", "wang", "status", day["paid"]], {**base, **env})
        assert result.code == 0 and "被保险人" in result.out, env
    english = run_main(["--lang", "en", "--db", str(claims.db), "--as", "wang", "status", day["paid"]],
                       {"CLAIMS_NOW": NOW, "CLAIMS_DB": None, "CLAIMS_USER": None, "LANG": "zh_CN.UTF-8", "CLAIMS_LANG": None})
    assert english.code == 0 and "Insured" in english.out and "被保险人" not in english.out.replace("陈某", "")


@pytest.mark.sqlite_only
def test_a_mistake_in_the_global_options_is_said_in_the_environments_language(claims):
    """Before --lang is read, the environment chooses: an error in the options themselves is Chinese for a Chinese
    reader, and a program that ran in Chinese before does not leave its language to the next command."""
    base = {"CLAIMS_DB": None, "CLAIMS_USER": None, "LANG": None, "LC_ALL": None}
    chinese = run_main(["--db", str(claims.db), "--lang", "fr", "status", "CLM-000001"], {**base, "CLAIMS_LANG": "zh"})
    assert chinese.code == 2 and "必须是 zh 或 en" in chinese.err
    english = run_main(["--db", str(claims.db), "--lang", "fr", "status", "CLM-000001"], {**base, "CLAIMS_LANG": None})
    assert english.code == 2 and "--lang must be zh or en, not 'fr'" in english.err
