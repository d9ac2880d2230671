"""One function per preflight check: a pass or a fail, and what to do about a fail.

Each check takes the AWS clients (made from the deploy role's session) and the stack's facts.
The network checks apply to an existing network only: a managed one does not exist before the
first update. What MWAA needs of a network, with sources:
- private subnets in two AZs, with a route out through NAT or VPC endpoints:
  https://docs.aws.amazon.com/mwaa/latest/userguide/networking-about.html
- security groups: a self-referencing inbound rule, and HTTPS and PostgreSQL (5432) between the
  environment's members: https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html
- network ACLs must not block that traffic: https://docs.aws.amazon.com/mwaa/latest/userguide/vpc-security.html
- the endpoints a private network needs: :mod:`mwaaform.network.endpoints`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from mwaaform.network.endpoints import GATEWAY_SERVICES, INTERFACE_SERVICES, service_name
from mwaaform.preflight.adopted_bucket import PERMISSIONS, Difference, differences
from mwaaform.preflight.facts import AdoptedBucket, AdoptedLogGroup, Facts

Status = Literal["pass", "fail", "skip"]
# Ports the members of an environment use between each other: HTTPS and the metadata database.
MWAA_PORTS = (443, 5432)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Clients:
    ec2: Any
    s3: Any
    kms: Any
    mwaa: Any
    logs: Any = None


def _pass(name: str, detail: str) -> Check:
    return Check(name, "pass", detail)


def _fail(name: str, detail: str, fix: str) -> Check:
    return Check(name, "fail", detail, fix)


def _skip(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# --- network ---------------------------------------------------------------------------------

MANAGED = "the stack creates its network"


def vpc(aws: Clients, facts: Facts) -> Check:
    name = "vpc"
    if not facts.existing_network:
        return _skip(name, MANAGED)
    found = aws.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [facts.vpc_id]}])["Vpcs"]
    if not found:
        return _fail(name, f"{facts.vpc_id} does not exist in {facts.account} {facts.region}",
                     "check network.existing.vpc_id, the account and the region of the spec")
    return _pass(name, f"{facts.vpc_id} exists ({found[0].get('CidrBlock')})")


def subnets(aws: Clients, facts: Facts) -> Check:
    name = "subnets"
    if not facts.existing_network:
        return _skip(name, MANAGED)
    found = {s["SubnetId"]: s for s in aws.ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": list(facts.subnets)}])["Subnets"]}
    problems = []
    for subnet, declared in facts.subnets.items():
        actual = found.get(subnet)
        if actual is None:
            problems.append(f"{subnet} does not exist")
        elif actual["VpcId"] != facts.vpc_id:
            problems.append(f"{subnet} is in {actual['VpcId']}, not {facts.vpc_id}")
        elif declared and actual["AvailabilityZone"] != declared:
            problems.append(f"{subnet} is in {actual['AvailabilityZone']}, the spec says {declared}")
    zones = {found[s]["AvailabilityZone"] for s in facts.subnets if s in found}
    if not problems and len(zones) < 2:
        problems.append(f"the subnets share one availability zone ({', '.join(sorted(zones))}); MWAA needs two")
    if problems:
        return _fail(name, "; ".join(problems), "list two existing private subnets of the VPC, in two AZs, with their real AZs")
    return _pass(name, ", ".join(f"{s} ({found[s]['AvailabilityZone']})" for s in facts.subnets))


def _vpc_cidr(aws: Clients, facts: Facts) -> str:
    """The VPC's primary block (any address, when the VPC is missing: the vpc check reports that)."""
    vpcs = aws.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [facts.vpc_id]}])["Vpcs"]
    return vpcs[0]["CidrBlock"] if vpcs else "0.0.0.0/0"


