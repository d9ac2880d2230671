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
