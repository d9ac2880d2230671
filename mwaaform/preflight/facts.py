"""What a preflight checks, read from the stack's recorded plan.

The plan is the one truth about what the stack will create and reference: the provider's deploy
role and account, the environments' subnets and security groups, the buckets and keys, and what
`pulumi up` imports (adopts) instead of creating (``adopt_retained``: each resource's import id).
The only facts the plan does not hold are the availability zones the spec declares for existing
subnets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mwaaform.plan.engine import Plan
from mwaaform.spec.models import StackSpec

PROVIDER = "pulumi:providers:aws"
ENVIRONMENT = "aws:mwaa/environment:Environment"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
BUCKET = "aws:s3/bucket:Bucket"
KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
# The resources that configure a DAG bucket (components/bucket.py), each imported by the bucket's name.
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
# The plan's input name of each public access block setting -> S3's (GetPublicAccessBlock).
PUBLIC_ACCESS_INPUTS = {
    "blockPublicAcls": "BlockPublicAcls",
    "ignorePublicAcls": "IgnorePublicAcls",
    "blockPublicPolicy": "BlockPublicPolicy",
    "restrictPublicBuckets": "RestrictPublicBuckets",
}


@dataclass(frozen=True)
class PlannedRule:
    """A security group rule the stack creates: ``group`` admits/sends ``protocol`` ports from/to ``peer``."""

    direction: str  # "ingress" or "egress"
    group: str
    protocol: str  # "-1" for all, else "tcp"/"6"...
    from_port: int | None
    to_port: int | None
    peer_group: str | None = None
    cidr: str | None = None


@dataclass(frozen=True)
class AdoptedLogGroup:
    """What the plan declares for a log group `pulumi up` imports: Pulumi refuses an import whose
    inputs differ from what exists ("inputs to import do not match the existing resource")."""

    name: str
    kms_key: str | None  # the key ARN the plan encrypts it with; None: no key
    new_key: bool  # that key is one the stack creates, which no retained group can be under yet
    retention_days: int | None  # None: kept forever
    # The tags it must carry: the provider's default tags with the group's own over them (the
    # provider reads back as the group's tags whatever is not a default tag with its default value).
    tags: tuple[tuple[str, str], ...] | None = None  # None: not known offline


@dataclass(frozen=True)
class PlannedEncryption:
    """The default encryption the plan imports a bucket with."""

    algorithm: str  # "AES256" or "aws:kms"
    kms_key: str | None  # as the plan writes it (a key ARN); None: S3's own key
    new_key: bool  # a key the stack creates, which no retained bucket can be under yet
    bucket_key: bool


@dataclass(frozen=True)
class PlannedLifecycleRule:
    """One lifecycle rule, in the terms preflight compares: the whole bucket, these two actions."""

    id: str
    status: str
    noncurrent_days: int | None
    abort_incomplete_days: int | None

    def describe(self) -> str:
        actions = [f"noncurrent versions expire after {self.noncurrent_days} days"] if self.noncurrent_days else []
        actions += [f"incomplete uploads aborted after {self.abort_incomplete_days} days"] if self.abort_incomplete_days else []
        return f"rule {self.id} {self.status.lower()}: " + (", ".join(actions) or "no action")


@dataclass(frozen=True)
class AdoptedBucket:
    """What the plan imports a DAG bucket's configuration with (each resource's recorded inputs):
    Pulumi refuses an import whose inputs differ from what exists. None: the plan imports no such
    resource, or one preflight cannot read (an input only known at deploy time)."""

    name: str
    encryption: PlannedEncryption | None = None
    versioning: str | None = None  # "Enabled"...
    public_access_block: tuple[tuple[str, bool], ...] | None = None  # S3's setting names, in PUBLIC_ACCESS_INPUTS order
    object_ownership: str | None = None
    lifecycle: tuple[PlannedLifecycleRule, ...] | None = None
    logging: tuple[str, str] | None = None  # target bucket, target prefix
    policy: str | None = None  # the bucket policy document (JSON)
    unchecked: tuple[str, ...] = ()  # what else it imports that preflight does not compare
    tags: tuple[tuple[str, str], ...] | None = None  # the bucket's, as for AdoptedLogGroup.tags


@dataclass(frozen=True)
class Facts:
    stack: str
    account: str
    region: str
    deploy_role_arn: str | None = None
    external_id: str | None = None
    # An existing network only: mwaaform creates a managed one, so there is nothing to check yet.
    vpc_id: str | None = None
    subnets: dict[str, str] = field(default_factory=dict)  # subnet id -> declared AZ
    existing_security_groups: tuple[str, ...] = ()
    # Each environment's groups, planned ones included: its members talk to each other through them.
    environment_security_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    planned_rules: tuple[PlannedRule, ...] = ()
    buckets: tuple[str, ...] = ()  # the DAG buckets the stack creates (not those it imports)
    # What `pulumi up` imports instead of creating (adopt_retained), by import id: it must exist.
    # A bucket's configuration resources are imported by the bucket's name too.
    imported_buckets: tuple[str, ...] = ()
    imported_log_groups: tuple[str, ...] = ()
    adopted_log_groups: tuple[AdoptedLogGroup, ...] = ()  # the same, with their planned key and retention
    adopted_buckets: tuple[AdoptedBucket, ...] = ()  # the imported buckets, with the configuration the plan imports
    brought_buckets: tuple[str, ...] = ()  # DAG buckets the spec brings (`bucket.name`)
    referenced_keys: tuple[str, ...] = ()  # KMS key ARNs used but not created by the stack
    environments: tuple[str, ...] = ()

    @property
    def existing_network(self) -> bool:
        return self.vpc_id is not None


def _json(value: Any) -> Any:
    """Provider inputs are JSON-encoded strings on the wire."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def facts_from_plan(plan: Plan, spec: StackSpec) -> Facts:
    provider = next((r for r in plan.resources if r.type == PROVIDER), None)
    roles = _json(provider.inputs.get("assumeRoles")) if provider else None
    role = roles[0] if isinstance(roles, list) and roles else {}
    accounts = _json(provider.inputs.get("allowedAccountIds")) if provider else None
    account = accounts[0] if isinstance(accounts, list) and accounts else spec.account.id

    environments = plan.of_type(ENVIRONMENT)
    planned_groups = {r.id for r in plan.of_type(SECURITY_GROUP) if r.id}
    groups_of: dict[str, tuple[str, ...]] = {}
    env_subnets: list[str] = []
    for env in environments:
        network = env.inputs.get("networkConfiguration") or {}
        groups_of[str(env.inputs.get("name"))] = tuple(g for g in network.get("securityGroupIds", []) if isinstance(g, str))
        env_subnets += [s for s in network.get("subnetIds", []) if isinstance(s, str)]
    env_groups = list(dict.fromkeys(g for groups in groups_of.values() for g in groups))

    existing = spec.network.existing
    declared = {s.id: s.availability_zone for s in existing.private_subnets} if existing else {}
    created_keys = {r.outputs.get("arn") for r in plan.of_type(KMS_KEY)}
    referenced_keys = sorted({k for e in environments if isinstance(k := e.inputs.get("kmsKey"), str) and k not in created_keys})
    created_buckets = sorted(b for r in plan.of_type(BUCKET) if not r.import_id and isinstance(b := r.inputs.get("bucket"), str))
    imported_buckets = _imported(plan, BUCKET)
    default_tags = _json(provider.inputs.get("defaultTags")) if provider else None
    defaults = default_tags.get("tags") if isinstance(default_tags, dict) else {}
    sources = {a.removeprefix("arn:aws:s3:::") for e in environments if isinstance(a := e.inputs.get("sourceBucketArn"), str)}

    return Facts(
        stack=plan.stack,
        account=account,
        region=provider.inputs.get("region", spec.account.region) if provider else spec.account.region,
        deploy_role_arn=role.get("roleArn"),
        external_id=role.get("externalId"),
        vpc_id=existing.vpc_id if existing else None,
        subnets={s: declared.get(s, "") for s in dict.fromkeys(env_subnets)} if existing else {},
        existing_security_groups=tuple(g for g in env_groups if g not in planned_groups) if existing else (),
        environment_security_groups=groups_of,
        planned_rules=tuple(_planned_rules(plan)),
        buckets=tuple(created_buckets),
        imported_buckets=imported_buckets,
        imported_log_groups=_imported(plan, LOG_GROUP),
        adopted_log_groups=tuple(sorted((_adopted_log_group(r, created_keys, defaults) for r in plan.of_type(LOG_GROUP) if r.import_id),
                                        key=lambda g: g.name)),
        adopted_buckets=tuple(_adopted_bucket(plan, b, created_keys, defaults) for b in imported_buckets),
        brought_buckets=tuple(sorted(sources - set(created_buckets) - set(imported_buckets))),
        referenced_keys=tuple(referenced_keys),
        environments=tuple(sorted(n for e in environments if isinstance(n := e.inputs.get("name"), str))),
    )


