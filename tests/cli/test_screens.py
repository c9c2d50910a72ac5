"""The screens a person reads fit the terminal: at 60, 80 and 120 columns no line is longer than the width, and no
word is broken across lines (Chinese text, which has no spaces, wraps between characters as it is written).

Each screen is shown at the width under test (COLUMNS, which the screens read as a terminal's width) and at 1,000
columns: every word of the narrow screen must be a word of the wide one."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from cli_support import run_main

from cli.layout import cell_len

WIDTHS = (60, 80, 120)
WIDE = 1000
LONG_REASON = ("the pathology report and the attending physician's statement confirm an early-stage gastric carcinoma "
               "diagnosed within the coverage period; no exclusion applies")


@pytest.fixture
def book(claims, walk):
    """Claims at several stages, with long and Chinese free text, a late report, a decline and a tampered-free log."""
    paid = walk.critical_illness("paid")
    claims.ok("consult", paid, "--note", "客户送来锦旗：平安人寿诚实可信，感谢理赔人员的及时服务", as_="li")
    declined = walk.critical_illness("notified", outcome="decline", ground="exclusion", event="2026-04-26")
    late = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-04-01", "--cause", "illness",
                     "--late-reason", "家属在国外，很晚才得知死亡消息 (family abroad, learned of the death late)",
                     "--description", LONG_REASON, as_="li").json["claim"]
    return {"paid": paid, "declined": declined, "late": late}


def screens(book: dict, batch_file: str) -> dict[str, tuple[list[str], str]]:
    """name: (the words typed, who types them)."""
    return {
        "status paid": (["status", book["paid"]], "wang"),
        "status late": (["status", book["late"]], "li"),
        "status declined": (["status", book["declined"]], "wang"),
        "docs": (["docs", book["paid"]], "li"),
        "docs late": (["docs", book["late"]], "li"),
        "list": (["list"], "wang"),
        "history": (["history", book["paid"]], "qian"),
        "history masked": (["history", book["paid"]], "li"),
        "history admin": (["history", "@admin"], "qian"),
        "replay": (["replay", book["paid"]], "qian"),
        "audit verify": (["audit", "verify"], "qian"),
        "user list": (["user", "list"], "admin"),
        "batch summary": (["batch", batch_file, "--keep-going"], "admin"),
    }


def shown(claims, words: list[str], who: str, width: int) -> tuple[int, list[str]]:
    argv = ["--db", str(claims.db), "--as", who, *words]
    result = run_main(argv, {"COLUMNS": str(width), "CLAIMS_NOW": "2026-06-01T09:00:00+08:00", "CLAIMS_DB": None, "CLAIMS_USER": None})
    return result.code, (result.out + result.err).splitlines()


def words_of(lines: list[str]) -> set[str]:
    return {word for line in lines for word in line.split()}


def broken(narrow: list[str], wide: list[str]) -> list[str]:
    """Words of the narrow screen that the wide one does not have (and that are not Chinese wrapped between characters,
    nor a timing that differs between two runs)."""
    whole = words_of(wide)
    return sorted(word for word in words_of(narrow) - whole
                  if not any(cell_len(ch) == 2 for ch in word) and not re.fullmatch(r"[\d.]+", word))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("width", WIDTHS)
def test_every_screen_fits_the_width_without_breaking_a_word(claims, book, width, tmp_path):
    batch_file = tmp_path / "day.jsonl"
    lines = [{"args": ["status", book["paid"]], "as": "li"}, {"args": ["investigate", book["late"]], "as": "wang"},
             {"args": ["pay", book["paid"], "--amount", "1.234"], "as": "wang"}]
    batch_file.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    problems = []
    for name, (words, who) in screens(book, str(batch_file)).items():
        code, narrow = shown(claims, words, who, width)
        assert code in (0, 2, 4), (name, code, narrow)
        _, wide = shown(claims, words, who, WIDE)
        too_long = [line for line in narrow if cell_len(line) > width]
        if too_long:
            problems.append(f"{name}: {len(too_long)} lines longer than {width}: {too_long[0]!r}")
        if broken(narrow, wide):
            problems.append(f"{name}: words broken at {width} columns: {broken(narrow, wide)[:5]}")
    assert problems == []


@pytest.mark.sqlite_only
def test_a_failed_verification_fits_60_columns(claims, book):
    with claims.database.tampering() as con:
        con.execute("UPDATE audit_event SET actor = 'wang' WHERE claim_id = ? AND seq = 2", (book["paid"],))
    code, narrow = shown(claims, ["audit", "verify"], "qian", 60)
    _, wide = shown(claims, ["audit", "verify"], "qian", WIDE)
    assert code == 7 and any("Audit verification failed" in line for line in narrow)
    assert [line for line in narrow if cell_len(line) > 60] == [] and broken(narrow, wide) == []


@pytest.mark.sqlite_only
def test_the_history_keeps_each_hash_in_a_column(claims, book):
    """One line per event where it fits, two where it does not; either way the hashes line up, one under another."""
    for width in WIDTHS:
        _, lines = shown(claims, ["history", book["paid"]], "qian", width)
        columns = {match.start() for line in lines if (match := re.search(r"(?<=  )[0-9a-f]{8}$", line))}
        assert len(columns) == 1, (width, lines)


@pytest.mark.sqlite_only
def test_the_replay_table_never_breaks_a_word_at_60_columns(claims, book):
    _, narrow = shown(claims, ["replay", book["paid"]], "qian", 60)
    assert any("investigate" in line.split() for line in narrow)
    assert all("investigating" in line.split() or "investigating" not in line for line in narrow)


@pytest.mark.sqlite_only
def test_status_says_how_far_off_each_deadline_is_with_the_same_overdue_judgement_as_list(claims, walk):
    """Issue 10: `status` shows deadlines "with days left or overdue", and its overdue is the queue's."""
    waiting = walk.critical_illness("investigating")  # applied 2026-05-01: the decision is due on a working day in May
    doc = claims.ok("status", waiting, as_="wang", now="2026-06-01T09:00:00+08:00").json
    decision = next(d for d in doc["deadlines"] if d["name"] == "decision")
    days = (date.fromisoformat("2026-06-01") - date.fromisoformat(decision["due"])).days
    assert decision["overdue"] and decision["days_left"] == -days
    _, lines = shown(claims, ["status", waiting], "wang", 120)
    assert any(f"{decision['due']}  OVERDUE by {days} days" in line for line in lines), lines
    row = next(r for r in claims.ok("list", as_="wang", now="2026-06-01T09:00:00+08:00").json if r["claim"] == waiting)
    assert row["overdue"] is True and "overdue" in doc["flags"]
    limitation = claims.ok("report", "P-2023-0001", "--type", "death", "--event-date", "2026-05-30", as_="li",
                           now="2026-06-01T09:00:00+08:00").json["claim"]
    _, lines = shown(claims, ["status", limitation], "li", 120)
    assert any("2026-06-09  in 8 days" in line for line in lines), lines  # the reporting window: 10 days from the event
