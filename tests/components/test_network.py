"""Network per egress choice: NAT layout, no internet path without NAT, endpoints, security groups."""

from __future__ import annotations

import pytest

from components.network import ExistingNetworkArgs, ManagedNetworkArgs, Network, NetworkArgs
from mwaaform.network.endpoints import INTERFACE_SERVICES
from mwaaform.plan.engine import run_program

AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
VPC, SUBNET, NAT, IGW, EIP = (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/eip:Eip",
)
ROUTE, ENDPOINT, SG = "aws:ec2/route:Route", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def managed(egress: str, envs=("etl", "bi")):
    return run_program(
        lambda: Network(
            "network",
            NetworkArgs("us-east-1", list(envs), {"Environment": "prod"}, managed=ManagedNetworkArgs("10.0.0.0/16", AZS, egress)),
        )
    )


def ids(plan, type_):
    return {r.id: r for r in plan.of_type(type_)}


def private_routes(plan):
    return {r.name.split("private-")[1].removesuffix("-nat"): r.inputs for r in plan.of_type(ROUTE) if "-private-" in r.name}


def test_vpc_has_dns_and_a_private_subnet_per_az():
    plan = managed("single_nat")
    vpc = plan.one(VPC)
    assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True
    private = [s for s in plan.of_type(SUBNET) if "-private-" in s.name]
    assert [s.inputs["availabilityZone"] for s in private] == AZS
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in plan.of_type(SUBNET))


def test_single_nat_routes_every_private_subnet_through_one_gateway():
    plan = managed("single_nat")
    (nat,) = plan.of_type(NAT)
    assert len(plan.of_type(IGW)) == 1 and len(plan.of_type(EIP)) == 1
    routes = private_routes(plan)
    assert set(routes) == set(AZS)
    assert {r["natGatewayId"] for r in routes.values()} == {nat.id}
    assert all(r["destinationCidrBlock"] == "0.0.0.0/0" for r in routes.values())


def test_nat_per_az_puts_a_gateway_in_each_environment_az_only():
    plan = managed("nat_per_az")
    nats = plan.of_type(NAT)
    subnets = ids(plan, SUBNET)
    nat_az = {nat.id: subnets[nat.inputs["subnetId"]].inputs["availabilityZone"] for nat in nats}
    # Two gateways (the environments use us-east-1a and b), not one per listed AZ: c has no environment.
    assert sorted(nat_az.values()) == ["us-east-1a", "us-east-1b"]
    routes = private_routes(plan)
    for az in ("us-east-1a", "us-east-1b"):
        assert nat_az[routes[az]["natGatewayId"]] == az
    assert nat_az[routes["us-east-1c"]["natGatewayId"]] == "us-east-1a"
    assert any("nat_per_az: 2 NAT gateways" in d.message for d in plan.diagnostics)


def test_default_security_group_of_the_vpc_is_locked():
    plan = managed("single_nat")
    locked = plan.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert locked.inputs["vpcId"] == plan.one(VPC).id
    assert locked.inputs.get("ingress", []) == [] and locked.inputs.get("egress", []) == []


def test_every_security_group_rule_has_a_description():
    plan = managed("endpoints_only")
    rules = plan.of_type(INGRESS) + plan.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert rules and all(r.inputs.get("description") for r in rules)


