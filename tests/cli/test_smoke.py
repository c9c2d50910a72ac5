"""A first end-to-end walk: the deck's slide-17 case (critical illness, stomach cancer, 60,000 paid)."""


def test_critical_illness_claim_walks_from_report_to_close(claims):
    claim = claims.ok("report", "P-2022-0002", "--type", "critical_illness", "--event-date", "2026-04-25", as_="li").json["claim"]
    claims.ok("apply", claim, "--applicant", "陈某", "--id-type", "resident_id", "--id-number", "630102197502110013", as_="li")
    for doc in ("claim_form", "applicant_id", "bank_account", "diagnosis_certificate", "pathology_report", "medical_records"):
        claims.ok("attach", claim, doc, as_="li")
    claims.ok("investigate", claim, as_="wang")
    claims.ok("decide", claim, "approve", "--amount", "60000", "--reason", "confirmed", as_="zhao")
    claims.ok("notify", claim, as_="wang")
    paid = claims.ok("pay", claim, "--amount", "60000", as_="wang").json
    assert paid["state"] == "paid" and paid["paid_amount"] == "60000.00"
    assert claims.ok("close", claim, as_="wang").json["state"] == "closed"
    events = [e["event"] for e in claims.ok("history", claim, as_="qian").json]
    assert events[:3] == ["report", "apply", "notice"] and events[-2:] == ["pay", "close"]
