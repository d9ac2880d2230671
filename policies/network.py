"""Rules on the network: security groups (no ingress from the internet, descriptions), flow logs,
the default security group, endpoints-only VPCs without an internet path, and NAT redundancy.

Resources are tied to their VPC through property dependencies (a subnet's ``vpcId`` came from the
VPC; a NAT gateway's ``subnetId`` from a subnet), never by comparing ids that are unknown until the
VPC exists.
"""

from __future__ import annotations

from typing import Any

from .base import PROD_STAGES, UNKNOWN, Report, get, items, linked, name_of, of_type, settings, stage_of

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
INTERNET_GATEWAYS = ("aws:ec2/internetGateway:InternetGateway", "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
                     "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway")
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ANYWHERE = ("0.0.0.0/0", "::/0")
# The description Pulumi gives a security group that has none of its own.
PULUMI_DEFAULT_DESCRIPTION = "Managed by Pulumi"


def _in_vpc(resource: Any, vpc: Any, key: str = "vpcId") -> bool:
    return vpc.urn in linked(resource, key)


def _nat_gateways(vpc: Any, resources: list[Any]) -> list[Any]:
    subnets = {s.urn for s in of_type(resources, SUBNET) if _in_vpc(s, vpc)}
    return [nat for nat in of_type(resources, NAT_GATEWAY) if linked(nat, "subnetId") & subnets]


# --- security groups (CKV_AWS_24, CKV_AWS_25, CKV_AWS_260, CKV_AWS_23) --------------------------


def _inline_rules(props: Any, direction: str) -> list[Any]:
    return [rule for rule in items(get(props, direction, default=[])) if rule is not UNKNOWN]


def sg_no_public_ingress_validator(args: Any, report_violation: Report) -> None:
    """No security group admits traffic from anywhere (0.0.0.0/0 or ::/0): MWAA's own rule is
    self-referencing, and its endpoints admit only the environments' groups."""
    props, kind = args.props, args.resource_type
    if kind == INGRESS_RULE:
        sources = [get(props, "cidrIpv4"), get(props, "cidrIpv6")]
    elif kind == SG_RULE and get(props, "type") == "ingress":
        sources = items(get(props, "cidrBlocks", default=[])) + items(get(props, "ipv6CidrBlocks", default=[]))
    elif kind in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        sources = [
            cidr
            for rule in _inline_rules(props, "ingress")
            for cidr in items(get(rule, "cidrBlocks", default=[])) + items(get(rule, "ipv6CidrBlocks", default=[]))
        ]
    else:
        return
    for cidr in sources:
        if cidr in ANYWHERE:
            report_violation(f"{args.name} admits ingress from {cidr}")


def sg_descriptions_validator(args: Any, report_violation: Report) -> None:
    """Every security group and rule says what it is for: reviewers and auditors read them."""
    props, kind = args.props, args.resource_type
    if kind == SECURITY_GROUP:
        description = get(props, "description")
        if description is not UNKNOWN and (not description or description == PULUMI_DEFAULT_DESCRIPTION):
            report_violation(f"security group {name_of(args)} has no description of its own")
        rules = [(d, r) for d in ("ingress", "egress") for r in _inline_rules(props, d)]
        for direction, rule in rules:
            if not get(rule, "description"):
                report_violation(f"an inline {direction} rule of security group {name_of(args)} has no description")
    elif kind in (INGRESS_RULE, EGRESS_RULE, SG_RULE):
        if get(props, "description") is None or get(props, "description") == "":
            report_violation(f"security group rule {args.name} has no description")


# --- VPC (CKV2_AWS_11, CKV2_AWS_12) --------------------------------------------------------------

FLOW_LOGS_CONFIG = {
    "requiredInStages": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["prod"],
        "description": "Stages (the VPC's Environment tag) whose VPCs must record flow logs.",
    }
}


