"""Which input changes replace a resource: the data in ``mwaaform/data/replacement.yaml``.

Used twice: the offline plan seeds each made-up id with the resource's replacing properties (a
replaced resource gets a new id, and whatever uses that id changes with it), and the change review
calls a change to one of them a replacement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

MISSING = object()


@dataclass(frozen=True)
class TypeRules:
    """What replaces one resource type, and whether replacing it loses data."""

    type: str
    force_new: tuple[str, ...] = ()
    # property path -> rule name, for replacements the provider decides in code (see the data file).
    rules: dict[str, str] = field(default_factory=dict)
    stateful: bool = False
    what: str = ""
    kind: str = ""  # a short name for it ("MWAA environment")

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", self.type.rsplit(":", 1)[-1])


@cache
def all_rules() -> dict[str, TypeRules]:
    text = resources.files("mwaaform").joinpath("data").joinpath("replacement.yaml").read_text()
    data = yaml.safe_load(text)["types"]
    return {
        type_: TypeRules(
            type_,
            tuple(entry.get("force_new") or ()),
            dict(entry.get("rules") or {}),
            bool(entry.get("stateful", False)),
            entry.get("what", ""),
            entry.get("kind", ""),
        )
        for type_, entry in data.items()
    }


def rules_for(type_: str) -> TypeRules:
    return all_rules().get(type_) or TypeRules(type_)


def value_at(inputs: Any, path: str) -> Any:
    """The value at a dotted path of the inputs, or MISSING."""
    value = inputs
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def _major(version: Any) -> int | None:
    try:
        return int(str(version).split(".")[0])
    except ValueError:
        return None


def _rule_fires(rule: str, old: Any, new: Any) -> bool:
    if rule == "major_version_increase":
        before, after = _major(old), _major(new)
        return before is not None and after is not None and after > before
    raise ValueError(f"unknown replacement rule {rule!r} in replacement.yaml")


def identity(type_: str, inputs: dict[str, Any]) -> list[str]:
    """The parts of the inputs that only a new resource can change: they seed its made-up id."""
    rules = rules_for(type_)
    parts = [json.dumps(value_at(inputs, p), sort_keys=True, default=str) for p in rules.force_new if value_at(inputs, p) is not MISSING]
    for path, rule in sorted(rules.rules.items()):
        if rule == "major_version_increase" and value_at(inputs, path) is not MISSING:
            parts.append(f"{path}={_major(value_at(inputs, path))}")
    return parts


def replacing_changes(type_: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The property paths whose change replaces a resource of ``type_`` (empty: an update will do)."""
    rules = rules_for(type_)
    found = [p for p in rules.force_new if value_at(old, p) != value_at(new, p)]
    found += [p for p, rule in sorted(rules.rules.items()) if _rule_fires(rule, value_at(old, p), value_at(new, p))]
    return found
