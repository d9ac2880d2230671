"""Reading values the way the CLI hands them to rules: behind pulumi-policy's unknown-checking proxy."""

from __future__ import annotations

from types import SimpleNamespace

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies.base import UNKNOWN, get, has, items, number, per_stage, settings, stage_of


def props(**values):
    return unknown_checking_proxy(values)


def test_unknown_values_read_as_unknown_instead_of_raising():
    p = props(kmsKey=UNKNOWN_STRING_VALUE, tags={"Environment": "prod", "Owner": UNKNOWN_STRING_VALUE}, ids=["a", UNKNOWN_STRING_VALUE])
    assert get(p, "kmsKey") is UNKNOWN and get(p, "kmsKey", "x") is UNKNOWN
    assert get(p, "tags", "Owner") is UNKNOWN and stage_of(p) == "prod"
    assert items(get(p, "ids")) == ["a", UNKNOWN]
    assert has(p, "kmsKey") and not has(p, "missing")  # presence never reads the value
    assert get(p, "missing", default=[]) == [] and get(p, "ids", 5) is None and get(p, "tags", 0) is None
    assert not UNKNOWN


def test_configuration_defaults_and_engine_numbers():
    schema = {"floor": {"type": "object", "default": {"prod": 90, "*": 1}}, "stages": {"type": "array", "default": ["prod"]}}
    args = SimpleNamespace(get_config=lambda: {"floor": {"prod": 365.0}, "unrelated": 1})
    assert settings(args, schema) == {"floor": {"prod": 365}, "stages": ["prod"]}
    assert settings(SimpleNamespace(), schema)["floor"] == {"prod": 90, "*": 1}
    assert per_stage({"prod": 3, "*": 1}, "dev") == 1 and per_stage({"prod": 3}, None) is None
    assert number(65.0) == 65 and isinstance(number(65.0), int) and number(0.5) == 0.5
