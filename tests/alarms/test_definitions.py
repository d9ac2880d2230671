"""Alarm definitions, the alarm topic's policy and the flow-log role's documents: pure functions.

Expected metric names and dimensions are AWS's:
https://docs.aws.amazon.com/mwaa/latest/userguide/access-metrics-cw-202.html
https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-dashboard.html
https://docs.aws.amazon.com/mwaa/latest/userguide/accessing-metrics-cw-container-queue-db.html
"""

from __future__ import annotations

import json

import pytest
from parliament import analyze_policy_string

from mwaaform.alarms import alarm_arn_prefix, alarm_definitions, topic_policy
from mwaaform.iam.flow_logs import flow_logs_role_policy, flow_logs_trust_policy
from mwaaform.spec.alarms import Alarms

ENV = "ingest-prod"
ACCOUNT = "111122223333"


def on(**overrides) -> Alarms:
    return Alarms(enabled=True, emails=["ops@example.com"], **overrides)


def by_key(alarms: Alarms) -> dict:
    return {d.key: d for d in alarm_definitions(ENV, alarms)}


def test_no_alarms_when_off():
    assert alarm_definitions(ENV, Alarms(emails=["ops@example.com"])) == []


def test_default_alarm_set_and_names():
    found = by_key(on())
    assert list(found) == [
        "scheduler-heartbeat", "task-failures", "import-errors", "queued-tasks",
        "cpu-scheduler", "cpu-base-worker", "memory-scheduler", "memory-base-worker",
    ]
    assert found["scheduler-heartbeat"].name == "ingest-prod-scheduler-heartbeat"
    assert all(d.name == f"{ENV}-{d.key}" for d in found.values())


@pytest.mark.parametrize(
    "key, namespace, metric, dimensions",
    [
        ("scheduler-heartbeat", "AmazonMWAA", "SchedulerHeartbeat", {"Function": "Scheduler", "Environment": ENV}),
        ("task-failures", "AmazonMWAA", "TaskInstanceFailures", {"DAG": "All", "Task": "All", "Environment": ENV}),
        ("import-errors", "AmazonMWAA", "ImportErrors", {"Function": "DAG Processing", "Environment": ENV}),
        ("queued-tasks", "AmazonMWAA", "QueuedTasks", {"Function": "Executor", "Environment": ENV}),
        ("cpu-scheduler", "AWS/MWAA", "CPUUtilization", {"Cluster": "Scheduler", "Environment": ENV}),
        ("memory-base-worker", "AWS/MWAA", "MemoryUtilization", {"Cluster": "BaseWorker", "Environment": ENV}),
    ],
)
def test_metric_and_dimensions(key, namespace, metric, dimensions):
    definition = by_key(on())[key]
    assert (definition.namespace, definition.metric_name, definition.dimensions) == (namespace, metric, dimensions)


def test_scheduler_heartbeat_missing_data_is_breaching():
    """An idle scheduler still heartbeats: a minute with no heartbeat at all means it is down."""
    d = by_key(on(scheduler_heartbeat={"minutes": 7}))["scheduler-heartbeat"]
    assert (d.statistic, d.comparison_operator, d.threshold) == ("Sum", "LessThanThreshold", 1)
    assert (d.period, d.evaluation_periods, d.datapoints_to_alarm) == (60, 7, 7)
    assert d.treat_missing_data == "breaching"


def test_task_failures_counts_over_the_window():
    d = by_key(on(task_failures={"threshold": 4, "window_minutes": 30}))["task-failures"]
    assert (d.statistic, d.comparison_operator, d.threshold) == ("Sum", "GreaterThanOrEqualToThreshold", 4)
    assert (d.period, d.evaluation_periods, d.datapoints_to_alarm) == (1800, 1, 1)
    assert d.treat_missing_data == "notBreaching"


def test_import_errors_any_for_n_minutes():
    d = by_key(on(import_errors={"minutes": 3}))["import-errors"]
    assert (d.statistic, d.comparison_operator, d.threshold) == ("Maximum", "GreaterThanThreshold", 0)
    assert (d.period, d.evaluation_periods, d.datapoints_to_alarm) == (60, 3, 3)