def _route_table(aws: Clients, facts: Facts, subnet: str) -> dict | None:
    """The subnet's route table: its explicit association, else the VPC's main table."""
    explicit = aws.ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["RouteTables"]
    if explicit:
        return explicit[0]
    main = aws.ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [facts.vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    return main[0] if main else None


def private(aws: Clients, facts: Facts) -> Check:
    name = "private subnets"
    if not facts.existing_network:
        return _skip(name, MANAGED)
    public = []
    for subnet in facts.subnets:
        table = _route_table(aws, facts, subnet) or {}
        for route in table.get("Routes", []):
            if str(route.get("GatewayId", "")).startswith("igw-"):
                public.append(f"{subnet} routes {route.get('DestinationCidrBlock')} to {route['GatewayId']}")
    if public:
        return _fail(name, "; ".join(public),
                     "MWAA needs private subnets: route their outbound traffic through a NAT gateway (in a public subnet) "
                     "or use VPC endpoints, never an internet gateway")
    return _pass(name, "no route to an internet gateway")


def egress(aws: Clients, facts: Facts) -> Check:
    """A way out: a default route through NAT (or a transit gateway), or every endpoint MWAA needs."""
    name = "way out"
    if not facts.existing_network:
        return _skip(name, MANAGED)
    endpoints = aws.ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [facts.vpc_id]}])["VpcEndpoints"]
    endpoints = [e for e in endpoints if str(e.get("State", "available")).lower() not in ("deleted", "deleting", "failed", "rejected")]
    problems, ways = [], []
    for subnet in facts.subnets:
        table = _route_table(aws, facts, subnet) or {}
        default = [r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        out = next((r.get("NatGatewayId") or r.get("TransitGatewayId") for r in default if r.get("NatGatewayId") or r.get("TransitGatewayId")), None)
        if out:
            ways.append(f"{subnet} via {out}")
            continue
        missing = _missing_endpoints(endpoints, facts.region, subnet, table.get("RouteTableId"))
        if missing:
            problems.append(f"{subnet} has no NAT route and lacks endpoints: {', '.join(missing)}")
        else:
            ways.append(f"{subnet} via VPC endpoints")
    if problems:
        return _fail(name, "; ".join(problems),
                     "add a 0.0.0.0/0 route to a NAT gateway, or create the missing endpoints (S3 as a gateway endpoint on the "
                     "subnet's route table, the others as interface endpoints with private DNS in the subnet)")
    return _pass(name, "; ".join(ways))


def _missing_endpoints(endpoints: list[dict], region: str, subnet: str, route_table: str | None) -> list[str]:
    missing = []
    for service in GATEWAY_SERVICES:
        if not any(e["ServiceName"] == service_name(region, service) and route_table in e.get("RouteTableIds", []) for e in endpoints):
            missing.append(f"{service} (gateway)")
    for service in INTERFACE_SERVICES:
        if not any(
            e["ServiceName"] == service_name(region, service) and subnet in e.get("SubnetIds", []) and e.get("PrivateDnsEnabled")
            for e in endpoints
        ):
            missing.append(service)
    return missing


def security_groups(aws: Clients, facts: Facts) -> Check:
    name = "security groups"
    if not facts.existing_security_groups:
        return _skip(name, "the stack creates every security group")
    found = {g["GroupId"]: g for g in aws.ec2.describe_security_groups(
        Filters=[{"Name": "group-id", "Values": list(facts.existing_security_groups)}])["SecurityGroups"]}
    problems = []
    for group in facts.existing_security_groups:
        if group not in found:
            problems.append(f"{group} does not exist")
        elif found[group]["VpcId"] != facts.vpc_id:
            problems.append(f"{group} is in {found[group]['VpcId']}, not {facts.vpc_id}")
    if problems:
        return _fail(name, "; ".join(problems), "list security groups of the environment's VPC in network.existing.security_group_ids")
    return _pass(name, f"{', '.join(facts.existing_security_groups)} in {facts.vpc_id}")


@dataclass(frozen=True)
class _Rule:
    direction: str
    group: str
    protocol: str
    from_port: int | None
    to_port: int | None
    peer_group: str | None = None
    cidr: str | None = None

    def covers(self, port: int) -> bool:
        if self.protocol in ("-1", "all"):
            return True
        return self.protocol in ("tcp", "6") and self.from_port is not None and self.from_port <= port <= (self.to_port or self.from_port)


def _aws_rules(group: dict) -> Iterable[_Rule]:
    for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
        for perm in group.get(key, []):
            base = dict(protocol=str(perm.get("IpProtocol", "-1")), from_port=perm.get("FromPort"), to_port=perm.get("ToPort"))
            for pair in perm.get("UserIdGroupPairs", []):
                yield _Rule(direction, group["GroupId"], peer_group=pair.get("GroupId"), **base)
            for block in perm.get("IpRanges", []):
                yield _Rule(direction, group["GroupId"], cidr=block.get("CidrIp"), **base)


def _within(inner: str, outer: str | None) -> bool:
    if not outer:
        return False
    try:
        return ipaddress.ip_network(inner).subnet_of(ipaddress.ip_network(outer))  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False


def security_group_rules(aws: Clients, facts: Facts) -> Check:
    """Each environment's groups together admit and send HTTPS and 5432 among its members.

    A member carries every group of its environment, so a rule of any of them whose peer is one of
    them (or a CIDR holding the VPC) lets the members talk. The stack's own groups count too: their
    planned self-referencing rule is usually what passes this check.
    """
    name = "security group rules"
    if not facts.existing_security_groups:
        return _skip(name, "the stack creates every security group with MWAA's self-referencing rule")
    vpc_cidr = _vpc_cidr(aws, facts)
    existing = aws.ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": list(facts.existing_security_groups)}])["SecurityGroups"]
    rules = [r for g in existing for r in _aws_rules(g)]
    rules += [_Rule(p.direction, p.group, p.protocol, p.from_port, p.to_port, p.peer_group, p.cidr) for p in facts.planned_rules]
    problems = []
    for env, groups in sorted(facts.environment_security_groups.items()):
        members = set(groups)
        for port in MWAA_PORTS:
            for direction in ("ingress", "egress"):
                if not any(
                    r.direction == direction and r.group in members and r.covers(port)
                    and (r.peer_group in members or _within(vpc_cidr, r.cidr))
                    for r in rules
                ):
                    problems.append(f"{env}: no {direction} rule for TCP {port} between its members")
    if problems:
        return _fail(name, "; ".join(problems),
                     "give one of the environment's groups a self-referencing rule (all traffic, or TCP 443 and 5432) "
                     "inbound and outbound")
    return _pass(name, f"TCP {' and '.join(map(str, MWAA_PORTS))} allowed between each environment's members")


def network_acls(aws: Clients, facts: Facts) -> Check:
    """The subnets' network ACLs let HTTPS and 5432 in and out within the VPC (first matching rule wins)."""
    name = "network ACLs"
    if not facts.existing_network:
        return _skip(name, MANAGED)
    vpc_cidr = _vpc_cidr(aws, facts)
    problems = []
    for subnet in facts.subnets:
        acls = aws.ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"]
        if not acls:
            continue  # no ACL found: the subnets check reports a missing subnet
        acl = acls[0]
        for port in MWAA_PORTS:
            for egress_rule in (False, True):
                action, number = _acl_decision(acl.get("Entries", []), egress_rule, port, vpc_cidr)
                if action != "allow":
                    where = f"rule {number}" if number is not None else "no rule (denied by default)"
                    problems.append(f"{acl['NetworkAclId']} of {subnet} denies {'outbound' if egress_rule else 'inbound'} TCP {port} ({where})")
    if problems:
        return _fail(name, "; ".join(problems), "allow TCP 443 and 5432 (and the ephemeral return ports) within the VPC's CIDR in both directions")
    return _pass(name, f"TCP {' and '.join(map(str, MWAA_PORTS))} allowed in and out within {vpc_cidr}")


def _acl_decision(entries: list[dict], egress_rule: bool, port: int, vpc_cidr: str) -> tuple[str, int | None]:
    for entry in sorted((e for e in entries if e.get("Egress") == egress_rule), key=lambda e: e["RuleNumber"]):
        protocol = str(entry.get("Protocol", "-1"))
        ports = entry.get("PortRange")
        if protocol not in ("-1", "6"):
            continue
        if protocol == "6" and ports and not ports.get("From", 0) <= port <= ports.get("To", 65535):
            continue
        cidr = entry.get("CidrBlock")
        if not cidr or not ipaddress.ip_network(cidr).overlaps(ipaddress.ip_network(vpc_cidr)):
            continue
        return str(entry.get("RuleAction", "deny")).lower(), entry["RuleNumber"]
    return "deny", None


# --- names and keys ----------------------------------------------------------------------------


MISSING, FOREIGN, FOUND = "missing", "foreign", "found"


def _head_bucket(aws: Clients, bucket: str, account: str) -> tuple[str, dict]:
    """Whether ``bucket`` is ``FOUND`` in ``account`` (with S3's HeadBucket answer), ``MISSING``,
    or ``FOREIGN``: HeadBucket with ExpectedBucketOwner answers 403 when another account owns it."""
    try:
        return FOUND, aws.s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
    except ClientError as exc:
        code = _code(exc)
        if code in ("404", "NoSuchBucket", "NotFound"):
            return MISSING, {}
        if code in ("403", "AccessDenied", "Forbidden"):
            return FOREIGN, {}
        raise


# HeadBucket answers 403 both to ExpectedBucketOwner naming another owner and to a caller without s3:ListBucket
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
_OR_UNLISTABLE = ", or the deploy role may not list it (s3:ListBucket): S3 answers 403 to both"


def buckets(aws: Clients, facts: Facts) -> Check:
    """Each DAG bucket the stack creates has a free name, or is already this stack's (tags ManagedBy
    and Stack). A bucket the stack imports must exist instead: :func:`adopted` checks it."""
    name = "DAG bucket names"
    if not facts.buckets:
        adopts = f"; it adopts {', '.join(facts.imported_buckets)} (see adopted resources)" if facts.imported_buckets else ""
        return _skip(name, "the stack creates no DAG bucket" + adopts)
    problems, notes = [], []
    for bucket in facts.buckets:
        found, _ = _head_bucket(aws, bucket, facts.account)
        if found == MISSING:
            notes.append(f"{bucket} is free")
            continue
        if found == FOREIGN:
            problems.append(f"{bucket} belongs to another account{_OR_UNLISTABLE}")
            continue
        tags = _bucket_tags(aws, bucket)
        if tags.get("ManagedBy") == "mwaaform" and tags.get("Stack") == facts.stack:
            notes.append(f"{bucket} is already this stack's")
        else:
            problems.append(f"{bucket} exists in {facts.account} and is not this stack's")
    if problems:
        return _fail(name, "; ".join(problems),
                     "bucket names are global and derive from the environment name, account and region: rename the environment, "
                     "or delete or import the bucket that holds the name")
    return _pass(name, "; ".join(notes))


def adopted(aws: Clients, facts: Facts) -> Check:
    """What `pulumi up` imports (``adopt_retained``) exists in the stack's account and region: the DAG
    bucket (S3 HeadBucket with ExpectedBucketOwner: 403 when another account owns the name) and each
    log group (CloudWatch Logs DescribeLogGroups by name prefix, matched exactly). A missing one
    fails the update midway, after everything before it was created. So does one whose configuration
    differs from what the plan imports: a log group's key and retention, a bucket's settings
    (:mod:`mwaaform.preflight.adopted_bucket`)."""
    name = "adopted resources"
    if not facts.imported_buckets and not facts.imported_log_groups:
        return _skip(name, "the stack imports nothing (adopt_retained is off)")
    missing, foreign, adopts = [], [], []
    configured = {b.name: b for b in facts.adopted_buckets}
    bucket_differs: list[Difference] = []
    differ: list[str] = []
    for bucket in facts.imported_buckets:
        found, head = _head_bucket(aws, bucket, facts.account)
        if found == MISSING:
            missing.append(f"bucket {bucket} does not exist")
            continue
        if found == FOREIGN:
            foreign.append(f"bucket {bucket} belongs to another account{_OR_UNLISTABLE}")
            continue
        # HeadBucket answers the bucket's region (BucketRegion) wherever the bucket is; MWAA needs it in its own.
        region = head.get("BucketRegion")
        if region and region != facts.region:
            foreign.append(f"bucket {bucket} is in {region}, not {facts.region}")
            continue
        live_tags, tags_unread = _read_bucket_tags(aws, bucket)  # once: the stack's note and the comparison
        stack = live_tags.get("Stack")
        notes = [f"tagged as stack {stack}'s: make sure that stack no longer manages it"] if stack and stack != facts.stack else []
        if bucket in configured:
            found_differences = differences(aws.s3, aws.kms, configured[bucket]) + _adopted_bucket_tags(configured[bucket], live_tags, tags_unread)
            bucket_differs += found_differences
            differ += [d.describe(bucket) for d in found_differences]
            notes.append(_compared(configured[bucket]))
        adopts.append(f"bucket {bucket}" + (f" ({'; '.join(notes)})" if notes else ""))
    try:
        existing, unread = {g: _log_group(aws, g) for g in facts.imported_log_groups}, ""
    except ClientError as exc:  # the bucket's findings still stand
        existing, unread = {}, _code(exc)
        differ.append(f"could not read the log groups {', '.join(facts.imported_log_groups)} ({unread})")
    gone = [g for g, found in existing.items() if found is None]
    if gone:
        missing.append(f"log group {gone[0]} does not exist" if len(gone) == 1 else f"log groups {', '.join(gone)} do not exist")
    adopts += [f"log group {g}" for g in existing if g not in gone]
    planned = {g.name: g for g in facts.adopted_log_groups}
    differing: dict[str, list[str]] = {}  # how -> the log groups that differ so
    tags_differ = False
    for group, found in existing.items():
        for how in _log_group_differs(planned[group], found) if found is not None and group in planned else ():
            differing.setdefault(how, []).append(group)
        if found is not None and group in planned and planned[group].tags is not None:
            how = _group_tags_differ(aws, planned[group], found)
            if how:
                differing.setdefault(how, []).append(group)
                tags_differ = True
    group_differs = [f"log group{'s' if len(gs) > 1 else ''} {', '.join(gs)}: {how}" for how, gs in differing.items()]
    differ += group_differs
    if not missing and not foreign and not differ:
        return _pass(name, "adopts " + ", ".join(adopts))
    fixes = []
    if missing and adopts:
        fixes.append("create or restore what is missing (a log group: aws logs create-log-group --log-group-name NAME), "
                     "or delete what was retained and turn adopt_retained off")
    elif missing:
        fixes.append("nothing retained is here: turn adopt_retained off to create them, "
                     "or check the account, the region and the environment names the names derive from")
    if foreign:
        fixes.append("a bucket of another account or region cannot be adopted: rename the environment and turn adopt_retained off")
    if bucket_differs:
        fixes.append(_bucket_fix(bucket_differs))
    if group_differs:
        fixes.append("Pulumi imports only what matches the program (else: inputs to import do not match the existing resource): "
                     "give the environment the retained key (encryption.key_arn) and retention (logging.retention_days)"
                     + (", and the log groups the plan's tags (aws logs tag-resource / untag-resource)" if tags_differ else "")
                     + ", or delete the retained log groups and turn adopt_retained off")
    if unread:
        fixes.append("the deploy role needs logs:DescribeLogGroups to check the retained log groups")
    return _fail(name, "; ".join(missing + foreign + differ), "; ".join(fixes))


def _compared(planned: AdoptedBucket) -> str:
    """Which of its settings the check compared with the plan, and which it did not."""
    compared = [label for label, value in (
        ("default encryption", planned.encryption), ("versioning", planned.versioning),
        ("public access block", planned.public_access_block), ("object ownership", planned.object_ownership),
        ("lifecycle", planned.lifecycle), ("access logging", planned.logging), ("bucket policy", planned.policy),
    ) if value is not None]
    said = f"{', '.join(compared)} as planned" if compared else "no setting compared"
    return said + (f"; not checked: {', '.join(planned.unchecked)}" if planned.unchecked else "")


# Where each bucket setting comes from in the spec, and the S3 command that changes it on the bucket.
_SPEC_KEYS = {
    "default encryption": "encryption.key_arn set to the ARN of the key the bucket is under",
    "S3 Bucket Key": "encryption.key_arn set to the ARN of the key the bucket is under",
    "lifecycle": "bucket.noncurrent_version_expiration_days as the bucket's rule has it",
    "access logging": "bucket.access_logging as the bucket logs",
    "tags": "tags and stack name as when the bucket was created",
}
_S3_COMMANDS = {
    "default encryption": "put-bucket-encryption",
    "S3 Bucket Key": "put-bucket-encryption",
    "versioning": "put-bucket-versioning",
    "public access block": "put-public-access-block",
    "object ownership": "put-bucket-ownership-controls",
    "lifecycle": "put-bucket-lifecycle-configuration",
    "lifecycle minimum object size": "put-bucket-lifecycle-configuration",
    "access logging": "put-bucket-logging",
    "bucket policy": "put-bucket-policy",
    "tags": "put-bucket-tagging",
}


def _bucket_fix(found: list[Difference]) -> str:
    unread = list(dict.fromkeys(PERMISSIONS[d.setting] for d in found if d.unread))
    needs = f"the deploy role needs {', '.join(unread)} on the retained bucket to compare what it could not read" if unread else ""
    found = [d for d in found if not d.unread]
    if not found:
        return needs
    settings = list(dict.fromkeys(d.setting for d in found))
    ways = []
    if any(d.same_key for d in found):
        ways.append("write the bucket's key as its ARN (aws s3api put-bucket-encryption), as the plan does")
    spec = list(dict.fromkeys(_SPEC_KEYS[s] for s in settings if s in _SPEC_KEYS and not all(d.same_key for d in found if d.setting == s)))
    if spec:
        ways.append(f"bring the bucket's settings into the spec ({'; '.join(spec)})")
    commands = list(dict.fromkeys(_S3_COMMANDS[s] for s in settings))
    ways.append(f"change the bucket to match the plan (aws s3api {', '.join(commands)})")
    ways.append("turn adopt_retained off (the name stays taken: delete the retained bucket or rename the environment)")
    return ("Pulumi imports the bucket's configuration only as the program declares it (else: inputs to import do not match "
            "the existing resource): " + ", or ".join(ways) + (f"; {needs}" if needs else ""))


def _tags_differ(live: dict[str, str], planned: tuple[tuple[str, str], ...]) -> str:
    """How ``live`` tags differ from what the plan imports (its own tags over the provider's default
    tags): the provider reads back any other tag, or another value, and the import differs."""
    want = dict(planned)
    live = {k: v for k, v in live.items() if not k.startswith("aws:")}  # AWS's own tags: the provider ignores them
    changes = [f"{k} {live[k]!r} (the plan: {want[k]!r})" for k in sorted(want) if k in live and live[k] != want[k]]
    changes += [f"{k} missing" for k in sorted(want) if k not in live]
    changes += [f"{k} not in the plan" for k in sorted(live) if k not in want]
    return ", ".join(changes)


def _adopted_bucket_tags(planned: AdoptedBucket, live: dict[str, str], unread: str) -> list[Difference]:
    if planned.tags is None:
        return []
    if unread:
        return [Difference("tags", unread, "", unread=True)]
    how = _tags_differ(live, planned.tags)
    return [Difference("tags", how, "the stack's")] if how else []


def _group_tags_differ(aws: Clients, planned: AdoptedLogGroup, found: dict) -> str:
    arn = found.get("logGroupArn") or str(found.get("arn", "")).removesuffix(":*")
    try:
        live = aws.logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
    except ClientError as exc:
        return f"tags unread ({_code(exc)}: the deploy role needs logs:ListTagsForResource)"
    how = _tags_differ(live, planned.tags or ())
    return f"tags differ: {how}" if how else ""


def _log_group(aws: Clients, group: str) -> dict | None:
    """DescribeLogGroups' entry of ``group``, or None. A prefix also matches longer names
    (``...-Task`` and ``...-TaskRunner``): only an exact name counts."""
    for page in aws.logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=group):
        for entry in page.get("logGroups", []):
            if entry.get("logGroupName") == group:
                return entry
    return None


