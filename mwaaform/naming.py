"""Names of AWS resources, derived from stable spec keys (never list positions).

Names that must be unique in AWS (S3 buckets are global) get a short digest of the account,
region and environment name, so two stacks can never race for the same name and renaming
nothing renames nothing.
"""

from __future__ import annotations

import hashlib
import re

# S3 bucket names: 3-63 characters, lowercase letters, digits, '-' and '.'; start and end with a
# letter or digit. https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
BUCKET_MAX = 63
# IAM role names: at most 64 characters; policy names at most 128.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
ROLE_MAX = 64
POLICY_MAX = 128


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")


def _fit(prefix: str, suffix: str, limit: int) -> str:
    room = limit - len(suffix) - 1
    return f"{prefix[:room].rstrip('-')}-{suffix}"


def bucket_name(env: str, account_id: str, region: str) -> str:
    """`airflow-<env>-<digest>`: MWAA's conventional prefix, globally unique, at most 63 chars."""
    return _fit(f"airflow-{_slug(env)}", _digest(account_id, region, env), BUCKET_MAX)


def role_name(env: str, region: str) -> str:
    """Execution role name; IAM is global, so the region is part of it."""
    name = f"mwaa-{env}-{region}"
    return name if len(name) <= ROLE_MAX else _fit(f"mwaa-{env}", _digest(env, region), ROLE_MAX)


def policy_name(env: str, region: str, purpose: str) -> str:
    name = f"mwaa-{env}-{region}-{purpose}"
    return name if len(name) <= POLICY_MAX else _fit(f"mwaa-{env}", _digest(env, region, purpose), POLICY_MAX)


def attachment_suffix(policy_arn: str) -> str:
    """Logical-name suffix of an attached managed policy: its name plus a digest of the whole ARN,
    so reordering the list renames nothing and two policies of one name never collide."""
    return f"managed-{_slug(policy_arn.rsplit('/', 1)[-1])[:40]}-{_digest(policy_arn)}"


def key_alias(env: str) -> str:
    return f"alias/mwaaform/{env}"


LOG_TYPES = ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")


def log_group_names(env: str) -> dict[str, str]:
    """The five groups MWAA writes to, `airflow-{env}-{Type}`
    (https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-airflow.html)."""
    return {log_type: f"airflow-{env}-{log_type}" for log_type in LOG_TYPES}


# KMS alias names: letters, digits, '/', '_' and '-' only; a Pulumi stack name may also hold '.'.
# https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html
_NOT_IN_ALIAS = re.compile(r"[^A-Za-z0-9_-]")


def flow_log_group_name(stack: str) -> str:
    return f"/mwaaform/{stack}/vpc-flow-logs"


def stack_key_alias(stack: str) -> str:
    """The stack's own key (flow logs, and log groups of environments without a key); a stack name
    KMS cannot take is spelled with '-' plus a digest, so `prod.data` and `prod-data` stay distinct."""
    part = _NOT_IN_ALIAS.sub("-", stack)
    if part != stack:
        part = f"{part}-{_digest(stack)}"
    return f"alias/mwaaform/{part}/logs"
