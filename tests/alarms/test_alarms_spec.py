"""The alarms and flow-logs spec: secure defaults, and errors that name the field and its line."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mwaaform.spec.alarms import Alarms, FlowLogs
from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

TOPIC = "arn:aws:sns:us-east-1:111122223333:ops-alarms"
# MINIMAL ends with the environment at line 15; `alarms:` is line 16, its first key line 17.
ALARMS_LINE = 16


def errors(path) -> list[tuple[int, str, str]]:
    return [(d.position.line, d.path, d.message) for d in load([path]).diagnostics if d.severity == "error"]


def only_error(write_spec, alarms_yaml: str) -> tuple[int, str, str]:
    found = errors(write_spec(MINIMAL + "    alarms:\n" + alarms_yaml))
    assert len(found) == 1, found
    return found[0]


def test_alarms_are_off_by_default_and_need_no_target():
    alarms = Alarms()
    assert alarms.enabled is False and alarms.creates_topic
    assert (alarms.emails, alarms.https_endpoints) == ([], [])


def test_default_thresholds():
    """The documented defaults: what a prod environment gets when alarms are turned on."""
    alarms = Alarms(enabled=True, emails=["ops@example.com"])
    assert alarms.scheduler_heartbeat.minutes == 5
    assert (alarms.task_failures.threshold, alarms.task_failures.window_minutes) == (1, 60)
    assert alarms.import_errors.minutes == 10
    queued = alarms.queued_tasks
    assert (queued.statistic, queued.threshold, queued.period_minutes, queued.evaluation_periods, queued.datapoints_to_alarm) == (
        "Average", 50, 5, 3, 3)
    for utilization in (alarms.cpu, alarms.memory):
        assert (utilization.threshold, utilization.period_minutes, utilization.evaluation_periods) == (85, 5, 3)
        assert utilization.clusters == ["Scheduler", "BaseWorker"]


@pytest.mark.parametrize(
    "target",
    [
        {"topic_arn": TOPIC},
        {"emails": ["ops@example.com", "oncall+mwaa@sub.example.org"]},
        {"https_endpoints": ["https://events.pagerduty.com/integration/abc/enqueue"]},
        {"emails": ["ops@example.com"], "https_endpoints": ["https://hooks.example.com/alarms"]},
    ],
)
def test_valid_targets(target):
    assert Alarms(enabled=True, **target).enabled


def test_enabled_without_anyone_to_notify(write_spec):
    line, path, message = only_error(write_spec, "      enabled: true\n")
    assert (line, path) == (ALARMS_LINE, "environments[0].alarms")
    assert message == "alarms are on but notify nobody: set topic_arn or emails/https_endpoints"


def test_topic_arn_and_emails_exclude_each_other(write_spec):
    line, path, message = only_error(
        write_spec, f"      enabled: true\n      topic_arn: {TOPIC}\n      emails: [ops@example.com]\n"
    )
    assert (line, path) == (19, "environments[0].alarms.emails")
    assert "remove them or remove topic_arn" in message


def test_topic_arn_and_https_endpoints_exclude_each_other():
    with pytest.raises(ValidationError, match="https_endpoints subscribe to the topic mwaaform creates"):
        Alarms(topic_arn=TOPIC, https_endpoints=["https://hooks.example.com/a"])


def test_bad_email_is_reported_at_its_index(write_spec):
    line, path, message = only_error(write_spec, "      emails: [ops@example.com, not-an-address]\n")
    assert (line, path) == (17, "environments[0].alarms.emails[1]")
    assert message == "'not-an-address' is not an e-mail address"


def test_duplicate_email_is_an_error():
    with pytest.raises(ValidationError, match="emails lists 'OPS@example.com' twice"):
        Alarms(emails=["ops@example.com", "OPS@example.com"])


@pytest.mark.parametrize("url", ["http://hooks.example.com/a", "https://", "hooks.example.com", "https://a b.example.com"])
def test_https_endpoints_must_be_https_urls(url):
    with pytest.raises(ValidationError, match="is not an https:// URL"):
        Alarms(https_endpoints=[url])


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sqs:us-east-1:111122223333:ops",  # not SNS
        "arn:aws:sns:us-east-1:1111:ops",  # account is 12 digits
        "arn:aws:sns:us-east-1:111122223333:ops.fifo",  # CloudWatch cannot notify FIFO topics
        "ops-alarms",
    ],
)
def test_topic_arn_pattern(arn, write_spec):
    line, path, message = only_error(write_spec, f"      topic_arn: {arn}\n")
    assert (line, path) == (17, "environments[0].alarms.topic_arn")
    assert "is not an SNS topic ARN" in message


def test_datapoints_cannot_exceed_evaluation_periods(write_spec):
    line, path, message = only_error(write_spec, "      queued_tasks: {evaluation_periods: 2, datapoints_to_alarm: 3}\n")
    assert path == "environments[0].alarms.queued_tasks.datapoints_to_alarm"
    assert message == "datapoints_to_alarm (3) is above evaluation_periods (2)"


@pytest.mark.parametrize(
    "section, value",
    [
        ("scheduler_heartbeat", {"minutes": 1}),  # one missing minute must not page anyone
        ("scheduler_heartbeat", {"minutes": 61}),
        ("task_failures", {"threshold": 0}),
        ("task_failures", {"window_minutes": 1441}),  # CloudWatch: period x periods <= one day
        ("import_errors", {"minutes": 0}),
        ("queued_tasks", {"period_minutes": 61}),
        ("queued_tasks", {"evaluation_periods": 25}),
        ("queued_tasks", {"statistic": "Sum"}),
        ("cpu", {"threshold": 101}),
        ("memory", {"threshold": 0}),
        ("cpu", {"clusters": []}),
        ("cpu", {"clusters": ["WebServer"]}),
        ("memory", {"clusters": ["Scheduler", "Scheduler"]}),
    ],
)
def test_bounds(section, value):
    with pytest.raises(ValidationError) as raised:
        Alarms(**{section: value})
    assert raised.value.errors()[0]["loc"][0] == section


def test_unknown_key_is_an_error():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Alarms(scheduler_heartbeat={"treshold": 3})


def test_flow_logs_defaults():
    flow_logs = FlowLogs()
    assert (flow_logs.enabled, flow_logs.retention_days, flow_logs.traffic_type) == (False, 90, "ALL")


def test_flow_logs_retention_must_be_a_cloudwatch_value():
    # PutRetentionPolicy accepts 30 and 60, not 45.
    with pytest.raises(ValidationError):
        FlowLogs(retention_days=45)
    assert FlowLogs(retention_days=3653).retention_days == 3653


def test_flow_logs_traffic_type_is_a_closed_set():
    assert FlowLogs(traffic_type="REJECT").traffic_type == "REJECT"
    with pytest.raises(ValidationError):
        FlowLogs(traffic_type="all")
