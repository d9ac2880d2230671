"""The pack's configuration, in the format of ``pulumi preview --policy-pack-config FILE``.

The file is a JSON object keyed by policy name (or ``all``); a value is an enforcement level, or
an object with an optional ``enforcementLevel`` and the policy's configuration properties::

    {
      "all": "mandatory",
      "log-group-retention": {"minimumRetentionDays": {"prod": 365, "*": 7}},
      "mwaa-stage-sizing": {"enforcementLevel": "mandatory", "maxWorkers": {"dev": 3}},
      "prod-single-nat": "disabled"
    }

``mwaaform plan --policy-config FILE`` reads the same file (:func:`load`), so a config tried
offline behaves the same under the CLI. The properties are checked against each policy's schema
(the subset of JSON Schema the pack's schemas use), and every mistake is reported at once.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .rules import BY_NAME, Rule

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class ConfigError(ValueError):
    """A pack configuration that Pulumi would refuse too; ``problems`` lists every mistake."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PackConfig:
    """Per policy: its enforcement level (when set) and its configuration properties."""

    levels: Mapping[str, str] = field(default_factory=dict)
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def level(self, rule: Rule) -> str:
        return self.levels.get(rule.name) or self.levels.get("all") or rule.enforcement_level

    def config(self, rule: Rule) -> dict[str, Any]:
        """The rule's properties: schema defaults, then the file's values (what ``args.get_config()`` returns)."""
        values = {key: prop.get("default") for key, prop in rule.config.items()}
        values.update(self.properties.get(rule.name, {}))
        return values


def _check(value: Any, schema: Mapping[str, Any], where: str, problems: list[str]) -> None:
    kind = schema.get("type")
    checks = {
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind in checks and not checks[kind](value):
        problems.append(f"{where}: expected {'an' if kind[0] in 'aeiou' else 'a'} {kind}, got {json.dumps(value)}")
        return
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {json.dumps(value)} is not one of {', '.join(schema['enum'])}")
    if "minimum" in schema and isinstance(value, int) and value < schema["minimum"]:
        problems.append(f"{where}: {value} is below the minimum {schema['minimum']}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], f"{where}[{i}]", problems)
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        for key, item in value.items():
            _check(item, schema["additionalProperties"], f"{where}.{key}", problems)


def parse(document: Any, rules: Mapping[str, Rule] = BY_NAME) -> PackConfig:
    """A :class:`PackConfig` from the decoded JSON of a ``--policy-pack-config`` file."""
    if not isinstance(document, dict):
        raise ConfigError(["the policy pack config must be a JSON object keyed by policy name"])
    problems: list[str] = []
    levels: dict[str, str] = {}
    properties: dict[str, dict[str, Any]] = {}
    for name, value in document.items():
        rule = rules.get(name)
        if name != "all" and rule is None:
            close = difflib.get_close_matches(name, list(rules), n=2)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            problems.append(f"{name}: no such policy in the pack{hint}")
            continue
        if isinstance(value, str):
            value = {"enforcementLevel": value}
        if not isinstance(value, dict):
            problems.append(f"{name}: expected an enforcement level or an object, got {json.dumps(value)}")
            continue
        for key, item in value.items():
            if key == "enforcementLevel":
                if item not in LEVELS:
                    problems.append(f"{name}.enforcementLevel: {json.dumps(item)} is not one of {', '.join(LEVELS)}")
                else:
                    levels[name] = item
            elif rule is None or key not in rule.config:
                known = ", ".join(rule.config) if rule is not None and rule.config else "none"
                problems.append(f"{name}.{key}: no such property (the policy's properties: {known})")
            else:
                _check(item, rule.config[key], f"{name}.{key}", problems)
                properties.setdefault(name, {})[key] = item
    if problems:
        raise ConfigError(problems)
    return PackConfig(levels, properties)


def load(path: str) -> PackConfig:
    """Read and check a ``--policy-pack-config`` file."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ConfigError([f"{path} is not JSON: {error}"]) from None
    try:
        return parse(document)
    except ConfigError as error:
        raise ConfigError([f"{path}: {problem}" for problem in error.problems]) from None
