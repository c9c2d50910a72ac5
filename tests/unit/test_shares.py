"""Who shares a death benefit: Insurance Law Arts. 40, 42; SPC Interpretation III Art. 12 (an out beneficiary's share),
Arts. 9(3) and 15 (who counts as out — decided elsewhere; here only the arithmetic).

SPC III Art. 12: 部分受益人在保险事故发生前死亡、放弃受益权或者依法丧失受益权的，该受益人应得的受益份额按照保险合同的约定
处理；保险合同没有约定或者约定不明的：(一) 未约定受益顺序及受益份额的，由其他受益人平均享有；(二) 未约定受益顺序但约定受益份额的，
由其他受益人按照相应比例享有；(三) 约定受益顺序但未约定受益份额的，由同顺序的其他受益人平均享有；同一顺序没有其他受益人的，由后一
顺序的受益人平均享有；(四) 约定受益顺序及受益份额的，由同顺序的其他受益人按照相应比例享有；同一顺序没有其他受益人的，由后一顺序的
受益人按照相应比例享有。
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.errors import BadInput
from claims.shares import Designation, designations, entitled_shares, percent_text, split_amount


def b(name: str, order: int | None = None, share: str | None = None, **extra) -> dict:
    """A death beneficiary as a policy record carries it: order and share only when the contract states them."""
    record = {"name": name, "kind": "death", **extra}
    if order is not None:
        record["order"] = order
    if share is not None:
        record["share"] = share
    return record


THIRD = Fraction(100, 3)

CASES = [
    # (rule, designations, out, expected shares)
    ("Art. 40: shares not stated are equal", [b("甲"), b("乙"), b("丙")], set(), {"甲": THIRD, "乙": THIRD, "丙": THIRD}),
    ("Art. 40: stated shares as designated", [b("甲", share="60.00"), b("乙", share="40.00")], set(), {"甲": 60, "乙": 40}),
    ("SPC III Art. 12(1): no order, no shares -> the others equally", [b("甲"), b("乙"), b("丙")], {"甲"}, {"乙": 50, "丙": 50}),
    (
        "SPC III Art. 12(2): shares, no order -> the others pro rata",
        [b("甲", share="50"), b("乙", share="30"), b("丙", share="20")],
        {"甲"},
        {"乙": 60, "丙": 40},
    ),
    (
        "SPC III Art. 12(3): order, no shares -> the same order equally",
        [b("甲", 1), b("乙", 1), b("丙", 1), b("丁", 2)],
        {"甲"},
        {"乙": 50, "丙": 50},
    ),
    (
        "SPC III Art. 12(3): order, no shares, none left in the order -> the next order equally",
        [b("甲", 1), b("乙", 1), b("丙", 2), b("丁", 2), b("戊", 2)],
        {"甲", "乙"},
        {"丙": THIRD, "丁": THIRD, "戊": THIRD},
    ),
    (
        "SPC III Art. 12(4): order and shares -> the same order pro rata",
        [b("甲", 1, "50"), b("乙", 1, "30"), b("丙", 1, "20"), b("丁", 2, "100")],
        {"甲"},
        {"乙": 60, "丙": 40},
    ),
    (
        "SPC III Art. 12(4): order and shares, none left in the order -> the next order pro rata",
        [b("甲", 1, "100"), b("乙", 2, "50"), b("丙", 2, "30"), b("丁", 2, "20")],
        {"甲", "乙"},
        {"丙": 60, "丁": 40},
    ),
    (
        "SPC III Art. 12(3)/(4): a later order takes nothing while the first has someone entitled",
        [b("甲", 1), b("乙", 2)],
        set(),
        {"甲": 100},
    ),
    ("Art. 42 para. 1: nobody left -> the insured's estate (the heirs claim it)", [b("甲"), b("乙")], {"甲", "乙"}, {}),
    ("Art. 42 para. 1: nobody designated -> the insured's estate", [], set(), {}),
    (
        "the policy file's default order is 1: an order left out ranks with order 1, before order 2",
        [b("甲"), b("乙", 1), b("丙", 2)],
        {"乙"},
        {"甲": 100},
    ),
    (
        "each order divides by its own rule: stated shares in order 1, equal ones in order 2",
        [b("甲", 1, "70"), b("乙", 1, "30"), b("丙", 2), b("丁", 2)],
        {"甲", "乙"},
        {"丙": 50, "丁": 50},
    ),
    ("a name in `out` the policy does not designate changes nothing", [b("甲"), b("乙")], {"某人"}, {"甲": 50, "乙": 50}),
]


@pytest.mark.parametrize(("rule", "beneficiaries", "out", "expected"), CASES, ids=[case[0] for case in CASES])
def test_who_shares_the_death_benefit(rule, beneficiaries, out, expected):
    shares = entitled_shares(beneficiaries, out)
    assert shares == expected
    assert list(shares) == sorted(expected)
    assert not shares or sum(shares.values()) == 100


def test_shares_are_exact_fractions_a_third_is_a_third():
    shares = entitled_shares([b("甲"), b("乙"), b("丙")])
    assert all(isinstance(share, Fraction) for share in shares.values()) and shares["甲"] == THIRD


def test_survival_beneficiaries_are_not_death_designations():
    records = [b("甲"), {"name": "乙", "kind": "survival", "share": "100.00"}]
    assert entitled_shares(records) == {"甲": 100}
    assert designations(records) == [Designation("甲", 1, None)]


def test_a_designation_keeps_what_the_contract_states():
    assert designations([b("甲", 2, "60"), b("乙", 2, "40.0"), b("丙", 3)]) == [
        Designation("甲", 2, Decimal("60.00")),
        Designation("乙", 2, Decimal("40.00")),
        Designation("丙", 3, None),
    ]


def test_order_and_share_null_mean_not_stated():
    assert designations([{"name": "甲", "order": None, "share": None, "relation": "spouse"}]) == [Designation("甲", 1, None)]


def test_the_same_person_may_stand_in_two_orders():
    records = [b("甲", 1), b("乙", 1), b("乙", 2)]
    assert entitled_shares(records, {"甲"}) == {"乙": 100}
    assert entitled_shares(records, {"乙"}) == {"甲": 100}


# Bad designations are refused naming the policy field (the import reports them as exit 2) -----------------------
@pytest.mark.parametrize(
    ("records", "field", "words"),
    [
        ([b("甲", share="50"), b("乙")], "beneficiaries[1].share", "states a share for 甲 but none for 乙"),
        ([b("甲", share="60"), b("乙", share="30")], "beneficiaries.share", "the shares of order 1 add up to 90.00, not 100.00"),
        ([b("甲", share="60"), b("乙", share="60")], "beneficiaries.share", "add up to 120.00"),
        ([b("甲", 2, "50"), b("乙", 2, "40"), b("丙", 1)], "beneficiaries.share", "order 2 add up to 90.00"),
        ([b("甲", share="0")], "beneficiaries[0].share", "above 0"),
        ([b("甲", share="100.01")], "beneficiaries[0].share", "at most 100"),
        ([b("甲", share="33.333")], "beneficiaries[0].share", "two decimal places"),
        ([b("甲", share="-10")], "beneficiaries[0].share", "percent"),
        ([b("甲", share="６０")], "beneficiaries[0].share", "percent"),
        ([b("甲", share="60%")], "beneficiaries[0].share", "percent"),
        ([{"name": "甲", "share": True}], "beneficiaries[0].share", "percent"),
        ([b("甲", 0)], "beneficiaries[0].order", "whole number from 1"),
        ([b("甲", -1)], "beneficiaries[0].order", "whole number from 1"),
        ([{"name": "甲", "order": "1"}], "beneficiaries[0].order", "whole number from 1"),
        ([{"name": "甲", "order": 1.0}], "beneficiaries[0].order", "whole number from 1"),
        ([{"name": "甲", "order": True}], "beneficiaries[0].order", "whole number from 1"),
        ([b("甲"), b("甲")], "beneficiaries[1].name", "designated twice in order 1"),
        ([{"kind": "death"}], "beneficiaries[0].name", "must be non-empty text"),
        ([b(" ")], "beneficiaries[0].name", "must be non-empty text"),
        (["甲"], "beneficiaries[0]", "object"),
    ],
)
def test_an_unclear_designation_is_refused_naming_the_field(records, field, words):
    with pytest.raises(BadInput) as refused:
        entitled_shares(records, where="policy file record 1 (P-1)")
    assert refused.value.message.startswith(f"policy file record 1 (P-1): field {field}: ")
    assert words in refused.value.message


def test_a_name_with_a_control_character_is_refused_as_any_text_is():
    with pytest.raises(BadInput, match=r"field beneficiaries\[0\]\.name must not contain a NUL character"):
        designations([b("甲\x00")])


def test_shares_given_as_numbers_are_read_as_percents():
    assert entitled_shares([{"name": "甲", "share": 60}, {"name": "乙", "share": 40.0}]) == {"甲": 60, "乙": 40}


# split_amount: cents, exactly ------------------------------------------------------------------------------------
def test_split_amount_gives_the_left_over_cent_to_the_largest_remainder_then_by_name():
    assert split_amount(Decimal("100.00"), {"乙": THIRD, "甲": THIRD, "丙": THIRD}) == {
        "丙": Decimal("33.34"),  # "丙" (U+4E19) sorts before "乙" (U+4E59) and "甲" (U+7532)
        "乙": Decimal("33.33"),
        "甲": Decimal("33.33"),
    }
    assert split_amount(Decimal("0.01"), {"A": 50, "B": 50}) == {"A": Decimal("0.01"), "B": Decimal("0.00")}
    assert split_amount(Decimal("0.05"), {"A": Fraction(100, 6), "B": Fraction(500, 6)}) == {"A": Decimal("0.01"), "B": Decimal("0.04")}


def test_split_amount_by_stated_shares():
    assert split_amount(Decimal("100000"), entitled_shares([b("甲", share="60"), b("乙", share="40")])) == {
        "甲": Decimal("60000.00"),
        "乙": Decimal("40000.00"),
    }


@pytest.mark.parametrize(
    ("amount", "shares"), [("1.001", {"A": 100}), ("-1", {"A": 100}), ("NaN", {"A": 100}), ("1", {"A": 99}), ("1", {})]
)
def test_split_amount_refuses_what_is_not_money_or_not_a_whole(amount, shares):
    with pytest.raises(ValueError):
        split_amount(Decimal(amount), shares)


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (Fraction(60), "60.00"),
        (Decimal("60"), "60.00"),
        (THIRD, "33.33"),
        (2 * THIRD, "66.67"),
        (Fraction(1, 200), "0.01"),
        (100, "100.00"),
    ],
)
def test_percent_text_has_two_places_rounded_half_up(share, text):
    assert percent_text(share) == text


# Properties -------------------------------------------------------------------------------------------------------
NAMES = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "Anna", "bob"]


@st.composite
def order_shares(draw, size: int) -> list[str | None]:
    """One order's shares: none stated, or `size` positive two-place percents adding up to exactly 100.00."""
    if not draw(st.booleans()):
        return [None] * size
    cuts = sorted(draw(st.sets(st.integers(1, 9999), min_size=size - 1, max_size=size - 1)))
    cents = [high - low for low, high in zip([0, *cuts], [*cuts, 10000], strict=True)]
    return [str(Decimal(c) / 100) for c in cents]


