"""The part of a plan a reviewer reads first: per environment, its permissions and its alarms."""

from __future__ import annotations

import json

from mwaaform.iam.describe import describe_policy
from mwaaform.plan.engine import Plan

ROLE = "mwaaform:role:ExecutionRole"
ALARMS = "mwaaform:alarms:EnvironmentAlarms"
POLICY = "aws:iam/policy:Policy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
MWAA = "aws:mwaa/environment:Environment"


def summarize(plan: Plan) -> str:
    lines: list[str] = []
    for env in plan.of_type(MWAA):
        name = env.inputs.get("name", env.name)
        lines.append(f"Environment {name}:")
        lines += _permissions(plan, name)
        lines += _owner_requirements(plan, name)
        lines += _alarms(plan, name)
    return "\n".join(lines) + ("\n" if lines else "")


def _permissions(plan: Plan, env: str) -> list[str]:
    lines = ["  Permissions of the execution role:"]
    roles = [r for r in plan.of_type(ROLE) if r.name == f"{env}-role"]
    for role in roles:
        for policy in plan.children_of(role.urn):
            if policy.type != POLICY:
                continue
            document = policy.inputs.get("policy")
            if isinstance(document, str):
                document = json.loads(document)
            lines.append(f"    {policy.inputs.get('name', policy.name)}:")
            lines += [f"      {line}" for line in describe_policy(document or {})]
    return lines


def _owner_requirements(plan: Plan, env: str) -> list[str]:
    """What the owners of a brought key or execution role must add (the stack exports it as
    ``<env>.owner_requirements``; the JSON plan's outputs carry the documents to copy)."""
    outputs = plan.outputs.get(env)
    requirements = outputs.get("owner_requirements") if isinstance(outputs, dict) else None
    if not requirements:
        return []
    lines: list[str] = []
    key = requirements.get("key")
    if key:
        lines.append(f"  The key owner must add to the key policy of {key['key_arn']}:")
        lines += [f"    {line}" for line in describe_policy(key["key_policy_statements"])]
    role = requirements.get("execution_role")
    if role:
        lines.append(f"  The execution role {role['role_arn']} is brought; its owner must give it")
        lines.append("    this trust policy:")
        lines += [f"      {line}" for line in describe_policy(role["trust_policy"])]
        for index, policy in enumerate(role["policies"], start=1):
            lines.append(f"    permission policy {index}:")
            lines += [f"      {line}" for line in describe_policy(policy)]
    lines.append(f"  (documents to copy: `pulumi stack output {env} --json`, under owner_requirements)")
    return lines


def _alarms(plan: Plan, env: str) -> list[str]:
    components = [c for c in plan.of_type(ALARMS) if c.name == f"{env}-alarms"]
    if not components:
        return ["  Alarms: none"]
    lines = ["  Alarms:"]
    for alarm in plan.children_of(components[0].urn):
        if alarm.type != ALARM:
            continue
        i = alarm.inputs
        dims = ", ".join(f"{k}={v}" for k, v in sorted((i.get("dimensions") or {}).items()))
        lines.append(
            f"    {i.get('name', alarm.name)}: {i.get('namespace')}/{i.get('metricName')} [{dims}] "
            f"{i.get('statistic')} {i.get('comparisonOperator')} {i.get('threshold')} "
            f"over {i.get('evaluationPeriods')}x{i.get('period')}s, missing data {i.get('treatMissingData')}"
        )
    return lines