def _imported(plan: Plan, type_: str) -> tuple[str, ...]:
    """The import ids of the resources of this type `pulumi up` adopts (a bucket's and a log group's is its name)."""
    return tuple(sorted({r.import_id for r in plan.of_type(type_) if r.import_id}))


def _tags(inputs: dict, defaults: Any) -> tuple[tuple[str, str], ...] | None:
    """The tags an imported resource must carry: the provider's default tags, its own over them;
    None when either is not all strings (known only at deploy time)."""
    own = _json(inputs.get("tags")) or {}
    merged = {**(defaults or {}), **own} if isinstance(own, dict) and isinstance(defaults or {}, dict) else None
    if merged is None or not all(isinstance(k, str) and isinstance(v, str) for k, v in merged.items()):
        return None
    return tuple(sorted(merged.items()))


def _adopted_log_group(resource, created_keys: set, defaults: Any = None) -> AdoptedLogGroup:
    key = resource.inputs.get("kmsKeyId")
    retention = resource.inputs.get("retentionInDays")
    return AdoptedLogGroup(
        resource.import_id,
        key if isinstance(key, str) else None,
        isinstance(key, str) and key in created_keys,
        retention if isinstance(retention, int) and retention > 0 else None,
        _tags(resource.inputs, defaults),
    )


