"""Generated references of the spec: the JSON Schema and ``docs/spec.md``.

Both come from the models, so they cannot disagree with validation; a test fails when the
committed copies are stale (regenerate with ``make docs``).
"""

from __future__ import annotations

import json
from typing import Any

from mwaaform.spec.models import StackSpec

SCHEMA_ID = "https://mwaaform.dev/schema/stack.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one spec file."""
    schema = StackSpec.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def markdown() -> str:
    """``docs/spec.md``: every section and field with its type, default and description."""
    schema = json_schema()
    defs = schema.get("$defs", {})
    lines = [
        "# Spec reference",
        "",
        "<!-- Generated from mwaaform/spec/models.py by `make docs`; do not edit. -->",
        "",
        "One file in `environments/` is one Pulumi stack. Unknown keys are errors. Stage defaults from",
        "`environments/_defaults.yaml` apply before these model defaults, field by field.",
        "",
    ]
    order = ["StackSpec", *_walk_order(schema, defs)]
    for name in order:
        model = schema if name == "StackSpec" else defs[name]
        lines += _section(name, model)
    return "\n".join(lines).rstrip() + "\n"


def _walk_order(schema: dict, defs: dict) -> list[str]:
    seen: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.append(name)
                    visit(defs[name].get("properties", {}))
            for key, value in node.items():
                if key != "$defs":
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(schema.get("properties", {}))
    return seen


def _section(name: str, model: dict) -> list[str]:
    lines = [f"## {name}", ""]
    if model.get("description"):
        lines += [" ".join(model["description"].split()), ""]
    required = set(model.get("required", []))
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    for key, prop in model.get("properties", {}).items():
        default = "required" if key in required else _default(prop)
        lines.append(f"| `{key}` | {_type(prop)} | {default} | {_cell(prop.get('description', ''))} |")
    if model.get("additionalProperties") not in (None, False):
        lines.append("| *other keys* | string | | free-form tags |")
    lines.append("")
    return lines


def _default(prop: dict) -> str:
    if "default" not in prop:
        return "see description"
    value = prop["default"]
    if value is None:
        return "none"
    return f"`{json.dumps(value)}`"


def _type(prop: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        kinds = [_type(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(kinds) + (" or null" if any(p.get("type") == "null" for p in prop["anyOf"]) else "")
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type", "any")
    if kind == "array":
        text = f"list of {_type(prop.get('items', {}))}"
        bounds = [f"{k.split('Items')[0]} {prop[k]}" for k in ("minItems", "maxItems") if k in prop]
        return text + (f" ({', '.join(bounds)})" if bounds else "")
    if kind == "object":
        values = prop.get("additionalProperties")
        return f"map of string to {_type(values)}" if isinstance(values, dict) else "map"
    extras = []
    if "minimum" in prop or "maximum" in prop:
        extras.append(f"{prop.get('minimum', '')}..{prop.get('maximum', '')}")
    if "pattern" in prop:
        extras.append(f"pattern `{_cell(prop['pattern'])}`")
    return kind + (f" ({', '.join(extras)})" if extras else "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
