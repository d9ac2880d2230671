"""``mwaaform preflight``: assume each stack's deploy role, run every check, print pass or fail."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

from mwaaform.preflight.checks import CHECKS, Check, Clients
from mwaaform.preflight.facts import Facts, facts_from_plan
from mwaaform.spec.loader import LoadedStack

SESSION_NAME = "mwaaform-preflight"


@dataclass(frozen=True)
class StackReport:
    facts: Facts
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]


def facts_of(stack: LoadedStack) -> Facts:
    """The stack's facts, from its offline plan (the program `pulumi up` would run)."""
    from mwaaform.plan.run import plan_stack

    return facts_from_plan(plan_stack(stack, policies=False).plan, stack.spec)


def _role_name(role_arn: str) -> str:
    return role_arn.rsplit("/", 1)[-1]


def assume(facts: Facts, base=None):
    """A session as the stack's deploy role, and the checks of that step (role, account).

    Already running as that role (CI assumed it through OIDC): use the session as it is.
    """
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    base = base or boto3.Session()
    checks: list[Check] = []
    session = base
    try:
        identity = base.client("sts", region_name=facts.region).get_caller_identity()
        if facts.deploy_role_arn:
            current = identity["Arn"]
            role_account = facts.deploy_role_arn.split(":")[4]
            if f":assumed-role/{_role_name(facts.deploy_role_arn)}/" in current and current.split(":")[4] == role_account:
                checks.append(Check("deploy role", "pass", f"already running as {_role_name(facts.deploy_role_arn)}"))
            else:
                args = {"RoleArn": facts.deploy_role_arn, "RoleSessionName": SESSION_NAME}
                if facts.external_id:
                    args["ExternalId"] = facts.external_id
                creds = base.client("sts", region_name=facts.region).assume_role(**args)["Credentials"]
                session = boto3.Session(
                    aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"], region_name=facts.region,
                )
                with_id = " with its external id" if facts.external_id else ""
                checks.append(Check("deploy role", "pass", f"assumed {facts.deploy_role_arn}{with_id}"))
            identity = session.client("sts", region_name=facts.region).get_caller_identity()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        return None, [Check(
            "deploy role", "fail", f"cannot assume {facts.deploy_role_arn}: {error.get('Code')}: {error.get('Message')}",
            f"the role's trust policy must allow {identity_arn(base)}" + (" with the spec's external id" if facts.external_id else ""),
        )]
    except BotoCoreError as exc:
        return None, [Check("deploy role", "fail", f"cannot reach AWS as {facts.deploy_role_arn or 'the current identity'}: {exc}",
                            "set AWS credentials (a profile, SSO or environment variables) that may assume the deploy role")]
    if identity["Account"] != facts.account:
        checks.append(Check("account", "fail", f"the credentials are of account {identity['Account']}, the spec's is {facts.account}",
                            "use credentials (or a deploy role) of the spec's account"))
        return None, checks
    checks.append(Check("account", "pass", f"{identity['Account']} as {identity['Arn']}"))
    return session, checks


def identity_arn(session) -> str:
    try:
        return session.client("sts").get_caller_identity()["Arn"]
    except Exception:  # noqa: BLE001 - only words the advice
        return "your identity"


def run_checks(facts: Facts, base=None) -> list[Check]:
    from botocore.exceptions import BotoCoreError, ClientError

    session, checks = assume(facts, base)
    if session is None:
        return checks
    clients = Clients(*(session.client(name, region_name=facts.region) for name in ("ec2", "s3", "kms", "mwaa", "logs")))
    for check in CHECKS:
        try:
            checks.append(check(clients, facts))
        except (ClientError, BotoCoreError) as exc:
            label = check.__name__.replace("_", " ")
            checks.append(Check(label, "fail", f"could not check: {exc}",
                                "the deploy role needs read access: ec2:Describe*, s3:ListBucket and s3:GetBucketTagging "
                                "(and of a brought bucket s3:GetBucketLocation, s3:GetBucketVersioning and "
                                "s3:GetBucketPublicAccessBlock), kms:DescribeKey, airflow:ListEnvironments and airflow:GetEnvironment "
                                "(and with adopt_retained logs:DescribeLogGroups, logs:ListTagsForResource and, of the retained bucket, "
                                "s3:GetEncryptionConfiguration, s3:GetBucketVersioning, s3:GetBucketPublicAccessBlock, "
                                "s3:GetBucketOwnershipControls, s3:GetLifecycleConfiguration, s3:GetBucketLogging and s3:GetBucketPolicy)"))
    return checks


def render(report: StackReport) -> str:
    f = report.facts
    lines = [f"{f.stack}: account {f.account}, {f.region}" + (f", as {f.deploy_role_arn}" if f.deploy_role_arn else "")]
    width = max(len(c.name) for c in report.checks)
    for check in report.checks:
        mark = {"pass": "pass", "fail": "FAIL", "skip": "skip"}[check.status]
        lines.append(f"  {mark}  {check.name.ljust(width)}  {check.detail}")
        if check.fix:
            lines.append(f"        {' ' * width}  fix: {check.fix}")
    return "\n".join(lines) + "\n"


def preflight(stacks: Sequence[LoadedStack], base=None) -> list[StackReport]:
    from mwaaform.plan.run import _user_errors

    reports = []
    for stack in stacks:
        try:
            facts = facts_of(stack)
        except _user_errors() as exc:  # a stack that cannot be planned cannot be checked either
            facts = Facts(stack.name, stack.spec.account.id, stack.spec.account.region, stack.spec.account.deploy_role_arn)
            reports.append(StackReport(facts, [Check("plan", "fail", f"cannot plan the stack: {exc}", f"run `mwaaform plan {stack.path}`")]))
            continue
        reports.append(StackReport(facts, run_checks(facts, base)))
    return reports


def preflight_command(stacks: Sequence[LoadedStack]) -> int:
    reports = preflight(stacks)
    sys.stdout.write("\n".join(render(r) for r in reports))
    failed = sum(len(r.failed) for r in reports)
    if failed:
        print(f"{failed} check{'s' if failed != 1 else ''} failed", file=sys.stderr)
        return 1
    return 0


def failures_of(stacks: Sequence[LoadedStack]) -> list[tuple[str, str]]:
    """For rollout: each stack's failed checks, as (stack, message)."""
    return failures(preflight(stacks))


def failures(reports: Sequence[StackReport]) -> list[tuple[str, str]]:
    return [(r.facts.stack, "; ".join(f"{c.name}: {c.detail}" for c in r.failed)) for r in reports if r.failed]
