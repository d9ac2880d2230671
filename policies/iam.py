"""Rules on IAM documents: no ``*`` actions, ``*`` resources only where AWS documents no other
choice, and MWAA's trust bound to one environment of one account (the confused-deputy guard)."""

from __future__ import annotations

from typing import Any

from .base import UNKNOWN, Report, as_list, document, get, settings, statements

# Resource type -> the input holding its permissions document.
POLICY_DOCUMENTS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"

# Actions with no resource-level permissions that MWAA's execution role needs, so their statements
# must say Resource "*" (Amazon MWAA User Guide, "Amazon MWAA execution role", sample policy:
# https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html), plus the one a VPC
# flow-log role needs (Amazon VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs":
# https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
STAR_RESOURCE_ACTIONS = ("logs:DescribeLogGroups", "s3:GetAccountPublicAccessBlock", "cloudwatch:PutMetricData")

WILDCARD_RESOURCE_CONFIG = {
    "allowedActions": {
        "type": "array",
        "items": {"type": "string"},
        "default": list(STAR_RESOURCE_ACTIONS),
        "description": "Actions that may be allowed on Resource '*' (those without resource-level permissions).",
    }
}

# Service principals of MWAA (the execution role's trust): the User Guide's trust policy names both.
MWAA_PRINCIPALS = ("airflow.amazonaws.com", "airflow-env.amazonaws.com")


def _permission_statements(args: Any) -> list[Any] | Any:
    field = POLICY_DOCUMENTS.get(args.resource_type)
    if field is None:
        return []
    doc = document(get(args.props, field))
    if doc is UNKNOWN:
        return UNKNOWN  # built from values still unknown: `pulumi up` checks it once resolved
    return [s for s in statements(doc) if get(s, "Effect") == "Allow"]


def _sid(statement: Any) -> str:
    sid = get(statement, "Sid")
    return sid if isinstance(sid, str) else "?"


def iam_no_wildcard_actions_validator(args: Any, report_violation: Report) -> None:
    """No ``*`` or ``service:*`` action, and no Allow with ``NotAction``, in any permissions
    document the stack creates (CKV_AWS_290, CKV_AWS_63)."""
    found = _permission_statements(args)
    if found is UNKNOWN:
        return
    for statement in found:
        if get(statement, "NotAction") is not None:
            report_violation(f"statement {_sid(statement)} allows every action but those in NotAction")
        for action in as_list(get(statement, "Action")):
            if isinstance(action, str) and (action == "*" or action.endswith(":*")):
                report_violation(f"statement {_sid(statement)} allows {action}")


def iam_no_wildcard_resources_validator(args: Any, report_violation: Report) -> None:
    """An Allow on Resource ``*`` only for actions that have no resource-level permissions (CKV_AWS_355)."""
    found = _permission_statements(args)
    if found is UNKNOWN:
        return
    allowed = set(settings(args, WILDCARD_RESOURCE_CONFIG)["allowedActions"])
    for statement in found:
        if "*" not in as_list(get(statement, "Resource")):
            continue
        extra = sorted(a for a in as_list(get(statement, "Action")) if isinstance(a, str) and a not in allowed)
        if extra:
            report_violation(f"statement {_sid(statement)} allows {', '.join(extra)} on every resource ('*')")


def _service_principals(statement: Any) -> list[str]:
    services = as_list(get(statement, "Principal", "Service"))
    return [s for s in services if isinstance(s, str)]


def _condition_keys(statement: Any) -> set[str]:
    condition = get(statement, "Condition", default={})
    keys: set[str] = set()
    if condition is UNKNOWN:
        return keys
    for operator in list(condition):
        block = get(condition, operator)
        if block is not UNKNOWN and hasattr(block, "keys"):
            keys.update(key.lower() for key in block.keys())
    return keys


def mwaa_execution_role_trust_validator(args: Any, report_violation: Report) -> None:
    """A role MWAA may assume names the environment (aws:SourceArn) and the account
    (aws:SourceAccount) it acts for, so no other environment can use it (confused deputy:
    https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html)."""
    if args.resource_type != ROLE:
        return
    doc = document(get(args.props, "assumeRolePolicy"))
    if doc is UNKNOWN:
        return
    for statement in statements(doc):
        if get(statement, "Effect") != "Allow" or not set(_service_principals(statement)) & set(MWAA_PRINCIPALS):
            continue
        missing = [key for key in ("aws:SourceArn", "aws:SourceAccount") if key.lower() not in _condition_keys(statement)]
        if missing:
            report_violation(f"role {args.name}: MWAA's trust (statement {_sid(statement)}) has no condition on {' or '.join(missing)}")
