"""Rules on storage: S3 buckets (public access, versioning, encryption, TLS, old versions), KMS
keys and CloudWatch log groups.

A bucket's settings live in separate resources (``BucketVersioning``, ``BucketPolicy``, ...)
whose ``bucket`` input is the bucket's id, unknown until the bucket exists: each setting is
linked to its bucket through the property dependency of that input, so the stack rules hold in a
first preview. Checkov equivalents are named next to each rule.
"""

from __future__ import annotations

from typing import Any

from .base import (
    UNKNOWN,
    Report,
    as_list,
    document,
    get,
    items,
    linked,
    name_of,
    number,
    of_type,
    per_stage,
    settings,
    stage_of,
    statements,
)

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _settings_of(bucket: Any, resources: list[Any], types: tuple[str, ...] | str) -> list[Any]:
    """The resources of ``types`` that configure ``bucket``: linked through their ``bucket`` input
    (its property dependencies), or, for resources without them, naming the bucket's known name."""
    types = (types,) if isinstance(types, str) else types
    name = get(bucket.props, "bucket")
    found = []
    for resource in of_type(resources, *types):
        links = linked(resource, "bucket")
        if bucket.urn in links or (not links and isinstance(name, str) and get(resource.props, "bucket") == name):
            found.append(resource)
    return found


def _buckets(args: Any) -> tuple[list[Any], list[Any]]:
    resources = list(args.resources)
    return of_type(resources, *BUCKET_TYPES), resources


# --- public access (CKV_AWS_53..56, CKV2_AWS_6) ------------------------------------------------


def bucket_public_access_block_validator(args: Any, report_violation: Report) -> None:
    """A public-access block must set all four of its flags."""
    if args.resource_type != PUBLIC_ACCESS_BLOCK:
        return
    off = [flag for flag in PUBLIC_ACCESS_FLAGS if get(args.props, flag) is not True]
    if off:
        bucket = get(args.props, "bucket")
        what = bucket if isinstance(bucket, str) else args.name
        report_violation(f"public access block of {what} leaves {', '.join(off)} off")


def buckets_have_public_access_block_validator(args: Any, report_violation: Report) -> None:
    """Every bucket of the stack has a public-access block."""
    buckets, resources = _buckets(args)
    for bucket in buckets:
        if not _settings_of(bucket, resources, PUBLIC_ACCESS_BLOCK):
            report_violation(f"bucket {name_of(bucket, 'bucket')} has no public access block", bucket.urn)


# --- versioning (CKV_AWS_21) and old versions (CKV2_AWS_61) -------------------------------------


def _versioned(bucket: Any, resources: list[Any]) -> bool:
    if get(bucket.props, "versioning", "enabled") is True:
        return True
    for config in _settings_of(bucket, resources, VERSIONING):
        status = get(config.props, "versioningConfiguration", "status")
        if status == "Enabled" or status is UNKNOWN:
            return True
    return False


def bucket_versioning_validator(args: Any, report_violation: Report) -> None:
    """MWAA reads requirements, plugins and the startup script by object version, and a deleted or
    overwritten DAG can only be recovered from an older version: every bucket is versioned."""
    buckets, resources = _buckets(args)
    for bucket in buckets:
        if not _versioned(bucket, resources):
            report_violation(f"bucket {name_of(bucket, 'bucket')} is not versioned", bucket.urn)


def _expires_noncurrent(rule: Any) -> bool:
    if get(rule, "status") not in ("Enabled", UNKNOWN):
        return False
    expiration = get(rule, "noncurrentVersionExpiration")
    return expiration is UNKNOWN or bool(expiration and get(expiration, "noncurrentDays"))


def bucket_noncurrent_versions_validator(args: Any, report_violation: Report) -> None:
    """A versioned bucket keeps every overwritten object forever unless a lifecycle rule expires
    noncurrent versions: storage grows without bound."""
    buckets, resources = _buckets(args)
    for bucket in buckets:
        if not _versioned(bucket, resources):
            continue
        rules = [rule for config in _settings_of(bucket, resources, LIFECYCLE) for rule in items(get(config.props, "rules", default=[]))]
        if not any(rule is UNKNOWN or _expires_noncurrent(rule) for rule in rules):
            report_violation(
                f"versioned bucket {name_of(bucket, 'bucket')} has no lifecycle rule expiring noncurrent versions", bucket.urn
            )