@st.composite
def policies(draw) -> list[dict]:
    """Death designations in 1-3 orders (order 1 sometimes left out, as the default), names unique."""
    names = draw(st.permutations(NAMES))
    records, used = [], 0
    for order in range(1, draw(st.integers(1, 3)) + 1):
        size = draw(st.integers(1, 4))
        for share in draw(order_shares(size)):
            stated_order = order if order > 1 or draw(st.booleans()) else None
            records.append(b(names[used], stated_order, share))
            used += 1
    return records


@st.composite
def policies_with_out(draw):
    records = draw(policies())
    return records, draw(st.sets(st.sampled_from([r["name"] for r in records])))


@given(policies_with_out())
def test_shares_add_up_to_exactly_100_whenever_anyone_is_entitled(case):
    records, out = case
    shares = entitled_shares(records, out)
    assert (sum(shares.values()) == 100) if shares else {r["name"] for r in records} <= out


@given(policies())
def test_with_nobody_out_the_first_order_takes_as_designated(records):
    first = [r for r in records if r.get("order", 1) == 1]
    stated = {r["name"]: Fraction(Decimal(r["share"])) for r in first if "share" in r}
    assert entitled_shares(records) == (stated or {r["name"]: Fraction(100, len(first)) for r in first})


@given(policies_with_out())
def test_an_out_beneficiary_never_gets_a_share_and_the_entitled_are_of_one_order(case):
    records, out = case
    shares = entitled_shares(records, out)
    assert not set(shares) & out
    orders = {r.get("order", 1) for r in records if r["name"] in shares}
    assert len(orders) <= 1
    assert not orders or orders == {min(r.get("order", 1) for r in records if r["name"] not in out)}
    assert all(share > 0 for share in shares.values())


