"""The pack says what the code and data say: one README table row per rule, with its default level,
description and configuration properties, and the rule count the project README gives; the
Airflow versions it accepts by default are the ones `mwaaform validate` accepts."""

from __future__ import annotations

import re
from pathlib import Path

from policies.rules import POLICIES

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `(?P<name>[a-z0-9-]+)` \| (?P<level>\w+) \| (?P<what>.*?) \| (?P<config>.*?) \|$", re.M)


def rows() -> dict[str, re.Match]:
    return {m["name"]: m for m in ROW.finditer((ROOT / "policies" / "README.md").read_text(encoding="utf-8"))}


def test_every_rule_has_its_row_and_nothing_else_does():
    assert sorted(rows()) == sorted(rule.name for rule in POLICIES)


def test_each_row_says_the_rules_level_description_and_configuration():
    table = rows()
    for rule in POLICIES:
        row = table[rule.name]
        assert row["level"] == rule.enforcement_level, rule.name
        assert row["what"].startswith(rule.description), rule.name
        assert sorted(re.findall(r"`(\w+)`", row["config"])) == sorted(rule.config), rule.name


def test_the_project_readme_counts_the_rules():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"CrossGuard pack ({len(POLICIES)} rules" in text


def test_the_packs_airflow_versions_are_the_ones_validate_accepts():
    # The pack runs without mwaaform (standard library only), so it keeps its own copy of the
    # list in mwaaform/data/airflow_versions.yaml: the two must not drift apart.
    from mwaaform.spec.facts import accepted_airflow_versions
    from policies.mwaa import SUPPORTED_AIRFLOW_VERSIONS

    assert sorted(SUPPORTED_AIRFLOW_VERSIONS) == sorted(accepted_airflow_versions())


def test_the_packs_environment_classes_are_the_specs():
    from mwaaform.spec.values import ENVIRONMENT_CLASSES
    from policies.mwaa import ENVIRONMENT_CLASSES as PACK_CLASSES

    assert tuple(PACK_CLASSES) == ENVIRONMENT_CLASSES
