"""Exit 3 (cli.md, Exit codes): not found — claim, policy, user, document type."""

from __future__ import annotations

import pytest


def not_found(result, *words: str) -> dict:
    error = result.error
    assert error["code"] == "not_found"
    for word in words:
        assert word in error["message"], f"{word!r} not in {error['message']!r}"
    return error


@pytest.mark.parametrize(
    "args, as_",
    [
        (["status", "CLM-999999"], "li"),
        (["docs", "CLM-999999"], "li"),
        (["history", "CLM-999999"], "qian"),
        (["apply", "CLM-999999", "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013"], "li"),
        (["attach", "CLM-999999", "claim_form"], "li"),
        (["investigate", "CLM-999999"], "wang"),
        (["decide", "CLM-999999", "approve", "--amount", "100", "--reason", "r"], "zhao"),
        (["notify", "CLM-999999"], "wang"),
        (["pay", "CLM-999999", "--amount", "100"], "wang"),
        (["appeal", "CLM-999999", "--reason", "r"], "li"),
        (["close", "CLM-999999"], "wang"),
        (["withdraw", "CLM-999999", "--reason", "r"], "li"),
        (["consult", "CLM-999999", "--note", "n"], "li"),
    ],
)
def test_unknown_claim_is_exit_3(claims, walk, args, as_):
    walk.critical_illness("reported")
    not_found(claims.fails(3, *args, as_=as_), "CLM-999999", "not found")


def test_unknown_policy_on_report_is_exit_3(claims):
    not_found(claims.fails(3, "report", "P-0000-0000", "--type", "death", "--event-date", "2026-04-25", as_="li"), "P-0000-0000")


def test_unknown_policy_on_show_is_exit_3(claims):
    not_found(claims.fails(3, "policy", "show", "P-0000-0000", as_="admin"), "P-0000-0000")


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["report", "P-2022-0002", "--type", "medical", "--event-date", "2026-04-25"],
        ["policy", "show", "P-2022-0002"],
        ["user", "add", "zhou", "--role", "agent"],
    ],
)
def test_unknown_user_via_as_is_exit_3(claims, args):
    not_found(claims.fails(3, *args, as_="nobody"), "nobody", "not registered")


def test_unknown_user_on_an_existing_claim_is_exit_3(claims, walk):
    claim = walk.critical_illness("reported")
    not_found(claims.fails(3, "status", claim, as_="nobody"), "nobody")
    not_found(claims.fails(3, "withdraw", claim, "--reason", "r", as_="nobody"), "nobody")


@pytest.mark.parametrize("doc", ["x_ray", "ClaimForm", "passport"])
def test_unknown_document_type_is_exit_3(claims, walk, doc):
    claim = walk.critical_illness("applied")
    not_found(claims.fails(3, "attach", claim, doc, as_="li"), "document type", doc)


def test_unknown_document_type_on_request_is_exit_3(claims, walk):
    claim = walk.critical_illness("investigating")
    not_found(claims.fails(3, "request", claim, "x_ray", "--reason", "r", as_="wang"), "document type", "x_ray")


def test_no_database_at_the_path_is_exit_3(claims, tmp_path):
    result = claims("--db", str(tmp_path / "nowhere.db"), "list", as_="li")
    assert result.code == 3 and result.out == ""
    not_found(result, "nowhere.db")
    assert not (tmp_path / "nowhere.db").exists()
