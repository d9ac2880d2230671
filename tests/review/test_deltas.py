"""Permissions, alarms and policy findings: what a change adds and removes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from mwaaform.plan.model import Plan, RecordedResource
from mwaaform.plan.run import plan_stack
from mwaaform.review.deltas import Finding, Permission, RoleDelta, alarms, compare, cost_delta, findings, permissions, role_deltas
from mwaaform.spec.loader import load_file
from tests.conftest import MINIMAL

GRANT = """    access:
      data:
        - name: landing
          read: ["arn:aws:s3:::acme-landing/incoming/*"]
"""
ALARMS = """    alarms:
      enabled: true
      emails: [oncall@example.com]
"""


@pytest.fixture
def plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def make(text: str) -> Plan:
        (tmp_path / "stack.yaml").write_text(text)
        stack, diagnostics = load_file(tmp_path / "stack.yaml")
        assert stack is not None, [str(d) for d in diagnostics]
        return plan_stack(stack, policies=False).plan

    return make


def no_findings(plan: Plan) -> list:
    return []


def test_a_data_grant_adds_exactly_its_permissions_to_the_execution_role(plan):
    base, head = plan(MINIMAL), plan(MINIMAL + GRANT)
    (role,) = compare(base, head, no_findings).roles
    assert role.role == "sample-dev-role" and role.status == "changed"
    assert Permission("Allow", "s3:GetObject", "arn:aws:s3:::acme-landing/incoming/*") in role.added
    assert {p.resource for p in role.added} == {"arn:aws:s3:::acme-landing/incoming/*"}
    assert role.removed == ()
    # And the other way round: removing the grant removes the same permissions.
    (back,) = compare(head, base, no_findings).roles
    assert back.removed == role.added and back.added == ()


def test_turning_alarms_on_and_off_lists_them(plan):
    base, head = plan(MINIMAL), plan(MINIMAL + ALARMS)
    on = compare(base, head, no_findings)
    # The alarms mwaaform defines by default (mwaaform/alarms.py), named after the environment.
    assert on.alarms_added == tuple(
        f"sample-dev-{a}"
        for a in sorted(
            ["cpu-base-worker", "cpu-scheduler", "import-errors", "memory-base-worker", "memory-scheduler", "queued-tasks", "scheduler-heartbeat", "task-failures"]
        )
    )
    assert on.alarms_removed == ()
    off = compare(head, base, no_findings)
    assert off.alarms_removed == on.alarms_added and off.alarms_added == ()


@dataclass(frozen=True)
class FakeViolation:
    level: str
    policy: str
    urn: str
    message: str


def test_findings_are_new_fixed_or_unchanged():
    base, head = Plan("p", "base", [], {}), Plan("p", "head", [], {})
    kept = FakeViolation("advisory", "tags", "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "missing tag")
    gone = FakeViolation("mandatory", "tls", "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "no TLS")
    new = FakeViolation("mandatory", "public", "urn:pulumi:s::p::aws:s3/bucket:Bucket::c", "public")
    findings = compare(base, head, lambda p: [kept, gone] if p.stack == "base" else [kept, new]).findings
    assert findings.new == (Finding("mandatory", "public", "c", "public"),)
    assert findings.fixed == (Finding("mandatory", "tls", "b", "no TLS"),)
    assert findings.unchanged == (Finding("advisory", "tags", "b", "missing tag"),)


def test_a_bigger_class_shows_what_it_adds_to_the_monthly_estimate(plan):
    # mw1.small $0.49 and mw1.medium $0.74 an hour in us-east-1
    # (https://aws.amazon.com/managed-workflows-for-apache-airflow/pricing/), 730 hours a month.
    base, head = plan(MINIMAL), plan(MINIMAL + "    environment_class: mw1.medium\n")
    cost = compare(base, head, no_findings).cost
    assert cost.change == round((0.74 - 0.49) * 730, 2) == 182.5
    assert cost.changed and cost.unknown == ()
    ((env, before, after),) = cost.environments
    assert env == "sample-dev" and (before, after) == (cost.base, cost.head)  # one environment: all of it
    assert compare(base, base, no_findings).cost.changed is False


def test_a_new_stack_costs_from_nothing_and_a_deleted_one_to_nothing(plan):
    stack = plan(MINIMAL)
    new, gone = cost_delta(None, stack), cost_delta(stack, None)
    assert new.base is None and new.head > 0 and new.change == new.head
    assert gone.head is None and gone.change == -gone.base
    assert new.environments == (("sample-dev", None, new.head),)


# --- Hand-built plans: every statement shape IAM allows, read as (effect, action, resource).


def resource(name: str, type_: str, parent: str | None = None, inputs: dict | None = None) -> RecordedResource:
    urn = f"urn:pulumi:s::p::{type_}::{name}"
    return RecordedResource(urn, type_, name, not type_.startswith("mwaaform:"), inputs or {}, {}, None, parent, None)


def role_plan(*policies: tuple[str, object], role: str = "env-role") -> Plan:
    owner = resource(role, "mwaaform:role:ExecutionRole")
    children = [resource(f"{role}-p{i}", type_, owner.urn, {"policy": doc}) for i, (type_, doc) in enumerate(policies)]
    return Plan("p", "s", [owner, *children], {})


def test_permissions_read_every_statement_shape():
    inline = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ["arn:aws:sqs:us-east-1:111122223333:q1", "arn:aws:sqs:us-east-1:111122223333:q2"]},
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:s3:::safe"},
        {"Action": ["logs:CreateLogStream"]},  # Effect defaults to Allow; no Resource reads as "*"
    ]}
    managed = {"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}  # one statement, not a list
    plan = role_plan(("aws:iam/rolePolicy:RolePolicy", json.dumps(inline)), ("aws:iam/policy:Policy", managed),
                     ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"Statement": [{"Action": "s3:*", "Resource": "*"}]}))
    assert permissions(plan) == {"env-role": {
        Permission("Allow", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q1"),
        Permission("Allow", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q2"),
        Permission("Deny", "NotAction iam:*", "NotResource arn:aws:s3:::safe"),
        Permission("Deny", "NotAction sts:*", "NotResource arn:aws:s3:::safe"),
        Permission("Allow", "logs:CreateLogStream", "*"),
        Permission("Allow", "kms:Decrypt", "*"),
    }}
    assert str(Permission("Allow", "kms:Decrypt", "*")) == "Allow kms:Decrypt on *"
    assert permissions(None) == {}
    assert permissions(role_plan(("aws:iam/rolePolicy:RolePolicy", None))) == {"env-role": set()}


def test_a_role_created_or_deleted_lists_all_its_permissions():
    grant = {"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]}
    plan = role_plan(("aws:iam/rolePolicy:RolePolicy", grant))
    expected = (Permission("Allow", "s3:GetObject", "arn:aws:s3:::b/*"), Permission("Allow", "s3:PutObject", "arn:aws:s3:::b/*"))
    assert role_deltas(None, plan) == [RoleDelta("env-role", "created", expected, ())]
    assert role_deltas(plan, None) == [RoleDelta("env-role", "deleted", (), expected)]
    assert role_deltas(plan, plan) == []
    # Two roles: deltas come sorted by role, an unchanged role is left out.
    other = role_plan(("aws:iam/rolePolicy:RolePolicy", grant), role="a-role")
    both = Plan("p", "s", [*other.resources, *plan.resources], {})
    assert role_deltas(plan, both) == [RoleDelta("a-role", "created", expected, ())]
    assert [d.role for d in role_deltas(None, both)] == ["a-role", "env-role"]


def test_alarm_names_fall_back_to_the_logical_name_and_only_count_alarms():
    owner = resource("env-alarms", "mwaaform:alarms:EnvironmentAlarms")
    plan = Plan("p", "s", [
        owner,
        resource("a1", "aws:cloudwatch/metricAlarm:MetricAlarm", owner.urn, {"name": "env-cpu"}),
        resource("a2", "aws:cloudwatch/metricAlarm:MetricAlarm", owner.urn),
        resource("t", "aws:sns/topic:Topic", owner.urn, {"name": "env-topic"}),
        resource("stray", "aws:cloudwatch/metricAlarm:MetricAlarm", None, {"name": "not-ours"}),
    ], {})
    assert alarms(plan) == {"env-cpu", "a2"}
    assert alarms(None) == set()
    deltas = compare(None, plan, no_findings)
    assert deltas.alarms_added == ("a2", "env-cpu") and deltas.alarms_removed == ()


def test_findings_name_the_resource_or_the_stack_and_list_mandatory_first():
    plan = Plan("p", "s", [], {})
    stack_wide = FakeViolation("advisory", "budget", "urn:pulumi:s::p::pulumi:pulumi:Stack::", "no budget")
    found = [
        FakeViolation("advisory", "a-tags", "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "missing tag"),
        FakeViolation("mandatory", "z-tls", "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", "no TLS"),
        FakeViolation("mandatory", "z-tls", "urn:pulumi:s::p::aws:s3/bucket:Bucket::a", "no TLS"),
        stack_wide,
    ]
    assert findings(None, lambda p: found) == set()
    new = compare(None, plan, lambda p: found).findings.new
    assert new == (
        Finding("mandatory", "z-tls", "a", "no TLS"),
        Finding("mandatory", "z-tls", "b", "no TLS"),
        Finding("advisory", "a-tags", "b", "missing tag"),
        Finding("advisory", "budget", "stack", "no budget"),
    )
    assert str(new[0]) == "[mandatory] z-tls: no TLS (a)"
    fixed = compare(plan, Plan("p", "t", [], {}), lambda p: found if p.stack == "s" else []).findings
    assert fixed.fixed == new and fixed.new == () and fixed.unchanged == ()
    kept = compare(plan, plan, lambda p: found).findings
    assert kept.unchanged == new and kept.new == () and kept.fixed == ()
