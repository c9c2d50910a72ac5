"""Policies as imported reference data (docs/cli.md, Policy file), validated whole."""

from __future__ import annotations

import json
from pathlib import Path

from claims.errors import BadInput
from claims.files import open_named, read_named_text
from claims.i18n import _, listing
from claims.materials import CLAIM_TYPES
from claims.shares import designations
from claims.values import clean_text, money, parse_amount, parse_date, resident_id_problem

LINES = ("life", "health", "accident")
STATUSES = ("in_force", "lapsed", "terminated")
ID_TYPES = ("resident_id", "passport", "household_register", "other_photo_id")
BENEFICIARY_KINDS = ("death", "survival")


def read_policy_file(path: str | Path) -> list[dict]:
    """Parse and validate a policy file; any bad record refuses the whole file."""
    return list(PolicyFile(path))


class PolicyFile:
    """The policies of a file in normal form, validated one by one as they are read (a file of 50,000 policies is
    never in memory at once); a bad record or a policy number seen twice raises, naming the record and field.
    After an iteration, `count` is how many it held and `sha256` the digest of the file's bytes."""

    def __init__(self, path: str | Path, on_read=None):
        self.path, self.on_read = path, on_read
        self.count, self.sha256 = 0, None

    def __iter__(self):
        from claims.json_array import ArrayReader, NotAnArray

        seen = set()
        what = _("policy file")
        with open_named(self.path, what) as handle:
            reader = ArrayReader(handle, f"{what} {str(self.path)!r}", self.on_read)
            try:
                for index, record in enumerate(reader, start=1):
                    policy = validate_policy(record, _("policy file record {index}").format(index=index))
                    if policy["policy"] in seen:
                        raise BadInput(_("policy file record {index}: field policy: {policy!r} appears twice").format(
                            index=index, policy=policy["policy"]))
                    seen.add(policy["policy"])
                    self.count = index
                    yield policy
            except NotAnArray:
                read_json_file(self.path, what)  # says why it is not JSON; if it is, it is not a list
                raise BadInput(_("policy file must hold a JSON list of policies")) from None
            self.sha256 = reader.sha256


def read_json_file(path: str | Path, what: str):
    """A JSON document from a file, or BadInput saying why it cannot be one (exit 2). `what`: the kind of file, translated."""
    text = read_named_text(path, what)
    return parse_json_text(text, f"{what} {str(path)!r}")


