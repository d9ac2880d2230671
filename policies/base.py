"""What every rule module shares: the rule record, safe reads of (possibly unknown) values, stages
and tags, the rule's configuration, and links between resources.

Standard library only: the pack runs in its own virtualenv with only pulumi-policy installed.

**Unknown values.** During ``pulumi preview`` a value that comes from a resource still to be
created (an id, an ARN, a document built from one) is unknown, and pulumi-policy's props proxy
raises ``UnknownValueError`` when a rule reads it; the runtime then skips the whole rule ("can't
run policy during preview"). Rules here never let it escape: they read through :func:`get`, which
answers :data:`UNKNOWN`, and decide what an unknown means (usually: the value is checked by
``pulumi up``, which runs the pack again on the resolved inputs before creating the resource).
Resources are linked through property dependencies (which resources a value came from), never by
comparing ids, so links hold before anything exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()
"""A value only known once the resource it comes from exists (falsy)."""

Report = Callable[..., None]
Level = Literal["advisory", "mandatory", "disabled"]


@dataclass(frozen=True)
class Rule:
    """One policy: ``validate(args, report_violation)`` and what CrossGuard needs to know about it.

    ``config`` holds the JSON schema of each configuration property (with its ``default``), as
    ``PolicyConfigSchema.properties`` takes it; users override them with
    ``pulumi preview --policy-pack-config`` (and ``mwaaform plan --policy-config``).
    """

    name: str
    description: str
    kind: Literal["resource", "stack"]
    validate: Callable[[Any, Report], None]
    enforcement_level: Level = "mandatory"
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _is_unknown_error(error: Exception) -> bool:
    # pulumi_policy.proxy.UnknownValueError, not imported: rule modules import nothing but the stdlib.
    return type(error).__name__ == "UnknownValueError"


def get(value: Any, *path: str | int, default: Any = None) -> Any:
    """``value[path[0]][path[1]]...``: ``default`` when absent, :data:`UNKNOWN` when unknown."""
    for key in path:
        if value is UNKNOWN:
            return UNKNOWN
        try:
            if isinstance(key, int):
                if isinstance(value, (str, Mapping)) or not hasattr(value, "__len__"):
                    return default
                value = value[key] if -len(value) <= key < len(value) else None
            else:
                value = value.get(key) if hasattr(value, "get") else None
        except Exception as error:
            if _is_unknown_error(error):
                return UNKNOWN
            raise
        if value is None:
            return default
    return value


def items(value: Any) -> list[Any]:
    """The elements of a list value (unknown elements as :data:`UNKNOWN`); a single value as a list."""
    if value is None:
        return []
    if value is UNKNOWN or isinstance(value, (str, Mapping)) or hasattr(value, "get"):
        return [value]
    return [get(value, i) for i in range(len(value))]


def number(value: Any) -> Any:
    """A number as an ``int`` when it is whole: the engine sends every number as a float (65.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def has(props: Any, key: str) -> bool:
    """Whether ``key`` is set at all (known or not): reading presence never needs the value."""
    # `key in props` would read the value (Mapping.__contains__), and an unknown one raises.
    keys = list(props) if hasattr(props, "keys") else []
    return key in keys and get(props, key) is not None


def document(value: Any) -> Any:
    """A policy document given as JSON text or as an object; :data:`UNKNOWN` stays unknown."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {}
    return value if value is not None else {}


def statements(doc: Any) -> list[Mapping[str, Any]]:
    """The statements of a document (known ones only)."""
    found = get(doc, "Statement", default=[])
    return [s for s in items(found) if isinstance(s, Mapping) or hasattr(s, "get")]


def as_list(value: Any) -> list[Any]:
    """A policy field that may be one value or a list of them."""
    return items(value)


def tags_of(props: Any) -> dict[str, Any]:
    tags = get(props, "tags", default={})
    if tags is UNKNOWN:
        return {}
    return {key: get(tags, key) for key in list(tags)}


def stage_of(props: Any) -> str | None:
    """The stage (``Environment`` tag mwaaform puts on every resource it creates)."""
    stage = get(props, "tags", "Environment")
    return stage if isinstance(stage, str) else None


PROD_STAGES = {
    "prodStages": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["prod"],
        "description": "Stages (the Environment tag) held to production rules.",
    }
}


def settings(args: Any, schema: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The rule's configuration: each property's schema default, overridden by the pack config."""
    values = {key: prop.get("default") for key, prop in schema.items()}
    get_config = getattr(args, "get_config", None)
    configured = get_config() if callable(get_config) else getattr(args, "config", None)
    values.update({key: _whole(value) for key, value in dict(configured or {}).items() if key in schema})
    return values


def _whole(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_whole(v) for v in value]
    return number(value)


def is_prod(props: Any, args: Any, schema: Mapping[str, Mapping[str, Any]] = PROD_STAGES) -> bool:
    return stage_of(props) in settings(args, schema)["prodStages"]


def per_stage(table: Mapping[str, Any], stage: str | None) -> Any:
    """``table[stage]``, else ``table["*"]`` (the value for every other stage), else ``None``."""
    if stage is not None and stage in table:
        return table[stage]
    return table.get("*")


def linked(resource: Any, key: str) -> set[str]:
    """URNs of the resources ``resource``'s input ``key`` came from (its property dependencies)."""
    deps = getattr(resource, "property_dependencies", None) or {}
    return {getattr(dep, "urn", dep) for dep in deps.get(key, []) or []}


def of_type(resources: Iterable[Any], *types: str) -> list[Any]:
    return [r for r in resources if r.resource_type in types]


def name_of(resource: Any, key: str = "name") -> str:
    value = get(resource.props, key)
    return value if isinstance(value, str) else resource.name
