"""The network the stack's environments share.

Managed: a VPC with one private subnet per AZ and, per egress choice, either NAT gateways
(one, or one per AZ) behind an internet gateway, or no internet path at all and the VPC
endpoints MWAA needs. Existing: only the security groups, in the given VPC.
Every environment gets its own security group with the self-referencing rule MWAA requires
(https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from mwaaform.network.cidr import layout
from mwaaform.network.endpoints import GATEWAY_CAPABLE, GATEWAY_SERVICES, INTERFACE_SERVICES, logical_name, service_name
from mwaaform.tags import with_name

HTTPS = 443


@dataclass(frozen=True)
class ManagedNetworkArgs:
    cidr: str
    availability_zones: Sequence[str]
    egress: str  # single_nat | nat_per_az | endpoints_only
    # Endpoints for the services the DAGs call (gateway for s3/dynamodb, interface otherwise).
    extra_endpoints: Sequence[str] = ()


@dataclass(frozen=True)
class ExistingNetworkArgs:
    vpc_id: str
    subnet_ids: Sequence[str]
    security_group_ids: Sequence[str] = ()


@dataclass(frozen=True)
class NetworkArgs:
    region: str
    environments: Sequence[str]
    tags: Mapping[str, str] = field(default_factory=dict)
    managed: ManagedNetworkArgs | None = None
    existing: ExistingNetworkArgs | None = None


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    private_subnet_ids: list[pulumi.Output[str]]
    # environment name -> the security groups it runs in
    security_group_ids: dict[str, list[pulumi.Input[str]]]
    # resources an environment must wait for (the interface endpoints, without internet)
    endpoints: list[pulumi.Resource]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:network:Network", name, None, opts)
        self._name, self._tags = name, dict(args.tags)
        self.endpoints = []
        extra_groups: list[str] = []
        if args.managed:
            self._managed(args.region, args.managed)
        elif args.existing:
            self.vpc_id = pulumi.Output.from_input(args.existing.vpc_id)
            self.private_subnet_ids = [pulumi.Output.from_input(s) for s in args.existing.subnet_ids]
            extra_groups = list(args.existing.security_group_ids)
        else:
            raise ValueError("NetworkArgs needs managed or existing")

        private_only = bool(args.managed and args.managed.egress == "endpoints_only")
        groups = {env: self._environment_group(env, private_only) for env in args.environments}
        self.security_group_ids = {env: [group.id, *extra_groups] for env, group in groups.items()}
        if args.managed and (private_only or args.managed.extra_endpoints):
            self._endpoints(args.region, groups, private_only, list(args.managed.extra_endpoints))
        self.register_outputs({"vpc_id": self.vpc_id, "private_subnet_ids": self.private_subnet_ids})

    # -- helpers ---------------------------------------------------------------------------

    def _opts(self, **kwargs) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def _tagged(self, name: str) -> dict[str, str]:
        return with_name(name, self._tags)

    def _endpoint(self, region: str, service: str, **kwargs) -> aws.ec2.VpcEndpoint:
        name = f"{self._name}-{logical_name(service)}"
        return aws.ec2.VpcEndpoint(
            name, vpc_id=self.vpc_id, service_name=service_name(region, service), tags=self._tagged(name), opts=self._opts(), **kwargs
        )

    def _managed(self, region: str, net: ManagedNetworkArgs) -> None:
        n = self._name
        azs = list(net.availability_zones)
        with_nat = net.egress != "endpoints_only"
        subnets = layout(net.cidr, len(azs), public=with_nat)
        vpc = aws.ec2.Vpc(
            n, cidr_block=net.cidr, enable_dns_support=True, enable_dns_hostnames=True, tags=self._tagged(n), opts=self._opts()
        )
        self.vpc_id = vpc.id
        self._vpc = vpc

        private_subnets, private_tables = [], []
        for az, cidr in zip(azs, subnets.private, strict=True):
            subnet = aws.ec2.Subnet(
                f"{n}-private-{az}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags=self._tagged(f"{n}-private-{az}"),
                opts=self._opts(),
            )
            table = aws.ec2.RouteTable(f"{n}-private-{az}", vpc_id=vpc.id, tags=self._tagged(f"{n}-private-{az}"), opts=self._opts())
            aws.ec2.RouteTableAssociation(f"{n}-private-{az}", subnet_id=subnet.id, route_table_id=table.id, opts=self._opts())
            private_subnets.append(subnet)
            private_tables.append(table)
        self.private_subnet_ids = [subnet.id for subnet in private_subnets]
        self._private_subnets, self._private_tables = private_subnets, private_tables

        if with_nat:
            self._nat(net, azs, subnets.public, private_tables)

        # The S3 gateway endpoint is free and keeps DAG bucket traffic off the NAT gateways, so
        # every managed network has it.
        extra_gateways = [s for s in net.extra_endpoints if s in GATEWAY_CAPABLE and s not in GATEWAY_SERVICES]
        for service in [*GATEWAY_SERVICES, *extra_gateways]:
            gateway_endpoint = self._endpoint(
                region, service, vpc_endpoint_type="Gateway", route_table_ids=[table.id for table in private_tables]
            )
            # Without internet, MWAA reaches the DAG bucket and ECR's image layers only through it.
            if service in GATEWAY_SERVICES:
                self.endpoints.append(gateway_endpoint)

    def _nat(self, net: ManagedNetworkArgs, azs: list[str], public_cidrs: list[str], private_tables) -> None:
        n = self._name
        gateway = aws.ec2.InternetGateway(n, vpc_id=self._vpc.id, tags=self._tagged(n), opts=self._opts())
        public_table = aws.ec2.RouteTable(f"{n}-public", vpc_id=self._vpc.id, tags=self._tagged(f"{n}-public"), opts=self._opts())
        aws.ec2.Route(
            f"{n}-public-internet",
            route_table_id=public_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
            opts=self._opts(),
        )
        nat_azs = azs if net.egress == "nat_per_az" else azs[:1]
        nats = {}
        # One public subnet per NAT gateway: the first AZ only, or every AZ.
        for az, cidr in zip(nat_azs, public_cidrs[: len(nat_azs)], strict=True):
            subnet = aws.ec2.Subnet(
                f"{n}-public-{az}",
                vpc_id=self._vpc.id,
                cidr_block=cidr,
                availability_zone=az,
                # Only the NAT gateway lives here, with its own Elastic IP.
                map_public_ip_on_launch=False,
                tags=self._tagged(f"{n}-public-{az}"),
                opts=self._opts(),
            )
            aws.ec2.RouteTableAssociation(f"{n}-public-{az}", subnet_id=subnet.id, route_table_id=public_table.id, opts=self._opts())
            eip = aws.ec2.Eip(f"{n}-nat-{az}", domain="vpc", tags=self._tagged(f"{n}-nat-{az}"), opts=self._opts())
            nats[az] = aws.ec2.NatGateway(
                f"{n}-{az}",
                allocation_id=eip.allocation_id,
                subnet_id=subnet.id,
                connectivity_type="public",
                tags=self._tagged(f"{n}-{az}"),
                opts=self._opts(depends_on=[gateway]),
            )
        for az, table in zip(azs, private_tables, strict=True):
            nat = nats.get(az, nats[nat_azs[0]])
            aws.ec2.Route(
                f"{n}-private-{az}-nat",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=self._opts(),
            )

    def _environment_group(self, env: str, private_only: bool) -> aws.ec2.SecurityGroup:
        group = aws.ec2.SecurityGroup(
            f"{env}-sg",
            name=f"mwaa-{env}",
            description=f"MWAA environment {env}",
            vpc_id=self.vpc_id,
            tags=self._tagged(f"mwaa-{env}"),
            opts=self._opts(),
        )
        # MWAA's components talk to each other inside the group.
        aws.vpc.SecurityGroupIngressRule(
            f"{env}-sg-self",
            security_group_id=group.id,
            referenced_security_group_id=group.id,
            ip_protocol="-1",
            description="MWAA: all traffic between the components of the environment",
            opts=self._opts(),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{env}-sg-egress",
            security_group_id=group.id,
            cidr_ipv4="0.0.0.0/0",
            ip_protocol="-1",
            # Without internet, the VPC endpoints are the only destinations there are.
            description="MWAA: outbound to the VPC endpoints" if private_only else "MWAA: outbound to AWS services",
            opts=self._opts(),
        )
        return group

    def _endpoints(
        self, region: str, environment_groups: dict[str, aws.ec2.SecurityGroup], private_only: bool, extra: list[str]
    ) -> None:
        """The interface endpoints get a group of their own that admits only HTTPS from the
        environments' groups (AWS's guide puts them in the environment's group, whose
        self-referencing rule would admit everything): every one of these services is HTTPS."""
        n = self._name
        group = aws.ec2.SecurityGroup(
            f"{n}-endpoints",
            name=f"{n}-endpoints",
            description="VPC interface endpoints: HTTPS from the MWAA environments only",
            vpc_id=self.vpc_id,
            tags=self._tagged(f"{n}-endpoints"),
            opts=self._opts(),
        )
        for env, env_group in environment_groups.items():
            aws.vpc.SecurityGroupIngressRule(
                f"{n}-endpoints-from-{env}",
                security_group_id=group.id,
                referenced_security_group_id=env_group.id,
                ip_protocol="tcp",
                from_port=HTTPS,
                to_port=HTTPS,
                description=f"HTTPS from MWAA environment {env}",
                opts=self._opts(),
            )
        mwaa_services = list(INTERFACE_SERVICES) if private_only else []
        extra_services = [s for s in extra if s not in GATEWAY_CAPABLE and s not in mwaa_services]
        for service in [*mwaa_services, *extra_services]:
            endpoint = self._endpoint(
                region,
                service,
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                # In the two subnets the environments use: each endpoint costs per AZ and hour.
                subnet_ids=self.private_subnet_ids[:2],
                security_group_ids=[group.id],
            )
            # The environment waits for the endpoints MWAA itself needs.
            if service in mwaa_services:
                self.endpoints.append(endpoint)