def parse_json_text(text: str, what: str):
    """JSON text, refusing what the standard parser accepts but nothing should hold: nesting too deep to walk, a whole
    number too long to convert, NaN and Infinity."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BadInput(_("{what} is not valid JSON ({msg} at line {line} column {column})").format(
            what=what, msg=exc.msg, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise BadInput(_("{what} is nested too deeply to be read").format(what=what)) from None
    except ValueError as exc:  # e.g. a whole number of more than 4,300 digits
        raise BadInput(_("{what} holds a value that cannot be read: {reason}").format(what=what, reason=str(exc).split(";")[0])) from None


def _no_constant(name: str):
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def validate_policy(record, where: str) -> dict:
    """Return the policy in normal form, or raise naming the record and field (`where`: the record, as a person reads it)."""
    if not isinstance(record, dict):
        raise BadInput(_("{where}: must be a JSON object").format(where=where))
    number = _text(record, "policy", where)
    where = _("{where} ({policy})").format(where=where, policy=number)
    issued = _date(record, "issued", where)
    reinstated = record.get("reinstated")
    policy = {
        "policy": number,
        "product": _text(record, "product", where),
        "line": _choice(record, "line", LINES, where),
        "status": _choice(record, "status", STATUSES, where),
        "issued": issued,
        "reinstated": None if reinstated is None else _date(record, "reinstated", where),
        "holder": _person(record.get("holder"), "holder", where),
        "insured": _person(record.get("insured"), "insured", where),
        "beneficiaries": _list(record, "beneficiaries", where, _beneficiary, required=False),
        "coverages": _list(record, "coverages", where, _coverage),
    }
    types = [c["type"] for c in policy["coverages"]]
    if len(set(types)) != len(types):
        raise BadInput(_("{where}: field coverages: a claim type is covered twice").format(where=where))
    for kind in BENEFICIARY_KINDS:  # orders and shares that hold together (SPC III Art. 12 needs them to); indexes as in the file
        designations([{**b, "kind": "death" if b["kind"] == kind else "other"} for b in policy["beneficiaries"]], where)
    return policy


def _person(value, field: str, where: str, *, required_birth: bool = True) -> dict:
    if not isinstance(value, dict):
        raise BadInput(_("{where}: field {field}: must be an object with name and birth_date").format(where=where, field=field))
    person = {"name": _text(value, "name", where, prefix=field)}
    if required_birth or value.get("birth_date") is not None:
        person["birth_date"] = _date(value, "birth_date", where, prefix=field)
    if value.get("id_type") is not None:
        person["id_type"] = _choice(value, "id_type", ID_TYPES, where, prefix=field)
    if value.get("id_number") is not None:
        number = _text(value, "id_number", where, prefix=field)
        if person.get("id_type", "resident_id") == "resident_id":
            problem = resident_id_problem(number)
            if problem:
                raise BadInput(_("{where}: field {field}.id_number: {problem}").format(where=where, field=field, problem=problem))
        person["id_number"] = number
    if value.get("phone") is not None:
        person["phone"] = _text(value, "phone", where, prefix=field)
    return person


def _beneficiary(value, field: str, where: str) -> dict:
    """A beneficiary: a person, the kind of benefit, and — all optional — their share (percent; unstated shares are
    equal, Art. 40), their order (受益顺序, 1 first), the relationship the designation names, and since when."""
    person = _person(value, field, where, required_birth=False)
    person["kind"] = _choice(value, "kind", BENEFICIARY_KINDS, where, prefix=field)
    person["share"] = None if value.get("share") is None else _percent(value, field, where)
    person["order"] = value.get("order") if value.get("order") is not None else None
    if value.get("relation") is not None:
        person["relation"] = _text(value, "relation", where, prefix=field)
    if value.get("since") is not None:
        person["since"] = _date(value, "since", where, prefix=field)
    return person


def _percent(value, field: str, where: str) -> str:
    share = value.get("share")
    if isinstance(share, bool) or not isinstance(share, str | int | float):
        raise BadInput(_("{where}: field {field}.share: must be a percent, got {share!r}").format(where=where, field=field, share=share))
    percent = parse_amount(str(share), _field(where, f"{field}.share"))
    if percent > 100:
        raise BadInput(_("{where}: field {field}.share: a share is a percent of at most 100, got {share!r}").format(
            where=where, field=field, share=share))
    return money(percent)


def _coverage(value, field: str, where: str) -> dict:
    if not isinstance(value, dict):
        raise BadInput(_("{where}: field {field}: must be an object with type and sum_insured").format(where=where, field=field))
    return {
        "type": _choice(value, "type", CLAIM_TYPES, where, prefix=field),
        "sum_insured": money(parse_amount(str(value.get("sum_insured")), _field(where, f"{field}.sum_insured"))),
    }


def _list(record, field, where, item, required=True):
    value = record.get(field, None if required else [])
    if not isinstance(value, list) or (required and not value):
        problem = _("{where}: field {field}: must be a non-empty list") if required else _("{where}: field {field}: must be a list")
        raise BadInput(problem.format(where=where, field=field))
    return [item(entry, f"{field}[{i}]", where) for i, entry in enumerate(value)]


def _text(record, field, where, prefix=None) -> str:
    value = record.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(_("{where}: field {field}: must be non-empty text").format(where=where, field=_name(prefix, field)))
    return clean_text(value, _field(where, _name(prefix, field)))


def _choice(record, field, choices, where, prefix=None) -> str:
    value = record.get(field)
    if value not in choices:
        raise BadInput(_("{where}: field {field}: must be one of {choices}, got {value!r}").format(
            where=where, field=_name(prefix, field), choices=listing(choices), value=value))
    return value


def _date(record, field, where, prefix=None) -> str:
    value = record.get(field)
    return parse_date(value, _field(where, _name(prefix, field))).isoformat()


def _field(where: str, field: str) -> str:
    """A field of a record, as messages name it: `policy file record 3 (P-1): field holder.name`."""
    return _("{where}: field {field}").format(where=where, field=field)


def _name(prefix, field):
    return f"{prefix}.{field}" if prefix else field
