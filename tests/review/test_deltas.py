"""Permissions, alarms and policy findings: what a change adds and removes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mwaaform.plan.model import Plan
from mwaaform.plan.run import plan_stack
from mwaaform.review.deltas import Finding, Permission, compare, cost_delta
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