def _log_group_differs(planned: AdoptedLogGroup, found: dict) -> list[str]:
    """How an existing log group differs from what the plan imports it as: its key (DescribeLogGroups
    gives kmsKeyId as the key's ARN) and retention (retentionInDays, left out when logs are kept forever)."""
    differs = []
    key = found.get("kmsKeyId")
    under = f"encrypted with {key}" if key else "not encrypted"
    if planned.new_key:
        differs.append(f"{under}, the stack with the new key it creates")
    elif key != planned.kms_key:
        differs.append(f"{under}, the stack with " + (planned.kms_key or "no key"))
    retention = found.get("retentionInDays")
    if retention != planned.retention_days:
        def days(n: int | None) -> str:
            return f"{n} days" if n else "forever"

        differs.append(f"logs kept {days(retention)}, the stack says {days(planned.retention_days)}")
    return differs


# The four settings of an S3 public access block; MWAA requires every one on the DAG bucket
# (https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-s3-bucket.html).
PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def brought_buckets(aws: Clients, facts: Facts) -> Check:
    """A bucket the spec brings (`bucket.name`) exists in the stack's region, is versioned and
    blocks all public access: what MWAA checks of a DAG bucket, and mwaaform cannot set on it."""
    name = "brought DAG buckets"
    if not facts.brought_buckets:
        return _skip(name, "the stack brings no bucket")
    problems, notes = [], []
    for bucket in facts.brought_buckets:
        try:
            # us-east-1 answers no LocationConstraint (S3 GetBucketLocation).
            region = aws.s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchBucket", "NotFound"):
                problems.append(f"{bucket} does not exist")
                continue
            raise
        if region != facts.region:
            problems.append(f"{bucket} is in {region}, not {facts.region}")
            continue
        wrong = []
        if aws.s3.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
            wrong.append("not versioned")
        try:
            block = aws.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        except ClientError as exc:
            if _code(exc) != "NoSuchPublicAccessBlockConfiguration":
                raise
            block = {}
        off = [flag for flag in PUBLIC_ACCESS_FLAGS if not block.get(flag)]
        if off:
            wrong.append(f"public access not blocked ({', '.join(off)} off)")
        if wrong:
            problems.append(f"{bucket}: {'; '.join(wrong)}")
        else:
            notes.append(f"{bucket} is versioned and blocks public access")
    if problems:
        return _fail(name, "; ".join(problems),
                     "MWAA needs the brought bucket in the stack's region, versioned, with all public access blocked: "
                     "ask its owner (README, Bringing your own), or fix bucket.name")
    return _pass(name, "; ".join(notes))


