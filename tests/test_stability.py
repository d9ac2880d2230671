"""Stable under change: realistic spec changes planned before and after, compared by URN and inputs.

Adding an AZ only adds; reordering the AZs changes nothing; adding a grant changes no existing
resource's URN. A URN that disappears is a delete (or a replace) under `pulumi up`.
"""

from __future__ import annotations

import pytest

from mwaaform.plan.engine import Plan
from mwaaform.spec.access import DataGrant
from tests.conftest import plan_example

@pytest.fixture(scope="module")
def stacks(example_stacks):
    return example_stacks


def plan_of(stack, spec) -> Plan:
    return plan_example(stack, spec)


def with_azs(spec, azs):
    managed = spec.network.managed.model_copy(update={"availability_zones": azs})
    return spec.model_copy(update={"network": spec.network.model_copy(update={"managed": managed})})


def inputs(plan: Plan) -> dict[str, dict]:
    return {r.urn: r.inputs for r in plan.resources}


def test_adding_an_az_only_adds(stacks, example_plans):
    stack = stacks["dev-analytics"]
    before = example_plans["dev-analytics"]
    after = plan_of(stack, with_azs(stack.spec, [*stack.spec.network.managed.availability_zones, "us-east-1c"]))
    old, new = inputs(before), inputs(after)
    assert set(old) <= set(new)
    added = {urn.rsplit("::", 1)[1] for urn in set(new) - set(old)}
    assert added == {"network-private-us-east-1c", "network-private-us-east-1c-nat"}
    changed = {urn.rsplit("::", 1)[1] for urn in old if old[urn] != new[urn]}
    # Only the S3 gateway endpoint changes, in place: it adds its route to the new AZ's table.
    assert changed == {"network-s3"}


@pytest.mark.parametrize("stack_name", ["dev-analytics", "prod-data"])
def test_reordering_the_azs_changes_nothing(stacks, example_plans, stack_name):
    stack = stacks[stack_name]
    azs = list(stack.spec.network.managed.availability_zones)
    assert inputs(example_plans[stack_name]) == inputs(plan_of(stack, with_azs(stack.spec, azs[::-1])))


def test_adding_a_grant_keeps_every_urn(stacks, example_plans):
    stack = stacks["prod-data"]
    spec = stack.spec
    ingest = spec.environments[0]
    archive = DataGrant.model_validate({"name": "archive", "read": ["arn:aws:s3:::acme-archive-prod/*"]})
    access = ingest.access.model_copy(update={"data": [archive, *ingest.access.data]})
    changed_env = ingest.model_copy(update={"access": access})
    after_spec = spec.model_copy(update={"environments": [changed_env, *spec.environments[1:]]})
    old, new = inputs(example_plans["prod-data"]), inputs(plan_of(stack, after_spec))
    assert set(old) == set(new)
    changed = {urn.rsplit("::", 1)[1] for urn in old if old[urn] != new[urn]}
    assert changed == {"ingest-prod-role-grants"}


def test_flow_logs_stay_when_the_last_prod_environment_goes(tmp_path, example_plans):
    # The stack states its flow-log settings: demoting (or removing) its prod environments
    # changes neither the flow logs, nor their retention, key or protection.
    import shutil

    from mwaaform.spec.loader import load

    from tests.conftest import ROOT

    shutil.copytree(ROOT / "environments", tmp_path / "environments")
    spec_path = tmp_path / "environments" / "prod-data.yaml"
    spec_path.write_text(spec_path.read_text().replace("stage: prod", "stage: stage"))
    result = load([spec_path])
    assert result.ok, result.diagnostics
    (stack,) = result.stacks
    after = plan_of(stack, stack.spec)

    def flow_logs(plan):
        return {
            r.urn: (r.inputs, r.protect, r.retain_on_delete)
            for r in plan.resources
            if "FlowLogs" in r.urn or r.name == "stack-key"
        }

    before = flow_logs(example_plans["prod-data"])
    assert before and flow_logs(after).keys() == before.keys()
    for urn, (inputs_, protect, retain) in before.items():
        new_inputs, new_protect, new_retain = flow_logs(after)[urn]
        assert (protect, retain) == (new_protect, new_retain), urn
        # Tags follow the stack's stage (an in-place update); nothing else changes.
        assert {k: v for k, v in new_inputs.items() if k != "tags"} == {k: v for k, v in inputs_.items() if k != "tags"}, urn
