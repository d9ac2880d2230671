"""Ordering under `pulumi up`: every MWAA environment waits for everything its traffic needs.

Pulumi creates resources in parallel unless a dependency orders them. These tests walk the
recorded plan's dependency graph (explicit depends_on and input dependencies, as the engine
records them) for every example and every egress mode, and fail if any resource the environment
needs is not among its transitive dependencies.
"""

from __future__ import annotations

import dataclasses

import pytest

from mwaaform.plan.engine import Plan, RecordedResource
from tests.conftest import plan_example

MWAA = "aws:mwaa/environment:Environment"
T = {
    "subnet": "aws:ec2/subnet:Subnet",
    "association": "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "route": "aws:ec2/route:Route",
    "endpoint": "aws:ec2/vpcEndpoint:VpcEndpoint",
    "nat": "aws:ec2/natGateway:NatGateway",
    "ingress": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "egress": "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
}


def transitive_dependencies(plan: Plan, urn: str) -> set[str]:
    seen: set[str] = set()
    todo = list(plan.by_urn(urn).dependencies)
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(plan.by_urn(current).dependencies)
    return seen


def network_needs(plan: Plan, environment: RecordedResource) -> dict[str, str]:
    """The network resources (urn -> why) an environment's traffic touches, read from the plan
    alone: its subnets and security groups, the associations and routes of their route tables,
    the NAT gateways those routes use and the public route table behind them, the VPC endpoints
    in its subnets or route tables with their groups, and every rule of its groups or admitting them."""
    network = environment.inputs["networkConfiguration"]
    by_id = {r.id: r for r in plan.resources if r.custom and r.id}
    needed: dict[str, str] = {}
    ids: set[str] = set()

    def need(resource: RecordedResource | None, why: str) -> bool:
        if resource is None or resource.urn in needed:
            return False
        needed[resource.urn] = why
        ids.add(resource.id)
        return True

    env_groups = set(network["securityGroupIds"])
    for value in [*network["subnetIds"], *env_groups]:
        need(by_id.get(value), "the environment's subnet or security group")
    changed = True
    while changed:
        changed = False
        for r in plan.resources:
            i = r.inputs
            if r.type == T["association"] and i.get("subnetId") in ids:
                changed |= need(r, "associates a route table with a subnet in use")
                changed |= need(by_id.get(i["routeTableId"]), "route table of a subnet in use")
            elif r.type == T["route"] and i.get("routeTableId") in ids:
                changed |= need(r, "route of a route table in use")
                for target in ("natGatewayId", "gatewayId"):
                    changed |= need(by_id.get(i.get(target)), "target of a route in use")
            elif r.type == T["nat"] and r.id in ids:
                changed |= need(by_id.get(i["subnetId"]), "subnet of a NAT gateway in use")
                changed |= need(by_id.get(i["allocationId"]), "address of a NAT gateway in use")
            elif r.type == T["endpoint"] and ids & {*i.get("subnetIds", []), *i.get("routeTableIds", [])}:
                changed |= need(r, "VPC endpoint in a subnet or route table in use")
                for group in i.get("securityGroupIds", []):
                    changed |= need(by_id.get(group), "security group of an endpoint in use")
            elif r.type in (T["ingress"], T["egress"]) and (
                i.get("securityGroupId") in env_groups
                or (i.get("securityGroupId") in ids and i.get("referencedSecurityGroupId") in env_groups)
            ):
                changed |= need(r, "rule of the environment's group or admitting it")
    return needed


def own_resources(plan: Plan, env: str) -> dict[str, str]:
    """The environment's bucket with its configuration, role with its policies, and log groups."""
    prefixes = (f"{env}-bucket", f"{env}-role", f"{env}-logs")
    components = [r.urn for r in plan.resources if not r.custom and r.name in prefixes]
    return {r.urn: f"part of {r.parent.split('::')[-1]}" for r in plan.resources if r.custom and r.parent in components}


def missing_dependencies(plan: Plan) -> dict[str, dict[str, str]]:
    """Per environment, what it needs and does not wait for (empty when the ordering is right)."""
    missing = {}
    for environment in plan.of_type(MWAA):
        needs = {**network_needs(plan, environment), **own_resources(plan, environment.name)}
        waits_for = transitive_dependencies(plan, environment.urn)
        missing[environment.name] = {urn: why for urn, why in needs.items() if urn not in waits_for}
    return missing


def _with_egress(spec, egress: str):
    managed = spec.network.managed.model_copy(update={"egress": egress})
    return spec.model_copy(update={"network": spec.network.model_copy(update={"managed": managed})})


CASES = [
    ("dev-analytics", None),  # single_nat
    ("dev-analytics", "nat_per_az"),
    ("dev-analytics", "endpoints_only"),
    ("prod-data", None),  # endpoints_only, two environments, extra endpoints
    ("prod-data", "nat_per_az"),
    ("partner-eu", None),  # existing network
]


@pytest.fixture(scope="module")
def plans(example_stacks, example_plans):
    return {
        (name, egress): example_plans[name] if egress is None else plan_example(example_stacks[name], _with_egress(example_stacks[name].spec, egress))
        for name, egress in CASES
    }


@pytest.mark.parametrize(("stack", "egress"), CASES)
def test_every_environment_waits_for_everything_its_traffic_needs(plans, stack, egress):
    plan = plans[stack, egress]
    missing = missing_dependencies(plan)
    assert missing and all(not urns for urns in missing.values()), missing


@pytest.mark.parametrize(("stack", "egress"), [("dev-analytics", None), ("prod-data", None)])
def test_the_needs_cover_the_traffic_path(plans, stack, egress):
    plan = plans[stack, egress]
    needs = [network_needs(plan, env) for env in plan.of_type(MWAA)]
    kinds = {urn.split("::")[-2].split("$")[-1] for need in needs for urn in need}
    assert {T["subnet"], T["association"], T["ingress"], T["egress"], T["endpoint"]} <= kinds
    if stack == "dev-analytics":
        assert {T["route"], T["nat"], "aws:ec2/internetGateway:InternetGateway"} <= kinds


def test_a_dropped_dependency_is_reported(plans):
    # The check itself can fail: drop the NAT route of the environment's first subnet.
    plan = plans["dev-analytics", None]
    route = next(r for r in plan.resources if r.type == T["route"] and r.name.endswith("-private-us-east-1a-nat"))
    environment = plan.one(MWAA)
    resources = [
        dataclasses.replace(r, dependencies=[d for d in r.dependencies if d != route.urn]) if r.urn == environment.urn else r
        for r in plan.resources
    ]
    broken = dataclasses.replace(plan, resources=resources)
    assert route.urn in missing_dependencies(broken)[environment.name]
