"""The pack configuration: the `--policy-pack-config` format, checked against each rule's schema,
and `mwaaform plan --policy-config` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policies.config import ConfigError, load, parse
from policies.rules import BY_NAME, POLICIES

ROOT = Path(__file__).resolve().parents[2]


def problems(document) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse(document)
    return caught.value.problems


def test_levels_and_properties():
    config = parse({"all": "advisory", "mwaa-stage-sizing": {"enforcementLevel": "mandatory", "maxWorkers": {"dev": 3}}})
    sizing, flow_logs = BY_NAME["mwaa-stage-sizing"], BY_NAME["vpc-flow-logs"]
    assert config.level(sizing) == "mandatory" and config.level(flow_logs) == "advisory"
    assert config.config(sizing)["maxWorkers"] == {"dev": 3}
    assert config.config(sizing)["allowedClasses"]["dev"] == ["mw1.micro", "mw1.small", "mw1.medium"]  # the schema default
    assert parse({}).level(flow_logs) == "mandatory"


def test_every_mistake_is_named_at_once():
    found = problems({
        "all": "strict",
        "log-group-retention": {"minimumRetentionDays": {"prod": "a year"}, "retention": 30},
        "mwaa-stage-sizing": {"allowedClasses": {"dev": ["mw1.tiny"]}, "maxWorkers": {"dev": 0}},
        "s3-versioning": "mandatory",
        "kms-key-rotation": 3,
    })
    assert found == [
        'all.enforcementLevel: "strict" is not one of advisory, mandatory, remediate, disabled',
        'log-group-retention.minimumRetentionDays.prod: expected an integer, got "a year"',
        "log-group-retention.retention: no such property (the policy's properties: minimumRetentionDays)",
        'mwaa-stage-sizing.allowedClasses.dev[0]: "mw1.tiny" is not one of mw1.micro, mw1.small, mw1.medium, mw1.large, mw1.xlarge, mw1.2xlarge',
        "mwaa-stage-sizing.maxWorkers.dev: 0 is below the minimum 1",
        "s3-versioning: no such policy in the pack (did you mean s3-bucket-versioning?)",
        "kms-key-rotation: expected an enforcement level or an object, got 3",
    ]
    assert problems([]) == ["the policy pack config must be a JSON object keyed by policy name"]


def test_the_example_config_is_valid_and_every_default_fits_its_schema(tmp_path):
    load(str(ROOT / "policies" / "config.example.json"))
    defaults = {rule.name: {key: prop["default"] for key, prop in rule.config.items()} for rule in POLICIES if rule.config}
    parse(defaults)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="bad.json is not JSON"):
        load(str(bad))


def test_plan_with_a_mistaken_policy_config_is_a_usage_error(write_spec, tmp_path, capsys):
    from mwaaform.cli import main

    spec = write_spec()
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"vpc-default-security-group-locked": "madatory"}))
    assert main(["plan", str(spec), "--policy-config", str(config)]) == 2
    assert main(["plan", str(spec), "--policy-config", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert 'mwaaform: {}: vpc-default-security-group-locked.enforcementLevel: "madatory" is not one of'.format(config) in err
    assert f"mwaaform: cannot read the policy config {tmp_path / 'missing.json'}: No such file or directory" in err


def test_plan_with_a_policy_config(write_spec, tmp_path):
    """A stricter organisation (a sizing limit, raised to mandatory) fails the plan, as `pulumi up` would."""
    spec = write_spec()
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"mwaa-stage-sizing": {"enforcementLevel": "mandatory", "maxWorkers": {"dev": 1}}}))
    done = subprocess.run(
        [sys.executable, "-m", "mwaaform", "plan", str(spec), "--policy-config", str(config), "--json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "1 mandatory policy violation(s)" in done.stderr
    found = json.loads(done.stdout)["policyViolations"]
    assert [(v["policyName"], v["enforcementLevel"]) for v in found] == [("mwaa-stage-sizing", "mandatory")]