@given(policies_with_out(), st.data())
def test_the_result_never_depends_on_the_order_the_beneficiaries_are_listed_in(case, data):
    records, out = case
    shuffled = data.draw(st.permutations(records))
    assert list(entitled_shares(shuffled, out).items()) == list(entitled_shares(records, out).items())


@given(policies_with_out(), st.integers(0, 10**17 - 1), st.data())
def test_split_amount_parts_add_up_exactly_and_each_is_within_a_cent_of_its_proportion(case, cents, data):
    shares = entitled_shares(*case)
    if not shares:
        return
    amount = Decimal(cents) / 100
    parts = split_amount(amount, shares)
    assert sum(parts.values()) == amount and set(parts) == set(shares)
    for name, part in parts.items():
        assert part == part.quantize(Decimal("0.01")) and part >= 0
        assert abs(Fraction(part) - Fraction(amount) * shares[name] / 100) < Fraction(1, 100)
    reordered = dict(data.draw(st.permutations(list(shares.items()))))
    assert split_amount(amount, reordered) == parts


@given(policies_with_out())
def test_percents_for_display_add_up_to_100_00(case):
    shares = entitled_shares(*case)
    if shares:
        shown = split_amount(Decimal(100), shares)
        assert sum(shown.values()) == Decimal("100.00")
        assert all(abs(shown[name] - Decimal(percent_text(share))) <= Decimal("0.01") for name, share in shares.items())