def vpc_flow_logs_validator(args: Any, report_violation: Report) -> None:
    """Every VPC of the configured stages records its traffic (flow logs)."""
    resources = list(args.resources)
    stages = settings(args, FLOW_LOGS_CONFIG)["requiredInStages"]
    for vpc in of_type(resources, VPC):
        if stage_of(vpc.props) not in stages:
            continue
        if not any(_in_vpc(log, vpc) for log in of_type(resources, FLOW_LOG)):
            report_violation(f"VPC {vpc.name} (stage {stage_of(vpc.props)}) records no flow logs", vpc.urn)


def vpc_default_security_group_locked_validator(args: Any, report_violation: Report) -> None:
    """Every VPC's default security group is taken over and left with no rules, so nothing that
    lands in it by default can talk to anything."""
    resources = list(args.resources)
    defaults = of_type(resources, DEFAULT_SECURITY_GROUP)
    for vpc in of_type(resources, VPC):
        mine = [group for group in defaults if _in_vpc(group, vpc)]
        if not mine:
            report_violation(f"VPC {vpc.name}: its default security group is not managed (and keeps AWS's allow-all rules)", vpc.urn)
        for group in mine:
            if _inline_rules(group.props, "ingress") or _inline_rules(group.props, "egress"):
                report_violation(f"VPC {vpc.name}: its default security group still has rules", group.urn)


# Interface endpoints of MWAA's own services: a VPC that has them is built to run without an
# internet path (Amazon MWAA User Guide, "Managing your own Amazon VPC endpoints" / private network:
# https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-vpe-create-access.html).
MWAA_SERVICE_ENDPOINTS = ("airflow.api", "airflow.env", "airflow.ops")


def _endpoints_only(vpc: Any, resources: list[Any]) -> bool:
    for endpoint in of_type(resources, VPC_ENDPOINT):
        service = get(endpoint.props, "serviceName")
        if _in_vpc(endpoint, vpc) and isinstance(service, str) and any(
            service.endswith("." + suffix) for suffix in MWAA_SERVICE_ENDPOINTS
        ):
            return True
    return False


def vpc_endpoints_only_no_internet_validator(args: Any, report_violation: Report) -> None:
    """A VPC that reaches MWAA through its interface endpoints has no internet path at all: no
    internet gateway, no NAT gateway, no route to 0.0.0.0/0."""
    resources = list(args.resources)
    tables = of_type(resources, ROUTE_TABLE)
    for vpc in of_type(resources, VPC):
        if not _endpoints_only(vpc, resources):
            continue
        paths = [g.name for g in resources if g.resource_type in INTERNET_GATEWAYS and _in_vpc(g, vpc)]
        paths += [nat.name for nat in _nat_gateways(vpc, resources)]
        vpc_tables = {t.urn for t in tables if _in_vpc(t, vpc)}
        paths += [
            route.name
            for route in of_type(resources, ROUTE)
            if linked(route, "routeTableId") & vpc_tables and get(route.props, "destinationCidrBlock") in ANYWHERE
        ]
        for table in tables:
            if table.urn in vpc_tables:
                paths += [table.name for r in items(get(table.props, "routes", default=[])) if get(r, "cidrBlock") in ANYWHERE]
        if paths:
            report_violation(f"VPC {vpc.name} uses VPC endpoints only, yet has an internet path: {', '.join(sorted(set(paths)))}", vpc.urn)


def prod_single_nat_validator(args: Any, report_violation: Report) -> None:
    """A prod VPC with one NAT gateway loses its internet path when that zone fails."""
    resources = list(args.resources)
    for vpc in of_type(resources, VPC):
        if stage_of(vpc.props) not in settings(args, PROD_STAGES)["prodStages"]:
            continue
        zones = {get(s.props, "availabilityZone") for s in of_type(resources, SUBNET) if _in_vpc(s, vpc)}
        if len(_nat_gateways(vpc, resources)) == 1 and len(zones) > 1:
            report_violation(
                f"prod VPC {vpc.name} has a single NAT gateway for {len(zones)} availability zones: one zone's outage cuts every "
                "environment off the internet (egress: nat_per_az)",
                vpc.urn,
            )