def _read_bucket_tags(aws: Clients, bucket: str) -> tuple[dict[str, str], str]:
    """The bucket's tags, and the error code when S3 would not answer ("" when it did; no tag set
    is no tags)."""
    try:
        return {t["Key"]: t["Value"] for t in aws.s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}, ""
    except ClientError as exc:
        code = _code(exc)
        return {}, "" if code == "NoSuchTagSet" else (code or "an error")


def _bucket_tags(aws: Clients, bucket: str) -> dict[str, str]:
    return _read_bucket_tags(aws, bucket)[0]


def keys(aws: Clients, facts: Facts) -> Check:
    name = "KMS keys"
    if not facts.referenced_keys:
        return _skip(name, "the stack references no existing key")
    problems = []
    for key in facts.referenced_keys:
        try:
            meta = aws.kms.describe_key(KeyId=key)["KeyMetadata"]
        except ClientError as exc:
            problems.append(f"{key}: {_code(exc) or exc}")
            continue
        if meta.get("KeyState") != "Enabled":
            problems.append(f"{key} is {meta.get('KeyState')}")
    if problems:
        return _fail(name, "; ".join(problems), "enable the key (or cancel its deletion), or reference an enabled key in this account and region")
    return _pass(name, f"{len(facts.referenced_keys)} referenced key(s) enabled")