def test_queued_tasks_m_of_n():
    d = by_key(on(queued_tasks={"statistic": "Maximum", "threshold": 20, "period_minutes": 10,
                                "evaluation_periods": 6, "datapoints_to_alarm": 4}))["queued-tasks"]
    assert (d.statistic, d.comparison_operator, d.threshold) == ("Maximum", "GreaterThanOrEqualToThreshold", 20)
    assert (d.period, d.evaluation_periods, d.datapoints_to_alarm) == (600, 6, 4)


def test_utilization_one_alarm_per_cluster():
    found = by_key(on(cpu={"threshold": 90, "clusters": ["AdditionalWorker"]}, memory={"enabled": False}))
    assert [k for k in found if k.startswith(("cpu", "memory"))] == ["cpu-additional-worker"]
    d = found["cpu-additional-worker"]
    assert d.dimensions == {"Cluster": "AdditionalWorker", "Environment": ENV}
    assert (d.statistic, d.comparison_operator, d.threshold) == ("Average", "GreaterThanThreshold", 90)
    assert (d.period, d.evaluation_periods, d.datapoints_to_alarm) == (300, 3, 3)
    # No additional worker runs until the environment scales out: silence is normal.
    assert d.treat_missing_data == "notBreaching"


def test_disabled_sub_alarms_are_left_out():
    found = by_key(on(scheduler_heartbeat={"enabled": False}, queued_tasks={"enabled": False}))
    assert "scheduler-heartbeat" not in found and "queued-tasks" not in found
    assert "task-failures" in found


@pytest.mark.parametrize(
    "alarms",
    [
        on(),
        on(scheduler_heartbeat={"minutes": 60}, task_failures={"window_minutes": 1440}, import_errors={"minutes": 60},
           queued_tasks={"period_minutes": 60, "evaluation_periods": 24, "datapoints_to_alarm": 24},
           cpu={"period_minutes": 60, "evaluation_periods": 24}),
    ],
)
def test_every_definition_is_valid_for_cloudwatch(alarms):
    """PutMetricAlarm: period a multiple of 60, periods x period <= 86400 s, M <= N, name <= 255.
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"""
    for d in alarm_definitions("e" * 80, alarms):
        assert d.period % 60 == 0 and d.period * d.evaluation_periods <= 86_400, d.key
        assert 1 <= d.datapoints_to_alarm <= d.evaluation_periods, d.key
        assert len(d.name) <= 255 and len(d.description) <= 1024, d.key


# --- the topic policy -------------------------------------------------------------------------

TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:{ENV}-alarms"


def test_only_cloudwatch_from_this_account_may_publish():
    policy = topic_policy(TOPIC, ACCOUNT, alarm_arn_prefix(ENV, ACCOUNT, "us-east-1"))
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish" and allow["Resource"] == TOPIC
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert allow["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{ENV}-*"}


def test_publishing_without_tls_is_denied():
    policy = topic_policy(TOPIC, ACCOUNT, alarm_arn_prefix(ENV, ACCOUNT, "us-east-1"))
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert denies == [
        {
            "Sid": "DenyPublishWithoutTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": TOPIC,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]


def test_alarm_arns_of_the_environment_match_the_prefix():
    prefix = alarm_arn_prefix(ENV, ACCOUNT, "us-east-1")
    for d in alarm_definitions(ENV, on()):
        assert f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{d.name}".startswith(prefix)


# --- the flow-log role ----------------------------------------------------------------------
# https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html

GROUP = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/mwaaform/vpc-flow-logs/net"


def test_flow_logs_trust_policy_guards_the_confused_deputy():
    (statement,) = flow_logs_trust_policy(ACCOUNT, "eu-west-1")["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-flow-log/*"},
    }


