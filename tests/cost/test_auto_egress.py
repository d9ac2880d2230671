"""`egress: auto` through the spec: the organisation's rules, the stage defaults, the plan's record."""

from __future__ import annotations

import shutil
from pathlib import Path

from mwaaform.cost.egress import resolve_egress
from mwaaform.spec.cost import AutoEgress
from mwaaform.spec.loader import load_file
from tests.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[2]
AUTO = MINIMAL.replace("availability_zones: [us-east-1a, us-east-1b]", "availability_zones: [us-east-1a, us-east-1b]\n    egress: auto")


def _spec(write_spec, text: str, defaults: bool = True):
    path = write_spec(text)
    if defaults:
        shutil.copy(ROOT / "environments" / "_defaults.yaml", path.parent / "_defaults.yaml")
    stack, diagnostics = load_file(path)
    assert stack is not None, [str(d) for d in diagnostics]
    return stack.spec


def test_secure_default_restricted_data_gets_no_internet_path():
    assert AutoEgress().no_internet_for == ["restricted"]


def test_dev_auto_picks_single_nat_at_low_traffic(write_spec):
    decision = resolve_egress(_spec(write_spec, AUTO))
    assert decision.auto and decision.choice == "single_nat"


def test_prod_stage_default_never_picks_a_single_nat(write_spec):
    decision = resolve_egress(_spec(write_spec, AUTO.replace("stage: dev", "stage: prod\n    alarms: {emails: [a@example.com]}")))
    assert decision.choice == "nat_per_az"
    assert "auto_egress.allowed is nat_per_az, endpoints_only" in decision.reason


def test_restricted_data_picks_endpoints_only(write_spec):
    decision = resolve_egress(_spec(write_spec, AUTO.replace("DataClassification: internal", "DataClassification: restricted")))
    assert decision.choice == "endpoints_only"


def test_heavy_traffic_picks_endpoints(write_spec):
    spec = _spec(write_spec, AUTO.replace("stage: dev", "stage: dev\n    cost: {traffic_gb: 4000}"))
    assert resolve_egress(spec).choice == "endpoints_only"


def test_auto_resolved_to_endpoints_only_gets_the_offline_rules(write_spec):
    """The spec rules for a network without internet apply to what auto picks."""
    path = write_spec(
        AUTO.replace("DataClassification: internal", "DataClassification: restricted").replace(
            "stage: dev", "stage: dev\n    access:\n      statements:\n        - {sid: Glue, actions: [glue:GetTable], resources: ['arn:aws:glue:us-east-1:111122223333:catalog']}"
        )
    )
    _, diagnostics = load_file(path)
    assert any("endpoints_only (no internet)" in str(d) and "glue" in str(d) for d in diagnostics), [str(d) for d in diagnostics]


def test_the_plan_records_what_auto_picked_and_why(write_spec):
    from mwaaform.plan.run import plan_stack

    path = write_spec(AUTO)
    stack, _ = load_file(path)
    plan = plan_stack(stack, policies=False).plan
    assert plan.outputs["cost"]["egress"] == {
        "auto": True,
        "choice": "single_nat",
        "reason": "cheapest allowed at 50 GB/month: $38.75 (vs nat_per_az $75.25, endpoints_only $131.90)",
    }
    assert any("egress: auto picked single_nat" in d.message for d in plan.diagnostics)
    assert len(plan.of_type("aws:ec2/natGateway:NatGateway")) == 1


def test_auto_with_no_allowed_choice_is_a_spec_error(write_spec):
    text = AUTO.replace("DataClassification: internal", "DataClassification: restricted").replace(
        "    egress: auto", "    egress: auto\n  auto_egress: {allowed: [single_nat]}"
    )
    stack, diagnostics = load_file(write_spec(text))
    assert stack is None
    assert any("network.auto_egress.allowed must include endpoints_only" in str(d) and "network.auto_egress.allowed" in str(d) for d in diagnostics)


def test_usage_assumptions_are_checked(write_spec):
    text = MINIMAL.replace("stage: dev", "stage: dev\n    workers: {min: 1, max: 3}\n    cost: {extra_workers: 4, log_gb: .inf, budget: .nan}")
    stack, diagnostics = load_file(write_spec(text))
    messages = "\n".join(str(d) for d in diagnostics)
    assert stack is None
    assert "environments[0].cost.log_gb" in messages and "environments[0].cost.budget" in messages
    text = MINIMAL.replace("stage: dev", "stage: dev\n    workers: {min: 1, max: 3}\n    cost: {extra_workers: 4}")
    stack, diagnostics = load_file(write_spec(text))
    assert stack is None
    assert any("environments[0].cost.extra_workers" in str(d) and "workers.max - workers.min (3 - 1)" in str(d) for d in diagnostics)


def test_egress_written_in_the_spec_is_kept_as_written(write_spec):
    decision = resolve_egress(_spec(write_spec, MINIMAL.replace("[us-east-1a, us-east-1b]", "[us-east-1a, us-east-1b]\n    egress: nat_per_az")))
    assert decision.as_dict() == {"choice": "nat_per_az", "auto": False, "reason": "set in the spec"}


def test_auto_prices_the_extra_interface_endpoints_into_every_choice(write_spec):
    text = AUTO.replace("    egress: auto", "    egress: auto\n    extra_endpoints: [glue, secretsmanager, s3]")
    decision = resolve_egress(_spec(write_spec, text))
    # Two extra interface endpoints (s3 is a free gateway) in two AZs: 2 x 2 x 0.01 x 730 = 29.20 in each choice.
    assert decision.reason == "cheapest allowed at 50 GB/month: $67.95 (vs nat_per_az $104.45, endpoints_only $161.10)"