def environment_names(aws: Clients, facts: Facts) -> Check:
    """No other MWAA environment holds an environment's name (MWAA: ListEnvironments, GetEnvironment's tags)."""
    name = "environment names"
    existing: set[str] = set()
    kwargs: dict = {}
    while True:
        page = aws.mwaa.list_environments(**kwargs)
        existing.update(page.get("Environments", []))
        if not page.get("NextToken"):
            break
        kwargs = {"NextToken": page["NextToken"]}
    problems, notes = [], []
    for env in facts.environments:
        if env not in existing:
            notes.append(f"{env} is free")
            continue
        tags = aws.mwaa.get_environment(Name=env)["Environment"].get("Tags", {})
        if tags.get("ManagedBy") == "mwaaform" and tags.get("Stack") == facts.stack:
            notes.append(f"{env} is already this stack's")
        else:
            problems.append(f"{env} is taken by an environment that is not this stack's")
    if problems:
        return _fail(name, "; ".join(problems), "rename the environment in the spec, or delete the other environment")
    return _pass(name, "; ".join(notes))


CHECKS: tuple[Callable[[Clients, Facts], Check], ...] = (
    vpc, subnets, private, egress, security_groups, security_group_rules, network_acls, buckets, adopted, brought_buckets,
    keys, environment_names,
)
