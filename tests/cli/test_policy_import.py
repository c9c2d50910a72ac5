"""`claims policy import` of a large file, read a record at a time (workflows/policy_import.py): the same outcome as
a small one -- idempotent, audited, verified -- a bad record anywhere refuses the whole file before anything is
written, and a person at a terminal is told how far it has got (both passes)."""

from __future__ import annotations

import json

import pytest
from cli_support import START

from bench.book import policy
from claims import json_array
from workflows.office import Office
from workflows.policy_import import import_policies

COUNT = 3000


@pytest.fixture
def many(claims, monkeypatch):
    """A file of 3,000 policies, read in chunks of 4 KiB (so it spans some hundred chunks)."""
    monkeypatch.setattr(json_array, "CHUNK", 4096)
    records = json.loads(json.dumps([policy(f"P-MANY-{i:05d}", i % 2) for i in range(1, COUNT + 1)]))  # each its own objects
    return records, claims.write_json("many.json", records)


def test_a_large_file_is_imported_once_then_unchanged_and_verifies(claims, many):
    records, path = many
    assert claims.ok("policy", "import", path, as_="admin").json == {"imported": COUNT, "unchanged": 0}
    assert claims.ok("policy", "import", path, as_="admin").json == {"imported": 0, "unchanged": COUNT}
    records[COUNT - 1]["product"] = "平安福 2026"
    changed = claims.write_json("changed.json", records)
    assert claims.ok("policy", "import", changed, as_="admin").json == {"imported": 1, "unchanged": COUNT - 1}
    assert claims.ok("policy", "show", "P-MANY-03000", as_="admin").json["product"] == "平安福 2026"
    payload = json.loads(claims.database.rows("SELECT payload FROM audit_event WHERE claim_id = '@admin' ORDER BY seq DESC LIMIT 1")[0][0])
    assert payload["changed"] == ["P-MANY-03000"] and [p["policy"] for p in payload["policies"]] == ["P-MANY-03000"]
    assert claims.ok("audit", "verify", as_="qian").json["ok"] is True


@pytest.mark.parametrize("where", [0, COUNT // 2, COUNT - 1])
def test_a_bad_record_anywhere_refuses_the_whole_file_naming_it(claims, many, where):
    records, _ = many
    records[where]["coverages"][0]["sum_insured"] = "1.234"
    path = claims.write_json("bad.json", records)
    error = claims.fails(2, "policy", "import", path, as_="admin").error
    assert f"record {where + 1} (P-MANY-{where + 1:05d})" in error["message"] and "coverages[0].sum_insured" in error["message"]


def test_the_same_policy_twice_at_the_end_of_a_large_file_is_refused(claims, many):
    records, _ = many
    path = claims.write_json("twice.json", [*records, records[7]])
    assert "appears twice" in claims.fails(2, "policy", "import", path, as_="admin").error["message"]


def test_a_file_that_breaks_off_after_many_records_is_not_valid_json(claims, many):
    _, path = many
    text = open(path, encoding="utf-8").read()
    cut = claims.workdir / "cut.json"
    cut.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    assert "not valid JSON" in claims.fails(2, "policy", "import", str(cut), as_="admin").error["message"]


def test_a_file_not_of_the_admin_is_refused_by_role_after_its_format(claims, many):
    _, path = many
    assert claims.fails(6, "policy", "import", path, as_="wang").error["code"] == "forbidden"


class Recorder:
    """Stands in for the progress bar: what it was told."""

    def __init__(self):
        self.told = []

    def start(self, total: int, what: str | None = None) -> None:
        self.told.append(("start", what, total))

    def advance(self, units: int = 1) -> None:
        self.told.append(("advance", units))


def test_progress_is_told_of_the_check_in_bytes_then_of_the_import_in_policies(claims, many):
    _, path = many
    recorder = Recorder()
    office = Office.open(str(claims.db), "admin", START)
    try:
        assert import_policies(office, path, recorder) == {"imported": COUNT, "unchanged": 0}
    finally:
        office.close()
    starts = [entry for entry in recorder.told if entry[0] == "start"]
    size = len(open(path, "rb").read())
    assert starts == [("start", "checking", size), ("start", "policies", COUNT)]
    checking = recorder.told[1 : recorder.told.index(starts[1])]
    assert sum(units for _, units in checking) == size and len(checking) > 100  # a chunk at a time
    importing = recorder.told[recorder.told.index(starts[1]) + 1 :]
    assert sum(units for _, units in importing) == COUNT
