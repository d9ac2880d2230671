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

from mwaaform.network.cidr import ENVIRONMENT_SUBNETS, environment_zones, layout
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
    # the two subnets the environments use (MWAA takes exactly two, in different AZs)
    private_subnet_ids: list[pulumi.Output[str]]
    # environment name -> the security groups it runs in
    security_group_ids: dict[str, list[pulumi.Input[str]]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:network:Network", name, None, opts)
        self._name, self._tags = name, dict(args.tags)
        # What every environment's traffic needs before MWAA may start creating it (see ready()).
        self._shared_ready: list[pulumi.Resource] = []
        self._ready: dict[str, list[pulumi.Resource]] = {env: [] for env in args.environments}
        extra_groups: list[str] = []
        if args.managed:
            self._managed(args.region, args.managed)
        elif args.existing:
            self.vpc_id = pulumi.Output.from_input(args.existing.vpc_id)
            self.private_subnet_ids = [pulumi.Output.from_input(s) for s in args.existing.subnet_ids[:ENVIRONMENT_SUBNETS]]
            extra_groups = list(args.existing.security_group_ids)
        else:
            raise ValueError("NetworkArgs needs managed or existing")

        private_only = bool(args.managed and args.managed.egress == "endpoints_only")
        groups = {env: self._environment_group(env, private_only) for env in args.environments}
        self.security_group_ids = {env: [group.id, *extra_groups] for env, group in groups.items()}
        if args.managed and (private_only or args.managed.extra_endpoints):
            self._endpoints(args.region, groups, private_only, list(args.managed.extra_endpoints))
        self.register_outputs({"vpc_id": self.vpc_id, "private_subnet_ids": self.private_subnet_ids})

    def ready(self, env: str) -> list[pulumi.Resource]:
        """Every network resource an environment's traffic needs: its subnets and their
        route-table associations, the routes and NAT gateways (with the internet gateway's route)
        or the VPC endpoints and the endpoint group's rule admitting it, its security group and
        all of that group's rules. The environment depends on these, so MWAA never starts
        creating (a 30-minute operation) before it has a way out."""
        return [*self._shared_ready, *self._ready[env]]

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
        # Every name and CIDR is keyed by AZ name, never by list position: see mwaaform.network.cidr.
        azs = sorted(net.availability_zones)
        env_azs = environment_zones(azs)
        with_nat = net.egress != "endpoints_only"
        nat_azs = nat_zones(net.egress, azs)
        subnets = layout(net.cidr, azs, nat_azs)
        vpc = aws.ec2.Vpc(
            n, cidr_block=net.cidr, enable_dns_support=True, enable_dns_hostnames=True, tags=self._tagged(n), opts=self._opts()
        )
        self.vpc_id = vpc.id
        self._vpc = vpc
        # The VPC's default security group admits all traffic between its members and out: lock
        # it (no rules), so nothing launched without a group gets a path (checkov CKV2_AWS_12).
        aws.ec2.DefaultSecurityGroup(
            f"{n}-default", vpc_id=vpc.id, ingress=[], egress=[], tags=self._tagged(f"{n}-default-locked"), opts=self._opts()
        )

        private_subnets, private_tables = {}, {}
        for az in azs:
            subnet = aws.ec2.Subnet(
                f"{n}-private-{az}",
                vpc_id=vpc.id,
                cidr_block=subnets.private[az],
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags=self._tagged(f"{n}-private-{az}"),
                opts=self._opts(),
            )
            table = aws.ec2.RouteTable(f"{n}-private-{az}", vpc_id=vpc.id, tags=self._tagged(f"{n}-private-{az}"), opts=self._opts())
            association = aws.ec2.RouteTableAssociation(
                f"{n}-private-{az}", subnet_id=subnet.id, route_table_id=table.id, opts=self._opts()
            )
            private_subnets[az], private_tables[az] = subnet, table
            if az in env_azs:
                self._shared_ready += [subnet, table, association]
        self.private_subnet_ids = [private_subnets[az].id for az in env_azs]
        self._env_azs = env_azs

        if with_nat:
            self._nat(net, azs, nat_azs, env_azs, subnets.public, private_tables)

        # The S3 gateway endpoint is free and keeps DAG bucket traffic off the NAT gateways, so
        # every managed network has it.
        extra_gateways = [s for s in net.extra_endpoints if s in GATEWAY_CAPABLE and s not in GATEWAY_SERVICES]
        for service in [*GATEWAY_SERVICES, *extra_gateways]:
            gateway_endpoint = self._endpoint(
                region, service, vpc_endpoint_type="Gateway", route_table_ids=[private_tables[az].id for az in azs]
            )
            # It adds routes to the environments' route tables: they are complete only with it.
            self._shared_ready.append(gateway_endpoint)

    def _nat(self, net: ManagedNetworkArgs, azs: list[str], nat_azs: list[str], env_azs: list[str], public_cidrs, private_tables) -> None:
        n = self._name
        gateway = aws.ec2.InternetGateway(n, vpc_id=self._vpc.id, tags=self._tagged(n), opts=self._opts())
        public_table = aws.ec2.RouteTable(f"{n}-public", vpc_id=self._vpc.id, tags=self._tagged(f"{n}-public"), opts=self._opts())
        internet = aws.ec2.Route(
            f"{n}-public-internet",
            route_table_id=public_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
            opts=self._opts(),
        )
        self._shared_ready += [gateway, public_table, internet]
        nats = {}
        # One public subnet per NAT gateway.
        for az in nat_azs:
            subnet = aws.ec2.Subnet(
                f"{n}-public-{az}",
                vpc_id=self._vpc.id,
                cidr_block=public_cidrs[az],
                availability_zone=az,
                # Only the NAT gateway lives here, with its own Elastic IP.
                map_public_ip_on_launch=False,
                tags=self._tagged(f"{n}-public-{az}"),
                opts=self._opts(),
            )
            association = aws.ec2.RouteTableAssociation(
                f"{n}-public-{az}", subnet_id=subnet.id, route_table_id=public_table.id, opts=self._opts()
            )
            eip = aws.ec2.Eip(f"{n}-nat-{az}", domain="vpc", tags=self._tagged(f"{n}-nat-{az}"), opts=self._opts())
            nats[az] = aws.ec2.NatGateway(
                f"{n}-{az}",
                allocation_id=eip.allocation_id,
                subnet_id=subnet.id,
                connectivity_type="public",
                tags=self._tagged(f"{n}-{az}"),
                opts=self._opts(depends_on=[gateway]),
            )
            self._shared_ready += [subnet, association, eip, nats[az]]
        for az in azs:
            # Each AZ through its own NAT gateway where it has one, else through the first.
            nat = nats.get(az, nats[nat_azs[0]])
            route = aws.ec2.Route(
                f"{n}-private-{az}-nat",
                route_table_id=private_tables[az].id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=self._opts(),
            )
            if az in env_azs:
                self._shared_ready.append(route)
        if net.egress == "nat_per_az":
            others = [az for az in azs if az not in nat_azs]
            pulumi.log.info(
                f"nat_per_az: {len(nat_azs)} NAT gateways (each billed per hour and per GB), in {', '.join(nat_azs)}, "
                "the AZs the environments use"
                + (f"; {', '.join(others)} route through {nat_azs[0]} ({len(others)} gateway(s) fewer, their traffic crosses AZs)" if others else ""),
                self,
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
        ingress = aws.vpc.SecurityGroupIngressRule(
            f"{env}-sg-self",
            security_group_id=group.id,
            referenced_security_group_id=group.id,
            ip_protocol="-1",
            description="MWAA: all traffic between the components of the environment",
            opts=self._opts(),
        )
        # pulumi-aws removes the allow-all egress AWS gives a new group: this rule is the way out.
        egress = aws.vpc.SecurityGroupEgressRule(
            f"{env}-sg-egress",
            security_group_id=group.id,
            cidr_ipv4="0.0.0.0/0",
            ip_protocol="-1",
            # Without internet, the VPC endpoints are the only destinations there are.
            description="MWAA: outbound to the VPC endpoints" if private_only else "MWAA: outbound to AWS services",
            opts=self._opts(),
        )
        self._ready[env] += [group, ingress, egress]
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
        self._shared_ready.append(group)
        for env, env_group in environment_groups.items():
            rule = aws.vpc.SecurityGroupIngressRule(
                f"{n}-endpoints-from-{env}",
                security_group_id=group.id,
                referenced_security_group_id=env_group.id,
                ip_protocol="tcp",
                from_port=HTTPS,
                to_port=HTTPS,
                description=f"HTTPS from MWAA environment {env}",
                opts=self._opts(),
            )
            self._ready[env].append(rule)
        mwaa_services = list(INTERFACE_SERVICES) if private_only else []
        extra_services = [s for s in extra if s not in GATEWAY_CAPABLE and s not in mwaa_services]
        for service in [*mwaa_services, *extra_services]:
            endpoint = self._endpoint(
                region,
                service,
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                # In the two subnets the environments use: each endpoint costs per AZ and hour.
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[group.id],
            )
            # MWAA needs its own while it creates; the DAGs need the extra ones from their first run.
            self._shared_ready.append(endpoint)


def nat_zones(egress: str, azs: Sequence[str]) -> list[str]:
    """The AZs that get a NAT gateway: none without NAT, the first environment AZ for
    `single_nat`, and for `nat_per_az` each AZ the environments use (two gateways, not one per
    listed AZ: subnets no environment uses route through the first)."""
    if egress == "endpoints_only":
        return []
    env_azs = environment_zones(azs)
    return env_azs[:1] if egress == "single_nat" else env_azs
