"""Administration on a real SQLite file: settings versions, users, policy imports, the admin chain."""

from __future__ import annotations

import json


def _admin_events(claims):
    return claims.database.rows("SELECT seq, event, payload, settings_version FROM audit_event WHERE claim_id = '@admin' ORDER BY seq")


def test_init_twice_is_a_conflict_and_changes_nothing(claims):
    before = _admin_events(claims)
    result = claims("init", "--training")
    assert result.code == 5 and "already a claims database" in result.error["message"]
    assert _admin_events(claims) == before


def test_new_settings_are_versioned_and_old_events_keep_theirs(claims, tmp_path):
    first = claims.ok("settings", "show").json["settings_version"]
    claim = claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li").json["claim"]
    (tmp_path / "longer.toml").write_text("reporting_window_days = 15\n", encoding="utf-8")
    loaded = claims.ok("settings", "load", str(tmp_path / "longer.toml")).json
    assert loaded["reporting_window_days"] == 15 and loaded["settings_version"] != first
    claims.ok("consult", claim, "--note", "phoned", as_="li")
    history = claims.ok("history", claim, as_="qian").json
    assert [e["settings_version"] for e in history] == [first, loaded["settings_version"]]
    assert _admin_events(claims)[-1][1] == "settings"


def test_a_report_on_day_12_is_late_under_the_default_and_on_time_under_a_15_day_window(claims, tmp_path):
    """Insurance Law Art. 21 sets no day count: the window is a product setting."""
    late = claims("report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-19", as_="li")
    assert late.code == 4 and "reporting window ended on 2026-04-29" in late.error["message"]
    (tmp_path / "longer.toml").write_text("reporting_window_days = 15\n", encoding="utf-8")
    claims.ok("settings", "load", str(tmp_path / "longer.toml"))
    on_time = claims.ok("report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-19", as_="li").json
    assert on_time["flags"] == []


def test_a_bad_settings_file_is_refused_whole(claims, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('reporting_window_days = "ten"\n', encoding="utf-8")
    before = claims.ok("settings", "show").json
    result = claims("settings", "load", str(bad))
    assert result.code == 2 and "reporting_window_days" in result.error["message"]
    bad.write_text('time_zone = "Mars/Olympus"\n', encoding="utf-8")
    result = claims("settings", "load", str(bad))
    assert result.code == 2 and "unknown time zone" in result.error["message"]
    assert claims.ok("settings", "show").json == before


def test_policy_import_is_idempotent_and_counts_changes(claims, tmp_path):
    from tests.conftest import POLICIES

    policies = json.loads(POLICIES.read_text(encoding="utf-8"))
    path = tmp_path / "again.json"
    path.write_text(json.dumps(policies, ensure_ascii=False), encoding="utf-8")
    assert claims.ok("policy", "import", str(path)).json == {"imported": 0, "unchanged": 7}
    policies[0]["coverages"][0]["sum_insured"] = "120000.00"
    path.write_text(json.dumps(policies, ensure_ascii=False), encoding="utf-8")
    assert claims.ok("policy", "import", str(path)).json == {"imported": 1, "unchanged": 6}
    assert claims.ok("policy", "show", "P-2023-0001").json["coverages"][0]["sum_insured"] == "120000.00"
    last = json.loads(_admin_events(claims)[-1][2])
    assert last["changed"] == ["P-2023-0001"] and last["new"] == 0


def test_a_bad_policy_file_is_refused_whole_naming_record_and_field(claims, tmp_path):
    from tests.conftest import POLICIES

    policies = json.loads(POLICIES.read_text(encoding="utf-8"))
    policies.append({**policies[0], "policy": "P-NEW-1"})
    policies[2]["insured"]["birth_date"] = "1982-13-40"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(policies, ensure_ascii=False), encoding="utf-8")
    result = claims("policy", "import", str(path))
    assert result.code == 2
    assert "record 3 (P-2024-0003)" in result.error["message"] and "insured.birth_date" in result.error["message"]
    assert claims("policy", "show", "P-NEW-1").code == 3


def test_policy_show_masks_id_numbers_for_the_admin(claims):
    shown = claims.ok("policy", "show", "P-2023-0001").json
    assert shown["insured"]["id_number"] == "**************004X"


def test_users_roles_and_limits_are_recorded_in_the_admin_chain(claims):
    claims.ok("user", "role", "wang", "--role", "senior", "--limit", "200000")
    last = json.loads(_admin_events(claims)[-1][2])
    assert last == {"user": "wang", "role": "senior", "limit": "200000.00", "previous_role": "handler", "previous_limit": "50000.00"}
    trail = claims.ok("history", "@admin", as_="qian").json
    assert trail[0]["event"] == "init" and trail[0]["from"] is None
    assert claims("history", "@admin", as_="li").code == 6


def test_limit_is_only_for_handlers_and_seniors(claims):
    result = claims("user", "add", "ma", "--role", "agent", "--limit", "1000")
    assert result.code == 2 and "--limit applies to handlers and seniors" in result.error["message"]


def test_the_last_admin_cannot_be_demoted(claims):
    result = claims("user", "role", "admin", "--role", "auditor")
    assert result.code == 4 and "only admin" in result.error["message"]
    claims.ok("user", "add", "root2", "--role", "admin")
    assert claims.ok("user", "role", "admin", "--role", "auditor").json["role"] == "auditor"


def test_adding_an_existing_user_is_a_conflict_that_changes_nothing(claims):
    before = _admin_events(claims)
    result = claims("user", "add", "wang", "--role", "senior")
    assert result.code == 5 and _admin_events(claims) == before
    assert "already exists (handler, limit 50000.00)" in result.error["message"] and "claims user role wang" in result.error["message"]
    assert {"user": "wang", "role": "handler", "limit": "50000.00"} in claims.ok("user", "list").json


def test_a_role_change_of_an_unknown_user_is_not_found(claims):
    result = claims("user", "role", "nobody", "--role", "agent")
    assert result.code == 3 and "claims user add" in result.error["message"]
