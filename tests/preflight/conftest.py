"""A real AWS API emulator for the preflight: moto in server mode on 127.0.0.1, once per session.

The server listens on a free loopback port; boto3 reaches it through AWS_ENDPOINT_URL with fake
credentials, so no test can touch a real account. Networks are built in it through boto3.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account for the fake credentials
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server() -> Iterator[dict[str, str]]:
    """The environment that points boto3 at the running emulator (set while the session runs)."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {**ENV, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield env
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass(frozen=True)
class Network:
    vpc: str
    subnets: dict[str, str]  # id -> AZ
    route_table: str
    group: str


def _ec2():
    import boto3

    return boto3.client("ec2", region_name=REGION)


def build_network(cidr: str, *, way_out: str = "nat", group_rules: bool = True) -> Network:
    """Two private subnets in two AZs behind one route table; ``way_out``: nat, igw, endpoints or none."""
    ec2 = _ec2()
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    prefix = f"{base[0]}.{base[1]}"
    subnets = {}
    for index, zone in enumerate(("us-east-1a", "us-east-1b"), 1):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        subnets[subnet] = zone
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    if way_out in ("nat", "igw"):
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        if way_out == "igw":
            ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        else:
            public = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.100.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
            public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
            ec2.associate_route_table(RouteTableId=public_table, SubnetId=public)
            ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
            eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
            nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
            ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    group = ec2.create_security_group(GroupName=f"mwaa-{vpc}", Description="MWAA", VpcId=vpc)["GroupId"]
    if group_rules:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}])
    else:
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    if way_out == "endpoints":
        add_endpoints(vpc, table, list(subnets), group)
    return Network(vpc, subnets, table, group)


def add_endpoints(vpc: str, table: str, subnets: list[str], group: str, skip: tuple[str, ...] = (), private_dns: bool = True) -> None:
    from mwaaform.network.endpoints import GATEWAY_SERVICES, INTERFACE_SERVICES, service_name

    ec2 = _ec2()
    for service in GATEWAY_SERVICES:
        if service not in skip:
            ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=service_name(REGION, service), VpcEndpointType="Gateway", RouteTableIds=[table])
    for service in INTERFACE_SERVICES:
        if service not in skip:
            ec2.create_vpc_endpoint(
                VpcId=vpc, ServiceName=service_name(REGION, service), VpcEndpointType="Interface",
                SubnetIds=subnets, SecurityGroupIds=[group], PrivateDnsEnabled=private_dns,
            )


@pytest.fixture(scope="session")
def networks(moto_server) -> dict[str, Network]:
    """One good network per way out, and broken ones, built once in the emulator."""
    return {
        "nat": build_network("10.1.0.0/16"),
        "endpoints": build_network("10.2.0.0/16", way_out="endpoints"),
        "public": build_network("10.3.0.0/16", way_out="igw"),
        "closed": build_network("10.4.0.0/16", way_out="none"),
        "bare-groups": build_network("10.5.0.0/16", group_rules=False),
    }