# --- encryption (CKV_AWS_19, CKV_AWS_145) --------------------------------------------------------

SSE_ALGORITHMS = ("aws:kms", "aws:kms:dsse", "AES256")


def bucket_encryption_validator(args: Any, report_violation: Report) -> None:
    """Every bucket has a default-encryption configuration (an unknown algorithm or key counts: it
    comes from a key the stack is creating)."""
    buckets, resources = _buckets(args)
    for bucket in buckets:
        inline = get(bucket.props, "serverSideEncryptionConfiguration")
        configs = _settings_of(bucket, resources, ENCRYPTION)
        algorithms = [
            get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
            for config in configs
            for rule in items(get(config.props, "rules", default=[]))
        ]
        if inline or any(a is UNKNOWN or a in SSE_ALGORITHMS for a in algorithms):
            continue
        report_violation(f"bucket {name_of(bucket, 'bucket')} has no default encryption", bucket.urn)


# --- TLS only (CKV_AWS_379 / AWS Foundational Security Best Practices S3.5) --------------------


def _denies_insecure_transport(statement: Any) -> bool:
    actions = as_list(get(statement, "Action"))
    principal = get(statement, "Principal")
    condition = get(statement, "Condition", "Bool", "aws:SecureTransport")
    return (
        get(statement, "Effect") == "Deny"
        and (principal == "*" or get(principal, "AWS") == "*")
        and any(action in ("*", "s3:*") for action in actions)
        and str(condition).lower() == "false"
    )


def bucket_tls_only_validator(args: Any, report_violation: Report) -> None:
    """Every bucket's policy denies every request not made over TLS (aws:SecureTransport false)."""
    buckets, resources = _buckets(args)
    for bucket in buckets:
        documents = [document(get(policy.props, "policy")) for policy in _settings_of(bucket, resources, BUCKET_POLICY)]
        if any(doc is UNKNOWN for doc in documents):
            continue  # a document built from values still unknown: `pulumi up` checks it once resolved
        if not any(_denies_insecure_transport(s) for doc in documents for s in statements(doc)):
            report_violation(f"bucket {name_of(bucket, 'bucket')} accepts requests without TLS (no Deny on aws:SecureTransport false)", bucket.urn)


# --- KMS (CKV_AWS_7) -----------------------------------------------------------------------------


def kms_key_rotation_validator(args: Any, report_violation: Report) -> None:
    """Customer-managed keys rotate yearly."""
    if args.resource_type == KMS_KEY and get(args.props, "enableKeyRotation") is not True:
        report_violation("KMS key rotation is off")


# --- log groups (CKV_AWS_66, CKV_AWS_338) ----------------------------------------------------------

RETENTION_CONFIG = {
    "minimumRetentionDays": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 1},
        "default": {"prod": 90, "stage": 30, "*": 1},
        "description": "Fewest days a log group keeps its logs, by stage (Environment tag); '*' for every other stage.",
    }
}


def log_group_retention_validator(args: Any, report_violation: Report) -> None:
    """Logs kept forever cost forever, and logs kept too briefly are gone when an incident needs
    them: every log group has a retention of at least its stage's floor."""
    if args.resource_type != LOG_GROUP:
        return
    name = name_of(args)
    days = number(get(args.props, "retentionInDays"))
    if days is UNKNOWN:
        return
    if not days:
        report_violation(f"log group {name} has no retention (it would keep logs forever)")
        return
    stage = stage_of(args.props)
    floor = per_stage(settings(args, RETENTION_CONFIG)["minimumRetentionDays"], stage)
    if floor and days < floor:
        report_violation(f"log group {name} keeps logs {days} days, fewer than the {floor} required in stage {stage or '*'}")
