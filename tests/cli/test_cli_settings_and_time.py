"""Product settings are data (domain.md: "Where a number is a house default rather than law … it must be a
setting"), calendar days in the insurer's time zone, authority limits as users are registered."""

from __future__ import annotations


def load_settings(claims, text: str) -> dict:
    path = claims.workdir / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return claims.ok("settings", "load", str(path), as_="admin").json


# time zone (domain.md: "Dates are calendar days in the insurer's time zone (Asia/Shanghai by default)") -------------
def test_calendar_day_is_the_shanghai_day_not_the_utc_day(claims):
    args = ["report", "P-2022-0002", "--type", "medical", "--event-date", "2026-05-02"]
    refused = claims.fails(4, *args, as_="li", now="2026-05-01T15:59:59+00:00")  # 23:59:59 in Shanghai
    assert refused.error["rule"] == "event_date"
    claims.ok(*args, as_="li", now="2026-05-01T16:00:00+00:00")  # 00:00 on 2 May in Shanghai


def test_a_naive_claims_now_is_read_in_the_insurers_time_zone(claims):
    claim = claims.ok("report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-30", as_="li", now="2026-05-01T08:00:00").json[
        "claim"
    ]
    first = claims.ok("history", claim, as_="qian").json[0]
    assert first["at"].startswith("2026-05-01T08:00:00") and first["at"].endswith("+08:00")


def test_time_zone_is_a_setting(claims):
    load_settings(claims, 'time_zone = "UTC"\n')
    args = ["report", "P-2022-0002", "--type", "medical", "--event-date", "2026-05-02"]
    assert claims.fails(4, *args, as_="li", now="2026-05-02T07:00:00+08:00").error["rule"] == "event_date"  # still 1 May in UTC


# windows and day counts are settings; every event records the version it was checked against ----------------------
def test_reporting_window_is_a_product_setting_and_events_record_the_settings_version(claims):
    before = claims.ok(
        "report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-24", as_="li"
    ).json  # 7 days: in time under the 10-day default
    assert before["flags"] == []
    loaded = load_settings(claims, "reporting_window_days = 5\n")
    assert loaded["reporting_window_days"] == 5
    refused = claims.fails(4, "report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-24", as_="li")
    assert refused.error["rule"] == "late_report" and "5-day" in refused.error["message"]
    after = claims.ok("report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-24", "--late-reason", "r", as_="li").json
    assert after["flags"] == ["late_report"]
    first = claims.ok("history", before["claim"], as_="qian").json[0]["settings_version"]
    second = claims.ok("history", after["claim"], as_="qian").json[0]["settings_version"]
    assert first != second and second == loaded["settings_version"]


def test_four_eyes_threshold_is_a_setting(claims, walk):
    load_settings(claims, 'four_eyes_threshold = "100000.00"\n')
    claim = walk.critical_illness("notified")
    assert claims.ok("pay", claim, "--amount", "60000", as_="zhao").json["state"] == "paid"


def test_appeal_window_is_a_setting(claims, walk):
    load_settings(claims, "appeal_window_days = 10\n")
    claim = walk.critical_illness("notified", outcome="decline")
    refused = claims.fails(4, "appeal", claim, "--reason", "r", as_="li", now="2026-05-12T09:00:00+08:00")
    assert refused.error["rule"] == "appeal_window" and "2026-05-11" in refused.error["message"]


def test_settings_show_is_the_settings_in_force(claims):
    shown = claims.ok("settings", "show", as_="admin").json
    assert shown["reporting_window_days"] == 10 and shown["appeal_window_days"] == 60 and shown["four_eyes_threshold"] == "10000.00"
    assert shown["time_zone"] == "Asia/Shanghai" and shown["settings_version"]


def test_init_with_a_settings_file(tmp_path):
    from cli_support import Claims

    path = tmp_path / "product.toml"
    path.write_text("reporting_window_days = 7\ndecision_days = 5\n", encoding="utf-8")
    run = Claims(tmp_path / "other.db", tmp_path)
    created = run.ok("init", "--training", "--settings", str(path), as_="boss").json
    shown = run.ok("settings", "show", as_="boss").json
    assert shown["settings_version"] == created["settings_version"]
    assert (shown["reporting_window_days"], shown["decision_days"], shown["payment_days"]) == (7, 5, 10)


# authority limits (domain.md: handler up to their limit, senior without the handler's limit, up to their own) ---------
def test_a_handler_registered_without_a_limit_gets_the_house_default(claims, walk):
    claims.ok("user", "add", "zhou", "--role", "handler", as_="admin")
    claim = walk.critical_illness("investigating")
    refused = claims.fails(4, "decide", claim, "approve", "--amount", "50000.01", "--reason", "r", as_="zhou")
    assert refused.error["rule"] == "authority_limit" and "50000.00" in refused.error["message"]
    claims.ok("decide", claim, "approve", "--amount", "50000", "--reason", "r", as_="zhou")


def test_a_senior_with_a_limit_of_their_own(claims, walk):
    claims.ok("user", "add", "qin", "--role", "senior", "--limit", "55000", as_="admin")
    claim = walk.critical_illness("investigating")
    refused = claims.fails(4, "decide", claim, "approve", "--amount", "60000", "--reason", "r", as_="qin")
    assert refused.error["rule"] == "authority_limit" and "55000.00" in refused.error["message"]


def test_a_limit_is_given_only_to_handlers_and_seniors(claims):
    refused = claims.fails(2, "user", "add", "ma", "--role", "agent", "--limit", "1000", as_="admin")
    assert "--limit" in refused.error["message"]


def test_auditors_and_admins_have_no_next_actions(claims, walk):
    claim = walk.critical_illness("investigating")
    assert claims.ok("status", claim, as_="qian").json["allowed_actions"] == []
    assert claims.ok("status", claim, as_="admin").json["allowed_actions"] == []
    assert claims.ok("status", claim, as_="li").json["allowed_actions"] == ["attach", "withdraw", "consult"]


def test_consultation_is_an_event_that_changes_no_state(claims, walk):
    claim = walk.critical_illness("notified")
    doc = claims.ok("consult", claim, "--note", "asked when the money arrives", as_="li").json
    assert doc["state"] == "approved"
    last = claims.ok("history", claim, as_="qian").json[-1]
    assert (last["event"], last["from"], last["to"], last["actor"], last["role"]) == ("consult", "approved", "approved", "li", "agent")
    assert last["payload"]["args"]["note"] == "asked when the money arrives"