def _adopted_bucket(plan: Plan, bucket: str, created_keys: set, defaults: Any = None) -> AdoptedBucket:
    """The recorded inputs of the resources that configure ``bucket`` and carry its name as import id."""
    imported = {r.type: r.inputs for r in plan.resources if r.import_id == bucket and r.type != BUCKET}
    unchecked = sorted(_LABELS.get(t, t.rsplit(":", 1)[-1]) for t in imported if t not in _READERS)
    values = {}
    for type_, read in _READERS.items():
        if type_ in imported:
            value = read(imported[type_], created_keys)
            if value is None:
                unchecked.append(_LABELS[type_] + " (planned in terms preflight does not compare)")
            values[type_] = value
    return AdoptedBucket(
        bucket,
        encryption=values.get(BUCKET_ENCRYPTION),
        versioning=values.get(BUCKET_VERSIONING),
        public_access_block=values.get(BUCKET_PUBLIC_ACCESS),
        object_ownership=values.get(BUCKET_OWNERSHIP),
        lifecycle=values.get(BUCKET_LIFECYCLE),
        logging=values.get(BUCKET_LOGGING),
        policy=values.get(BUCKET_POLICY),
        unchecked=tuple(unchecked),
        tags=next((_tags(r.inputs, defaults) for r in plan.of_type(BUCKET) if r.import_id == bucket), None),
    )


def _only(value: Any) -> dict:
    """The one element of a list input (a rule), or {} when there is not exactly one."""
    value = _json(value)
    return value[0] if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) else {}


