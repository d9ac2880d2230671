"""The Pulumi program as `pulumi up` runs it: which spec it picks, and how it refuses."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pulumi
import pytest

from mwaaform.plan.engine import run_program
from mwaaform.program import load_stack, spec_path
from tests.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[1]


def test_stack_name_picks_its_spec_and_config_overrides_it(tmp_path):
    (tmp_path / "dev.yaml").write_text(MINIMAL)
    (tmp_path / "other.yaml").write_text(MINIMAL)
    assert spec_path("dev", None, tmp_path) == tmp_path / "dev.yaml"
    assert spec_path("dev", str(tmp_path / "other.yaml"), tmp_path) == tmp_path / "other.yaml"


def test_unknown_stack_lists_the_available_specs(tmp_path):
    (tmp_path / "dev.yaml").write_text(MINIMAL)
    (tmp_path / "prod.yaml").write_text(MINIMAL)
    with pytest.raises(pulumi.RunError) as error:
        spec_path("staging", None, tmp_path)
    message = str(error.value)
    assert "no spec for stack 'staging'" in message and "dev, prod" in message and "mwaaform:spec" in message


def test_invalid_spec_stops_with_every_diagnostic(write_spec):
    path = write_spec(MINIMAL.replace("stage: dev", "stage: qa").replace("region: us-east-1", "region: mars-1"))
    with pytest.raises(pulumi.RunError) as error:
        load_stack(path)
    message = str(error.value)
    assert "environments[0].stage" in message and "account.region" in message


def test_root_program_runs_the_configured_spec_offline(monkeypatch):
    monkeypatch.chdir(ROOT)
    plan = run_program(
        lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__"),
        stack="any-name",
        account_id="555566667777",
        region="eu-central-1",
        config={"spec": "environments/partner-eu.yaml"},
    )
    (env,) = plan.of_type("aws:mwaa/environment:Environment")
    assert env.inputs["name"] == "partner-stage"
    assert set(plan.outputs) == {"partner-stage", "network", "cost"}
    # Per-stack names and tags follow the Pulumi stack, not the spec file's name.
    (provider,) = plan.of_type("pulumi:providers:aws")
    assert json.loads(provider.inputs["defaultTags"])["tags"]["Stack"] == "any-name"
