"""The mwaa-prod-alarms stack policy: prod environments need notifying heartbeat and failure alarms."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, unknown_checking_proxy

from components.alarms import EnvironmentAlarms, EnvironmentAlarmsArgs
from mwaaform.alarms import alarm_definitions
from mwaaform.plan.engine import run_program
from mwaaform.spec.alarms import Alarms
from policies.alarms import MWAA, METRIC_ALARM, POLICY, prod_alarms_validator

TOPIC = "arn:aws:sns:us-east-1:111122223333:e-alarms"


def resource(resource_type: str, logical_name: str, **props):
    return SimpleNamespace(resource_type=resource_type, props=props, name=logical_name, urn=f"urn:{resource_type}::{logical_name}")


def environment(name: str = "data-prod", stage: str = "prod"):
    return resource(MWAA, name, name=name, tags={"Environment": stage, "Name": name})


def alarm(metric: str, env: str = "data-prod", actions=(TOPIC,), namespace: str = "AmazonMWAA", **props):
    return resource(
        METRIC_ALARM, f"{env}-{metric}", namespace=namespace, metricName=metric,
        dimensions={"Environment": env, "Function": "Scheduler"}, alarmActions=list(actions), **props,
    )


def violations(*resources) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    prod_alarms_validator(SimpleNamespace(resources=list(resources)), lambda message, urn=None: found.append((message, urn)))
    return found


def test_policy_entry():
    assert POLICY["name"] == "mwaa-prod-alarms"
    assert POLICY["enforcement_level"] == "advisory"
    assert POLICY["validate"] is prod_alarms_validator and POLICY["description"]


def test_prod_with_both_alarms_passes():
    assert violations(environment(), alarm("SchedulerHeartbeat"), alarm("TaskInstanceFailures")) == []


def test_prod_without_alarms_reports_both_at_the_environment():
    env = environment()
    found = violations(env)
    assert [urn for _, urn in found] == [env.urn, env.urn]
    assert "no alarm on AmazonMWAA/SchedulerHeartbeat (Environment=data-prod)" in found[0][0]
    assert "no alarm on AmazonMWAA/TaskInstanceFailures (Environment=data-prod)" in found[1][0]


def test_missing_failure_alarm_only():
    found = violations(environment(), alarm("SchedulerHeartbeat"))
    assert len(found) == 1 and "TaskInstanceFailures" in found[0][0]


def test_alarm_that_notifies_nobody_does_not_count():
    found = violations(environment(), alarm("SchedulerHeartbeat", actions=()), alarm("TaskInstanceFailures"))
    assert len(found) == 1 and "SchedulerHeartbeat" in found[0][0]


def test_alarm_on_another_environment_does_not_count():
    found = violations(environment(), alarm("SchedulerHeartbeat", env="data-dev"), alarm("TaskInstanceFailures"))
    assert len(found) == 1 and "SchedulerHeartbeat" in found[0][0]


def test_alarm_in_another_namespace_does_not_count():
    found = violations(environment(), alarm("SchedulerHeartbeat", namespace="Custom"), alarm("TaskInstanceFailures"))
    assert len(found) == 1 and "SchedulerHeartbeat" in found[0][0]


@pytest.mark.parametrize("stage", ["dev", "test", "stage"])
def test_non_prod_environments_are_not_checked(stage):
    assert violations(environment(stage=stage)) == []


def test_each_prod_environment_is_checked_on_its_own():
    found = violations(
        environment("a-prod"), environment("b-prod"),
        alarm("SchedulerHeartbeat", env="a-prod"), alarm("TaskInstanceFailures", env="a-prod"),
    )
    assert [urn for _, urn in found] == [environment("b-prod").urn] * 2


def test_unknown_actions_during_preview_count_as_present():
    """In preview, a new topic's ARN is unknown: pulumi-policy's proxy raises on reading it."""
    def previewed(metric):
        r = alarm(metric)
        r.props = unknown_checking_proxy({**r.props, "alarmActions": UNKNOWN_ARRAY_VALUE})
        return r

    env = environment()
    env.props = unknown_checking_proxy(env.props)
    assert violations(env, previewed("SchedulerHeartbeat"), previewed("TaskInstanceFailures")) == []


def test_what_the_alarms_component_creates_satisfies_the_policy():
    """End to end: the component's alarms, as the engine records them, pass for a prod environment."""
    spec = Alarms(enabled=True, emails=["ops@example.com"])
    args = EnvironmentAlarmsArgs(
        env_name="data-prod", account_id="111122223333", region="us-east-1",
        definitions=alarm_definitions("data-prod", spec), emails=["ops@example.com"], tags={"Environment": "prod"},
    )
    plan = run_program(lambda: EnvironmentAlarms("data-prod-alarms", args))
    stack = [environment()] + [
        SimpleNamespace(resource_type=r.type, props=r.inputs, name=r.name, urn=r.urn) for r in plan.resources
    ]
    assert violations(*stack) == []
    # And without the heartbeat alarm, the policy notices.
    spec_off = Alarms(enabled=True, emails=["ops@example.com"], scheduler_heartbeat={"enabled": False})
    args_off = EnvironmentAlarmsArgs(**{**args.__dict__, "definitions": alarm_definitions("data-prod", spec_off)})
    plan_off = run_program(lambda: EnvironmentAlarms("data-prod-alarms", args_off))
    stack_off = [environment()] + [
        SimpleNamespace(resource_type=r.type, props=r.inputs, name=r.name, urn=r.urn) for r in plan_off.resources
    ]
    assert [m for m, _ in violations(*stack_off) if "SchedulerHeartbeat" in m]
