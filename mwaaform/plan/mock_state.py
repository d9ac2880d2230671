"""Made-up AWS outputs: the deterministic, realistic ids and state the mocks answer with.

Ids, ARNs and generated names derive from the account, the region and a hash of the resource's URN
and its replacing inputs (``replacing.py``), so the same program always gives the same plan and a
replaced resource gets a new id.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks, rpc

from mwaaform.plan.replacing import identity
from mwaaform.plan.wire import jsonable



def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _uuid_like(h: str) -> str:
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


# EC2 id prefixes, as in the EC2 API reference ("vpc-0123456789abcdef0" style: 17 hex digits).
_EC2_PREFIXES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}

# EC2 resource types whose ARN is arn:aws:ec2:{region}:{account}:{kind}/{id}.
_EC2_ARN_KINDS: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "security-group",
    "aws:ec2/internetGateway:InternetGateway": "internet-gateway",
    "aws:ec2/routeTable:RouteTable": "route-table",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpc-endpoint",
    "aws:ec2/flowLog:FlowLog": "vpc-flow-log",
    "aws:ec2/networkAcl:NetworkAcl": "network-acl",
    "aws:ec2/natGateway:NatGateway": "natgateway",
    "aws:ec2/eip:Eip": "elastic-ip",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security-group-rule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security-group-rule",
}

# Types whose physical name Pulumi auto-names ("{logical}-{7 hex}") when the input is absent:
# https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming
_AUTONAMED: dict[str, str] = {
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:sns/topic:Topic": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:mwaa/environment:Environment": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:sqs/queue:Queue": "name",
}

_S3_OBJECT_TYPES = {"aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"}


class StateFactory:
    """Realistic, deterministic (id, state) for a registration."""

    def __init__(self, account_id: str, region: str, project: str, stack: str):
        self.account = account_id
        self.region = region
        self.project = project
        self.stack = stack

    def make(self, args: pulumi_mocks.MockResourceArgs, urn: str) -> tuple[str, dict[str, Any]]:
        """``urn`` and the replacing inputs seed every random-looking part: equal programs give
        equal plans, and a change that replaces a resource gives it a new id, as AWS would."""
        typ, name = args.typ, args.name
        h = _digest(urn, *identity(typ, jsonable(dict(args.inputs))))
        state: dict[str, Any] = dict(args.inputs)
        autoname = f"{name}-{h[:7]}"
        if typ in _AUTONAMED and not state.get(_AUTONAMED[typ]):
            value = autoname.lower() if typ.startswith("aws:s3/") else autoname
            state[_AUTONAMED[typ]] = value

        if typ.startswith("pulumi:providers:"):
            return _uuid_like(h), state
        if not args.custom:
            return "", state

        acct, region = self.account, self.region
        resource_id = f"{name}-{h[:7]}"

        if typ in _EC2_PREFIXES:
            resource_id = f"{_EC2_PREFIXES[typ]}-0{h[:16]}"
            state["ownerId"] = acct
        if typ in _EC2_ARN_KINDS:
            state["arn"] = f"arn:aws:ec2:{region}:{acct}:{_EC2_ARN_KINDS[typ]}/{resource_id}"

        if typ == "aws:ec2/vpc:Vpc":
            state.update(
                defaultSecurityGroupId=f"sg-0{h[16:32]}",
                defaultRouteTableId=f"rtb-0{h[16:32]}",
                mainRouteTableId=f"rtb-0{h[16:32]}",
                defaultNetworkAclId=f"acl-0{h[16:32]}",
            )
        elif typ == "aws:ec2/eip:Eip":
            # 198.51.100.0/24 is TEST-NET-2 (RFC 5737): never a real address.
            state.update(allocationId=resource_id, publicIp=f"198.51.100.{int(h[:2], 16) % 254 + 1}", domain="vpc")
        elif typ == "aws:ec2/natGateway:NatGateway":
            state.setdefault("connectivityType", "public")
        elif typ == "aws:ec2/vpcEndpoint:VpcEndpoint":
            state.setdefault("vpcEndpointType", "Gateway")
            if state["vpcEndpointType"] == "Gateway":
                state["prefixListId"] = f"pl-{h[16:24]}"
            state["state"] = "available"
        elif typ == "aws:iam/role:Role":
            path = state.get("path") or "/"
            resource_id = state["name"]
            state.update(
                arn=f"arn:aws:iam::{acct}:role{path}{state['name']}",
                path=path,
                uniqueId="AROA" + h[:17].upper(),
            )
        elif typ == "aws:iam/policy:Policy":
            path = state.get("path") or "/"
            state.update(arn=f"arn:aws:iam::{acct}:policy{path}{state['name']}", path=path, policyId="ANPA" + h[:17].upper())
            resource_id = state["arn"]
        elif typ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            bucket = state["bucket"]
            resource_id = bucket
            state.update(
                arn=f"arn:aws:s3:::{bucket}",
                bucketDomainName=f"{bucket}.s3.amazonaws.com",
                bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com",
                region=region,
            )
        elif typ in _S3_OBJECT_TYPES:
            resource_id = str(state.get("key", resource_id))
            # A new version per content, as S3 does: a changed file shows as a changed version id.
            etag = _etag(state.get("source"), h)
            state.update(etag=etag, versionId=_version_id(_digest(urn, etag)))
        elif typ == "aws:kms/key:Key":
            resource_id = _uuid_like(h)
            state.update(keyId=resource_id, arn=f"arn:aws:kms:{region}:{acct}:key/{resource_id}")
        elif typ == "aws:kms/alias:Alias":
            alias = state.get("name") or f"alias/{autoname}"
            resource_id = alias
            state.update(name=alias, arn=f"arn:aws:kms:{region}:{acct}:{alias}")
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            # pulumi-aws v7 reports the log group ARN without the trailing ":*".
            resource_id = state["name"]
            state["arn"] = f"arn:aws:logs:{region}:{acct}:log-group:{state['name']}"
        elif typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            resource_id = state["name"]
            state["arn"] = f"arn:aws:cloudwatch:{region}:{acct}:alarm:{state['name']}"
        elif typ == "aws:sns/topic:Topic":
            state["arn"] = f"arn:aws:sns:{region}:{acct}:{state['name']}"
            resource_id = state["arn"]
        elif typ == "aws:secretsmanager/secret:Secret":
            # Secrets Manager appends a hyphen and six random characters to the secret name.
            state["arn"] = f"arn:aws:secretsmanager:{region}:{acct}:secret:{state['name']}-{h[:6]}"
            resource_id = state["arn"]
        elif typ == "aws:mwaa/environment:Environment":
            env = state["name"]
            resource_id = env
            cell = int(h[8:10], 16) % 4 + 1
            state.update(
                arn=f"arn:aws:airflow:{region}:{acct}:environment/{env}",
                webserverUrl=f"{_uuid_like(h)}.c{cell}.{region}.airflow.amazonaws.com",
                status="AVAILABLE",
                serviceRoleArn=f"arn:aws:iam::{acct}:role/aws-service-role/airflow.amazonaws.com/AWSServiceRoleForAmazonMWAA",
                webserverVpcEndpointService=f"com.amazonaws.vpce.{region}.vpce-svc-0{h[32:48]}",
                databaseVpcEndpointService=f"com.amazonaws.vpce.{region}.vpce-svc-0{h[48:64]}",
            )
        state["id"] = resource_id
        return resource_id, state


def _etag(source: Any, h: str) -> str:
    # For a single-part upload without SSE-KMS, S3's ETag is the MD5 of the content, so it
    # changes with the file; otherwise fall back to the URN hash.
    path = getattr(source, "path", None)
    if isinstance(path, str) and os.path.isfile(path):
        with open(path, "rb") as handle:
            return hashlib.md5(handle.read()).hexdigest()  # noqa: S324 - mirrors S3's ETag, not security
    text = getattr(source, "text", None)
    if isinstance(text, str):
        return hashlib.md5(text.encode()).hexdigest()  # noqa: S324
    return h[:32]


def _version_id(h: str) -> str:
    # S3 version ids are 32 URL-safe characters.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
    n = int(h, 16)
    chars = []
    for _ in range(32):
        n, r = divmod(n, len(alphabet))
        chars.append(alphabet[r])
    return "".join(chars)



def first_preview_state(type_: str, inputs: Mapping[str, Any], state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What the engine knows of a resource still to be created, during its first ``pulumi preview``.

    The provider's preview of a create returns the checked inputs (autonaming has filled in the
    physical name) and marks every other output, the id included, as unknown; every value
    computed from those outputs is unknown too, so the rules see exactly what a real first
    preview shows them.
    """
    known = set(inputs)
    if type_ in _AUTONAMED:
        known.add(_AUTONAMED[type_])
    return "", {key: (value if key in known else rpc.UNKNOWN) for key, value in state.items() if key != "id"}