def test_flow_logs_role_policy_is_scoped_to_its_group():
    policy = flow_logs_role_policy(GROUP + ":*")  # a trailing ":*" is tolerated
    write, describe = policy["Statement"]
    assert sorted(write["Action"]) == ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    assert write["Resource"] == [GROUP, f"{GROUP}:log-stream:*"]
    # DescribeLogGroups has no resource-level scoping: "*" is the only valid resource.
    assert (describe["Action"], describe["Resource"]) == ("logs:DescribeLogGroups", "*")
    actions = {a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert "logs:CreateLogGroup" not in actions  # mwaaform creates the group


def test_flow_logs_role_policy_passes_parliament():
    findings = analyze_policy_string(json.dumps(flow_logs_role_policy(GROUP))).findings
    assert [(f.issue, f.detail) for f in findings] == []


def test_heartbeat_missing_data_is_breaching_unless_the_spec_says_missing():
    from mwaaform.alarms import alarm_definitions
    from mwaaform.spec.alarms import Alarms

    def heartbeat(alarms):
        return next(d for d in alarm_definitions("etl", alarms) if d.metric_name == "SchedulerHeartbeat")

    on = {"enabled": True, "emails": ["oncall@example.com"]}
    assert heartbeat(Alarms.model_validate(on)).treat_missing_data == "breaching"
    tuned = Alarms.model_validate({**on, "scheduler_heartbeat": {"missing_data": "missing"}})
    assert heartbeat(tuned).treat_missing_data == "missing"


# --- what the on-call reads, and values CloudWatch accepts -------------------------------------


def test_descriptions_say_what_happened_for_how_long_and_what_to_do():
    # Defaults: heartbeat 5 minutes; failures 1 in 60 minutes; import errors 10 minutes; queued
    # tasks average >= 50 in 3 of 3 periods of 5 minutes; CPU and memory 85% for 3 x 5 minutes.
    found = by_key(on())
    assert {key: d.description for key, d in found.items()} == {
        "scheduler-heartbeat": f"MWAA {ENV}: no scheduler heartbeat for 5 minutes; DAG runs are not being scheduled "
        "(expected during environment updates and maintenance).",
        "task-failures": f"MWAA {ENV}: 1 or more task instances failed within 60 minutes.",
        "import-errors": f"MWAA {ENV}: DAG files have failed to import for 10 minutes; their DAGs are missing "
        "(see the DAGProcessing log group).",
        "queued-tasks": f"MWAA {ENV}: average queued tasks at or above 50 in 3 of 3 periods of 5 minutes; "
        "workers cannot keep up (raise max workers or the environment class).",
        "cpu-scheduler": f"MWAA {ENV}: Scheduler CPU above 85% for 15 minutes.",
        "cpu-base-worker": f"MWAA {ENV}: BaseWorker CPU above 85% for 15 minutes.",
        "memory-scheduler": f"MWAA {ENV}: Scheduler memory above 85% for 15 minutes.",
        "memory-base-worker": f"MWAA {ENV}: BaseWorker memory above 85% for 15 minutes.",
    }


def test_utilization_window_is_periods_times_period():
    d = by_key(on(memory={"period_minutes": 10, "evaluation_periods": 4}))["memory-scheduler"]
    assert d.description.endswith("memory above 85% for 40 minutes.") and (d.period, d.evaluation_periods) == (600, 4)


def test_every_alarm_treats_missing_data_as_cloudwatch_spells_it():
    # PutMetricAlarm TreatMissingData: breaching | notBreaching | ignore | missing. Apart from the
    # heartbeat, silence is normal: no import errors, no queued tasks, no failures, no extra workers.
    for d in alarm_definitions(ENV, on(cpu={"clusters": ["Scheduler", "BaseWorker", "AdditionalWorker"]})):
        assert d.treat_missing_data == ("breaching" if d.key == "scheduler-heartbeat" else "notBreaching"), d.key


def test_topic_policy_whole():
    prefix = alarm_arn_prefix(ENV, ACCOUNT, "us-east-1")
    assert prefix == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{ENV}-"
    policy = topic_policy(TOPIC, ACCOUNT, prefix)
    assert policy["Version"] == "2012-10-17"
    assert [s["Sid"] for s in policy["Statement"]] == ["CloudWatchAlarmsPublish", "DenyPublishWithoutTls"]


def test_flow_logs_documents_whole():
    assert flow_logs_trust_policy(ACCOUNT, "eu-west-1") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "VpcFlowLogsAssume",
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-flow-log/*"},
                },
            }
        ],
    }
    assert flow_logs_role_policy(GROUP) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteFlowLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": [GROUP, f"{GROUP}:log-stream:*"],
            },
            {"Sid": "FindLogGroup", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
        ],
    }
