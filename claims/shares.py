"""Who shares a death benefit, and how much each one gets (Insurance Law Arts. 39–42; SPC Interpretation III Arts. 9,
12, 15).

A policy record names its death beneficiaries (``kind`` "death"), each with:

- ``order`` (受益顺序): a whole number from 1, the first order; absent or null means 1 (the policy file's default).
  Orders only rank: 1 and 3 with no 2 is two orders. So "order stated" needs no special reading when some state an
  order and others do not: those that do not are in the first order with everyone who states 1.
- ``share`` (受益份额): a percent with at most two decimals ("60.00", "60"); absent or null means the contract states
  no share. The import must keep it null (not fill in "100"), because a stated and an unstated share divide differently.
  Within one order either every beneficiary states a share and the shares add up to exactly 100, or none states one
  (Art. 40: then they are equal). Anything else is refused, naming the policy field: the contract is then unclear,
  and normalising it would move money between people on a guess.

Whether a beneficiary is *out* — died before the insured, died in the same event with the order of deaths unknown
(Art. 42 ¶2, SPC III Art. 15), waived, lost the right (Art. 43 ¶2), or was designated by a relationship that had
ended by the event (SPC III Art. 9(3)) — is decided from the materials elsewhere; the reason does not change the
arithmetic, which follows SPC III Art. 12 unless the contract says otherwise:

the benefit goes to the first order that still has someone entitled; inside it each entitled beneficiary gets their
weight (stated share, or 1 when the order states none) over the sum of the entitled ones' weights. That one rule is
Art. 12's four cases: (1) no order, no shares: the others equally; (2) shares, no order: the others pro rata;
(3) order, no shares: the same order equally, else the next order equally; (4) order and shares: the same order pro
rata, else the next order pro rata. With nobody entitled the benefit is the insured's estate (Art. 42 ¶1): ``{}``.

Shares are exact: ``Fraction`` percentages that add up to exactly 100. A Decimal cannot hold a third, and a share
rounded before the money is split would give one of three equal beneficiaries a larger part of a large sum.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

from claims.errors import BadInput
from claims.i18n import _
from claims.values import CENT, clean_text

HUNDRED = Fraction(100)
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")  # ASCII digits only, as for amounts


@dataclass(frozen=True)
class Designation:
    """One death beneficiary as the contract designates them."""

    name: str
    order: int  # 受益顺序: 1 is the first order
    share: Decimal | None  # percent within the order; None when the contract states none (Art. 40: equal)


def designations(beneficiaries: Iterable[dict], where: str | None = None) -> list[Designation]:
    """The death designations of a policy's beneficiaries, checked (records of another kind are skipped).

    Raises BadInput naming the field (``beneficiaries[i].share`` …) as the policy import reports a bad record.
    """
    where = where or _("the policy")
    found: list[tuple[int, Designation]] = []
    for index, record in enumerate(beneficiaries):
        field = _("{where}: field {field}").format(where=where, field=f"beneficiaries[{index}]")
        if not isinstance(record, dict):
            raise BadInput(_("{field}: must be an object").format(field=field))
        if record.get("kind", "death") == "death":
            found.append((index, _designation(record, field)))
    for order in sorted({d.order for _index, d in found}):
        _check_order(order, [(i, d) for i, d in found if d.order == order], where)
    return [d for _, d in found]


def entitled_shares(beneficiaries: Iterable[dict], out: Collection[str] = frozenset(), where: str | None = None) -> dict[str, Fraction]:
    """Who takes the death benefit and their exact percentage (SPC III Art. 12), by name; ``{}`` when it is the estate.

    `out` holds the names of beneficiaries with no right; names the policy does not designate are ignored.
    """
    remaining = [d for d in designations(beneficiaries, where) if d.name not in out]
    if not remaining:
        return {}  # Art. 42 ¶1: the insured's estate; the heirs claim it
    first = min(d.order for d in remaining)
    weights = {d.name: _weight(d) for d in sorted(remaining, key=lambda d: d.name) if d.order == first}
    total = sum(weights.values())
    return {name: HUNDRED * weight / total for name, weight in weights.items()}


def split_amount(amount: Decimal, shares: Mapping[str, Fraction | Decimal]) -> dict[str, Decimal]:
    """Split a money amount into cents by exact percentages (adding up to 100); the parts add up to exactly `amount`.

    Largest remainder: each gets the whole cents of their exact part, and the cents left over go one each to the
    largest fractional remainders; a tie goes to the name that sorts first. (Everyone entitled is of one order, so
    the order never breaks a tie.) No part differs from its exact proportion by a cent or more. Splitting 100 by the
    shares gives percents with two places that add up to 100.00, for display.
    """
    cents, total = _cents(amount), sum(map(Fraction, shares.values()))
    if total != HUNDRED:
        raise ValueError(f"shares must add up to exactly 100, got {total}")
    exact = {name: cents * Fraction(share) / HUNDRED for name, share in shares.items()}
    parts = {name: floor(value) for name, value in exact.items()}
    left = cents - sum(parts.values())
    for name in sorted(exact, key=lambda name: (parts[name] - exact[name], name))[:left]:
        parts[name] += 1
    return {name: (Decimal(parts[name]) / 100).quantize(CENT) for name in sorted(parts)}


def percent_text(share: Fraction | Decimal) -> str:
    """A share as the policy file writes it: a percent with two places, rounded half up ("60.00", "33.33")."""
    hundredths = floor(Fraction(share) * 100 + Fraction(1, 2))
    return str((Decimal(hundredths) / 100).quantize(CENT))


def _designation(record: dict, field: str) -> Designation:
    return Designation(_name(record, field), _order(record, field), _share(record, field))


def _name(record: dict, field: str) -> str:
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadInput(_("{field}.name: must be non-empty text").format(field=field))
    return clean_text(name, f"{field}.name")


def _order(record: dict, field: str) -> int:
    order = record.get("order")
    if order is None:
        return 1
    if type(order) is not int or order < 1:
        raise BadInput(_("{field}.order: must be a whole number from 1 (受益顺序, 1 first), got {order!r}").format(
            field=field, order=order))
    return order


def _share(record: dict, field: str) -> Decimal | None:
    share = record.get("share")
    if share is None:
        return None
    text = str(share).strip() if isinstance(share, str | int | float) and not isinstance(share, bool) else ""
    if not _PERCENT.fullmatch(text) or not 0 < Decimal(text) <= 100:
        raise BadInput(_("{field}.share: must be a percent above 0 and at most 100 with at most two decimal places, got {share!r}").format(
            field=field, share=share))
    return Decimal(text).quantize(CENT)


def _check_order(order: int, group: list[tuple[int, Designation]], where: str) -> None:
    """One order's designations: names once each; every share stated and adding up to 100, or none (Art. 40)."""
    seen: set[str] = set()
    for index, d in group:
        if d.name in seen:
            raise BadInput(_("{where}: field beneficiaries[{index}].name: {name} is designated twice in order {order}").format(
                where=where, index=index, name=d.name, order=order))
        seen.add(d.name)
    stated = [d for _, d in group if d.share is not None]
    if not stated:
        return
    for index, d in group:
        if d.share is None:
            raise BadInput(
                _("{where}: field beneficiaries[{index}].share: order {order} states a share for {stated} but none for "
                  "{name}; state a share for every beneficiary of an order or for none (then they are equal, "
                  "Insurance Law Art. 40)").format(
                    where=where, index=index, order=order, stated=stated[0].name, name=d.name)
            )
    total = sum(d.share for d in stated)
    if total != 100:
        raise BadInput(_("{where}: field beneficiaries.share: the shares of order {order} add up to {total}, not 100.00").format(
            where=where, order=order, total=total))


def _weight(d: Designation) -> Fraction:
    return Fraction(1) if d.share is None else Fraction(d.share)


def _cents(amount: Decimal) -> int:
    cents = Decimal(amount) * 100
    if not cents.is_finite() or cents < 0 or cents != cents.to_integral_value():
        raise ValueError(f"an amount to split is zero or more with at most two decimal places, got {amount}")
    return int(cents)
