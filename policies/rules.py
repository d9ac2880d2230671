"""The policy rules of the mwaaform pack, as plain validator functions.

Each rule is a ``<rule>_validator(args, report_violation)`` function, tested by calling it
directly, and listed in :data:`POLICIES` with its kebab-case name and enforcement level. The pack
(``policies/__main__.py``) turns the list into CrossGuard policies for ``pulumi preview/up
--policy-pack policies``; ``mwaaform plan`` runs the same functions offline.

This module imports nothing but the standard library and the sibling rule modules, so the pack
runs in its own virtualenv with only pulumi-policy installed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Literal

MWAA = "aws:mwaa/environment:Environment"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET = "aws:s3/bucket:Bucket"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
KMS_KEY = "aws:kms/key:Key"
IAM_POLICY_TYPES = {"aws:iam/policy:Policy": "policy", "aws:iam/rolePolicy:RolePolicy": "policy", "aws:iam/role:Role": "assumeRolePolicy"}

Report = Callable[..., None]


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    kind: Literal["resource", "stack"]
    validate: Callable[[Any, Report], None]
    enforcement_level: Literal["advisory", "mandatory", "disabled"] = "mandatory"


def _is_prod(props: Any) -> bool:
    tags = props.get("tags") or {}
    return tags.get("Environment") == "prod"


def log_group_retention_validator(args: Any, report_violation: Report) -> None:
    """Logs kept forever cost forever and outlive their purpose: every log group has a retention."""
    if args.resource_type == LOG_GROUP and not args.props.get("retentionInDays"):
        report_violation(f"log group {args.props.get('name', args.name)} has no retention (it would keep logs forever)")


def bucket_public_access_block_validator(args: Any, report_violation: Report) -> None:
    """A public-access block must set all four of its flags."""
    if args.resource_type != PUBLIC_ACCESS_BLOCK:
        return
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    off = [flag for flag in flags if args.props.get(flag) is not True]
    if off:
        report_violation(f"public access block of {args.props.get('bucket')} leaves {', '.join(off)} off")


def buckets_have_public_access_block_validator(args: Any, report_violation: Report) -> None:
    """Every bucket of the stack has a public-access block."""
    blocked = {r.props.get("bucket") for r in args.resources if r.resource_type == PUBLIC_ACCESS_BLOCK}
    for resource in args.resources:
        if resource.resource_type == BUCKET and resource.props.get("bucket") not in blocked:
            report_violation(f"bucket {resource.props.get('bucket', resource.name)} has no public access block", resource.urn)


def kms_key_rotation_validator(args: Any, report_violation: Report) -> None:
    if args.resource_type == KMS_KEY and args.props.get("enableKeyRotation") is not True:
        report_violation("KMS key rotation is off")


def iam_no_wildcard_actions_validator(args: Any, report_violation: Report) -> None:
    """No ``*`` or ``service:*`` actions in any policy document the stack creates."""
    field = IAM_POLICY_TYPES.get(args.resource_type)
    if field is None or field == "assumeRolePolicy":
        return
    document = args.props.get(field)
    if isinstance(document, str):
        document = json.loads(document)
    for statement in (document or {}).get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            if action == "*" or action.endswith(":*"):
                report_violation(f"statement {statement.get('Sid', '?')} allows {action}")


def mwaa_prod_private_webserver_validator(args: Any, report_violation: Report) -> None:
    if args.resource_type == MWAA and _is_prod(args.props) and args.props.get("webserverAccessMode") != "PRIVATE_ONLY":
        report_violation(f"prod environment {args.props.get('name')} exposes its web server to the internet")


def mwaa_prod_customer_key_validator(args: Any, report_violation: Report) -> None:
    if args.resource_type == MWAA and _is_prod(args.props) and not args.props.get("kmsKey"):
        report_violation(f"prod environment {args.props.get('name')} is not encrypted with a customer-managed key")


def mwaa_logs_enabled_validator(args: Any, report_violation: Report) -> None:
    """Scheduler and task logs are what an incident needs first."""
    if args.resource_type != MWAA:
        return
    logging = args.props.get("loggingConfiguration") or {}
    for key in ("schedulerLogs", "taskLogs"):
        if not (logging.get(key) or {}).get("enabled"):
            report_violation(f"environment {args.props.get('name')} has {key} off")


def _rules() -> list[Rule]:
    from policies.alarms import POLICY as PROD_ALARMS
    from policies.budget import POLICY as BUDGET

    return [
        Rule("log-group-retention", "Every CloudWatch log group has a retention.", "resource", log_group_retention_validator),
        Rule("s3-public-access-block", "Public access blocks set all four flags.", "resource", bucket_public_access_block_validator),
        Rule("s3-bucket-has-public-access-block", "Every bucket has a public access block.", "stack", buckets_have_public_access_block_validator),
        Rule("kms-key-rotation", "Customer-managed keys rotate.", "resource", kms_key_rotation_validator),
        Rule("iam-no-wildcard-actions", "IAM policies allow no '*' or 'service:*' action.", "resource", iam_no_wildcard_actions_validator),
        Rule("mwaa-prod-private-webserver", "Prod web servers are private.", "resource", mwaa_prod_private_webserver_validator),
        Rule("mwaa-prod-customer-key", "Prod environments use a customer-managed key.", "resource", mwaa_prod_customer_key_validator, "advisory"),
        Rule("mwaa-logs-enabled", "Scheduler and task logs are on.", "resource", mwaa_logs_enabled_validator, "advisory"),
        Rule(PROD_ALARMS["name"], PROD_ALARMS["description"], "stack", PROD_ALARMS["validate"], PROD_ALARMS["enforcement_level"]),
        Rule(BUDGET["name"], BUDGET["description"], "stack", BUDGET["validate"], BUDGET["enforcement_level"]),
    ]


POLICIES: list[Rule] = _rules()