def _encryption(inputs: dict, created_keys: set) -> PlannedEncryption | None:
    rule = _only(inputs.get("rules"))
    default = rule.get("applyServerSideEncryptionByDefault") or {}
    algorithm, key = default.get("sseAlgorithm"), default.get("kmsMasterKeyId")
    if not isinstance(algorithm, str) or not (key is None or isinstance(key, str)):
        return None
    return PlannedEncryption(algorithm, key or None, bool(key) and key in created_keys, rule.get("bucketKeyEnabled") is True)


def _versioning(inputs: dict, _keys: set) -> str | None:
    status = (_json(inputs.get("versioningConfiguration")) or {}).get("status")
    return status if isinstance(status, str) else None


def _public_access(inputs: dict, _keys: set) -> tuple[tuple[str, bool], ...]:
    # An input left out is false (the provider's default), as S3 answers it.
    return tuple((flag, inputs.get(key) is True) for key, flag in PUBLIC_ACCESS_INPUTS.items())


def _ownership(inputs: dict, _keys: set) -> str | None:
    ownership = (_json(inputs.get("rule")) or {}).get("objectOwnership")
    return ownership if isinstance(ownership, str) else None


def _lifecycle(inputs: dict, _keys: set) -> tuple[PlannedLifecycleRule, ...] | None:
    """The rules, when each applies to the whole bucket (an empty filter) with only the actions
    preflight compares; else None (not compared)."""
    rules = _json(inputs.get("rules"))
    if not isinstance(rules, list):
        return None
    planned = []
    for rule in rules:
        if not isinstance(rule, dict) or set(rule) - _LIFECYCLE_KEYS or rule.get("filter") not in (None, {}):
            return None
        days = (rule.get("noncurrentVersionExpiration") or {})
        abort = (rule.get("abortIncompleteMultipartUpload") or {})
        if set(days) - {"noncurrentDays"} or set(abort) - {"daysAfterInitiation"}:
            return None
        planned.append(PlannedLifecycleRule(str(rule.get("id")), str(rule.get("status")),
                                            days.get("noncurrentDays"), abort.get("daysAfterInitiation")))
    return tuple(planned)


_LIFECYCLE_KEYS = {"id", "status", "filter", "noncurrentVersionExpiration", "abortIncompleteMultipartUpload"}


def _logging(inputs: dict, _keys: set) -> tuple[str, str] | None:
    target, prefix = inputs.get("targetBucket"), inputs.get("targetPrefix", "")
    return (target, prefix) if isinstance(target, str) and isinstance(prefix, str) else None


def _policy(inputs: dict, _keys: set) -> str | None:
    policy = inputs.get("policy")
    return policy if isinstance(policy, str) and isinstance(_json(policy), dict) else None


_READERS = {
    BUCKET_ENCRYPTION: _encryption,
    BUCKET_VERSIONING: _versioning,
    BUCKET_PUBLIC_ACCESS: _public_access,
    BUCKET_OWNERSHIP: _ownership,
    BUCKET_LIFECYCLE: _lifecycle,
    BUCKET_LOGGING: _logging,
    BUCKET_POLICY: _policy,
}
_LABELS = {
    BUCKET_ENCRYPTION: "default encryption",
    BUCKET_VERSIONING: "versioning",
    BUCKET_PUBLIC_ACCESS: "public access block",
    BUCKET_OWNERSHIP: "object ownership",
    BUCKET_LIFECYCLE: "lifecycle",
    BUCKET_LOGGING: "access logging",
    BUCKET_POLICY: "bucket policy",
}


def _planned_rules(plan: Plan):
    for direction, type_ in (("ingress", INGRESS_RULE), ("egress", EGRESS_RULE)):
        for rule in plan.of_type(type_):
            i = rule.inputs
            yield PlannedRule(
                direction,
                i.get("securityGroupId", ""),
                str(i.get("ipProtocol", "-1")),
                i.get("fromPort"),
                i.get("toPort"),
                peer_group=i.get("referencedSecurityGroupId"),
                cidr=i.get("cidrIpv4"),
            )
