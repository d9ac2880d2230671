"""mwaaform/data/replacement.yaml: which changes replace a resource, for every type we create."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mwaaform.plan.replacing import _rule_fires, all_rules, replacing_changes

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DATA = Path(__file__).resolve().parents[2] / "mwaaform" / "data" / "replacement.yaml"


def created_types() -> set[str]:
    types = set()
    for path in GOLDEN.glob("*.json"):
        for step in json.loads(path.read_text())["steps"]:
            state = step["newState"]
            if state["custom"] and state["type"].startswith("aws:"):
                types.add(state["type"])
    return types


def test_every_aws_type_the_examples_create_has_replacement_data_with_sources():
    rules = all_rules()
    missing = created_types() - set(rules)
    assert not missing, f"add these types to mwaaform/data/replacement.yaml: {sorted(missing)}"
    raw = yaml.safe_load(DATA.read_text())["types"]
    assert [t for t, entry in raw.items() if not entry.get("sources")] == []


def test_the_stateful_types_are_what_holds_data():
    stateful = {t for t, r in all_rules().items() if r.stateful}
    assert stateful == {"aws:mwaa/environment:Environment", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}


@pytest.mark.parametrize(
    ("type_", "old", "new", "expected"),
    [
        ("aws:mwaa/environment:Environment", {"name": "a"}, {"name": "b"}, ["name"]),
        ("aws:mwaa/environment:Environment", {"kmsKey": "k1"}, {"kmsKey": "k2"}, ["kmsKey"]),
        ("aws:mwaa/environment:Environment", {"endpointManagement": "SERVICE"}, {"endpointManagement": "CUSTOMER"}, ["endpointManagement"]),
        (
            "aws:mwaa/environment:Environment",
            {"networkConfiguration": {"subnetIds": ["a", "b"], "securityGroupIds": ["x"]}},
            {"networkConfiguration": {"subnetIds": ["a", "c"], "securityGroupIds": ["x"]}},
            ["networkConfiguration.subnetIds"],
        ),
        # Security groups and the environment class are updated in place.
        ("aws:mwaa/environment:Environment", {"networkConfiguration": {"securityGroupIds": ["x"]}}, {"networkConfiguration": {"securityGroupIds": ["y"]}}, []),
        ("aws:mwaa/environment:Environment", {"environmentClass": "mw1.small"}, {"environmentClass": "mw1.large"}, []),
        ("aws:mwaa/environment:Environment", {"airflowVersion": "2.10.3"}, {"airflowVersion": "3.0.6"}, ["airflowVersion"]),
        ("aws:mwaa/environment:Environment", {"airflowVersion": "2.9.2"}, {"airflowVersion": "2.10.3"}, []),
        ("aws:s3/bucket:Bucket", {"bucket": "a"}, {"bucket": "b"}, ["bucket"]),
        ("aws:cloudwatch/logGroup:LogGroup", {"name": "a", "retentionInDays": 14}, {"name": "a", "retentionInDays": 30}, []),
        ("aws:cloudwatch/logGroup:LogGroup", {"name": "a"}, {"name": "b"}, ["name"]),
        ("aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"}, {"cidrBlock": "10.1.0.0/16"}, ["cidrBlock"]),
        ("aws:ec2/subnet:Subnet", {"availabilityZone": "us-east-1a"}, {"availabilityZone": "us-east-1b"}, ["availabilityZone"]),
        ("aws:kms/key:Key", {"description": "a", "enableKeyRotation": False}, {"description": "b", "enableKeyRotation": True}, []),
    ],
)
def test_what_replaces_a_resource(type_, old, new, expected):
    assert replacing_changes(type_, old, new) == expected


def test_a_major_version_rule_ignores_downgrades_and_unparsable_versions():
    assert not _rule_fires("major_version_increase", "3.0.6", "2.10.3")
    assert not _rule_fires("major_version_increase", None, "3.0.6")