def test_endpoints_only_has_no_internet_path_and_every_endpoint():
    plan = managed("endpoints_only")
    for type_ in (IGW, NAT, EIP):
        assert plan.of_type(type_) == []
    assert all("-private-" in s.name for s in plan.of_type(SUBNET))
    assert not any(r.inputs.get("destinationCidrBlock") == "0.0.0.0/0" for r in plan.of_type(ROUTE))
    endpoints = {r.inputs["serviceName"]: r.inputs for r in plan.of_type(ENDPOINT)}
    # https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-vpe-create-access.html: S3 as gateway, the rest interface endpoints with private DNS.
    expected = {f"com.amazonaws.us-east-1.{s}" for s in ("s3", "monitoring", "ecr.dkr", "ecr.api", "logs", "sqs", "kms", "airflow.api", "airflow.env", "airflow.ops")}
    assert set(endpoints) == expected and len(INTERFACE_SERVICES) == 9
    s3 = endpoints.pop("com.amazonaws.us-east-1.s3")
    private_tables = {r.id for r in plan.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in r.name}
    assert s3["vpcEndpointType"] == "Gateway" and set(s3["routeTableIds"]) == private_tables
    endpoint_group = plan.one(SG, "network-endpoints").id
    for endpoint in endpoints.values():
        assert endpoint["vpcEndpointType"] == "Interface" and endpoint["privateDnsEnabled"] is True
        assert endpoint["securityGroupIds"] == [endpoint_group] and len(endpoint["subnetIds"]) == 2


def test_endpoint_group_admits_https_from_each_environment_only():
    plan = managed("endpoints_only")
    endpoint_group = plan.one(SG, "network-endpoints").id
    rules = [r.inputs for r in plan.of_type(INGRESS) if r.inputs["securityGroupId"] == endpoint_group]
    env_groups = {plan.one(SG, f"{env}-sg").id for env in ("etl", "bi")}
    assert {r["referencedSecurityGroupId"] for r in rules} == env_groups
    assert all((r["ipProtocol"], r["fromPort"], r["toPort"]) == ("tcp", 443, 443) for r in rules)
    assert not any("cidrIpv4" in r for r in rules)


@pytest.mark.parametrize("egress", ["single_nat", "endpoints_only"])
def test_each_environment_group_references_itself(egress):
    plan = managed(egress)
    for env in ("etl", "bi"):
        group = plan.one(SG, f"{env}-sg")
        (self_rule,) = [r.inputs for r in plan.of_type(INGRESS) if r.inputs["securityGroupId"] == group.id]
        assert self_rule["referencedSecurityGroupId"] == group.id and self_rule["ipProtocol"] == "-1"


def test_existing_network_creates_only_security_groups():
    args = ExistingNetworkArgs("vpc-0a1b2c3d4e5f60718", ["subnet-0a1b2c3d", "subnet-1a1b2c3d"], ["sg-0a1b2c3d"])
    holder = {}

    def program():
        holder["net"] = Network("network", NetworkArgs("eu-central-1", ["partner"], existing=args))

    plan = run_program(program)
    created = {r.type for r in plan.resources if r.custom}
    assert created == {SG, INGRESS, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"}
    assert plan.one(SG).inputs["vpcId"] == "vpc-0a1b2c3d4e5f60718"


def test_extra_endpoints_gateway_or_interface_and_not_awaited_by_the_environment():
    holder = {}

    def program():
        holder["net"] = Network(
            "network",
            NetworkArgs("us-east-1", ["etl"], managed=ManagedNetworkArgs("10.0.0.0/16", AZS[:2], "endpoints_only", ["dynamodb", "sts"])),
        )

    plan = run_program(program)
    endpoints = {r.inputs["serviceName"].removeprefix("com.amazonaws.us-east-1."): r for r in plan.of_type(ENDPOINT)}
    assert endpoints["dynamodb"].inputs["vpcEndpointType"] == "Gateway"
    assert endpoints["sts"].inputs["vpcEndpointType"] == "Interface" and endpoints["sts"].inputs["privateDnsEnabled"]
    assert len(endpoints) == 12  # MWAA's 10 and the two extra


def test_extra_endpoints_with_nat_keep_traffic_off_the_gateway():
    plan = run_program(
        lambda: Network("network", NetworkArgs("us-east-1", ["etl"], managed=ManagedNetworkArgs("10.0.0.0/16", AZS[:2], "single_nat", ["sts"])))
    )
    assert sorted(r.inputs["serviceName"] for r in plan.of_type(ENDPOINT)) == ["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.sts"]
