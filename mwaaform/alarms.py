"""What each alarm of an environment watches, and who may publish to its topic: pure data.

Metric names and dimensions are AWS's:

- Namespace ``AmazonMWAA`` (Apache Airflow metrics): SchedulerHeartbeat (Function=Scheduler),
  TaskInstanceFailures (DAG=All, Task=All), ImportErrors (Function=DAG Processing), QueuedTasks
  (Function=Executor); every metric also carries Environment=<environment name>.
  https://docs.aws.amazon.com/mwaa/latest/userguide/access-metrics-cw-202.html (dimension tables)
  https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-dashboard.html (the Environment
  dimension in AWS's own dashboard template)
- Namespace ``AWS/MWAA`` (container metrics): CPUUtilization and MemoryUtilization with
  Cluster=<Scheduler|BaseWorker|AdditionalWorker> and Environment=<environment name>.
  https://docs.aws.amazon.com/mwaa/latest/userguide/accessing-metrics-cw-container-queue-db.html

Alarm fields map one to one onto CloudWatch PutMetricAlarm:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mwaaform.iam.documents import VERSION
from mwaaform.spec.alarms import Alarms, Utilization

AIRFLOW_NAMESPACE = "AmazonMWAA"
CONTAINER_NAMESPACE = "AWS/MWAA"

Comparison = Literal[
    "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"
]
# What an alarm does when a period has no data:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
MissingData = Literal["breaching", "notBreaching", "ignore", "missing"]

# Cluster dimension value -> the kebab-case part of the alarm key.
_CLUSTER_KEYS = {"Scheduler": "scheduler", "BaseWorker": "base-worker", "AdditionalWorker": "additional-worker"}


@dataclass(frozen=True)
class AlarmDefinition:
    """One CloudWatch metric alarm, as PutMetricAlarm takes it (``period`` in seconds)."""

    key: str
    name: str
    description: str
    namespace: str
    metric_name: str
    dimensions: dict[str, str] = field(hash=False)
    statistic: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison_operator: Comparison
    treat_missing_data: MissingData


def alarm_definitions(env_name: str, alarms: Alarms) -> list[AlarmDefinition]:
    """The enabled alarms of environment ``env_name``, each named ``{env_name}-{key}``.

    Returns an empty list when alarms are off. Keys are stable (they become logical names): a
    threshold change updates an alarm in place, it never replaces it.
    """
    if not alarms.enabled:
        return []

    def make(key: str, **values) -> AlarmDefinition:
        return AlarmDefinition(key=key, name=f"{env_name}-{key}", **values)

    def airflow(**dims: str) -> dict[str, str]:
        return {**dims, "Environment": env_name}

    found: list[AlarmDefinition] = []
    heartbeat = alarms.scheduler_heartbeat
    if heartbeat.enabled:
        found.append(
            make(
                "scheduler-heartbeat",
                description=f"MWAA {env_name}: no scheduler heartbeat for {heartbeat.minutes} minutes; "
                "DAG runs are not being scheduled (expected during environment updates and maintenance).",
                namespace=AIRFLOW_NAMESPACE,
                metric_name="SchedulerHeartbeat",
                dimensions=airflow(Function="Scheduler"),
                statistic="Sum",
                period=60,
                evaluation_periods=heartbeat.minutes,
                datapoints_to_alarm=heartbeat.minutes,
                threshold=1,
                comparison_operator="LessThanThreshold",
                # The scheduler heartbeats every few seconds even when idle: by default, no data
                # means no scheduler (tunable, see SchedulerHeartbeat.missing_data).
                treat_missing_data=heartbeat.missing_data,
            )
        )
    failures = alarms.task_failures
    if failures.enabled:
        found.append(
            make(
                "task-failures",
                description=f"MWAA {env_name}: {failures.threshold} or more task instances failed "
                f"within {failures.window_minutes} minutes.",
                namespace=AIRFLOW_NAMESPACE,
                metric_name="TaskInstanceFailures",
                dimensions=airflow(DAG="All", Task="All"),
                statistic="Sum",
                period=failures.window_minutes * 60,
                evaluation_periods=1,
                datapoints_to_alarm=1,
                threshold=failures.threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
            )
        )
    imports = alarms.import_errors
    if imports.enabled:
        found.append(
            make(
                "import-errors",
                description=f"MWAA {env_name}: DAG files have failed to import for {imports.minutes} minutes; "
                "their DAGs are missing (see the DAGProcessing log group).",
                namespace=AIRFLOW_NAMESPACE,
                metric_name="ImportErrors",
                dimensions=airflow(Function="DAG Processing"),
                statistic="Maximum",
                period=60,
                evaluation_periods=imports.minutes,
                datapoints_to_alarm=imports.minutes,
                threshold=0,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
            )
        )
    queued = alarms.queued_tasks
    if queued.enabled:
        found.append(
            make(
                "queued-tasks",
                description=f"MWAA {env_name}: {queued.statistic.lower()} queued tasks at or above {queued.threshold} "
                f"in {queued.datapoints_to_alarm} of {queued.evaluation_periods} periods of {queued.period_minutes} minutes; "
                "workers cannot keep up (raise max workers or the environment class).",
                namespace=AIRFLOW_NAMESPACE,
                metric_name="QueuedTasks",
                dimensions=airflow(Function="Executor"),
                statistic=queued.statistic,
                period=queued.period_minutes * 60,
                evaluation_periods=queued.evaluation_periods,
                datapoints_to_alarm=queued.datapoints_to_alarm,
                threshold=queued.threshold,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
            )
        )
    found += _utilization(env_name, "cpu", "CPUUtilization", alarms.cpu)
    found += _utilization(env_name, "memory", "MemoryUtilization", alarms.memory)
    return found


def _utilization(env_name: str, kind: str, metric: str, settings: Utilization) -> list[AlarmDefinition]:
    if not settings.enabled:
        return []
    label = "CPU" if kind == "cpu" else "memory"
    return [
        AlarmDefinition(
            key=f"{kind}-{_CLUSTER_KEYS[cluster]}",
            name=f"{env_name}-{kind}-{_CLUSTER_KEYS[cluster]}",
            description=f"MWAA {env_name}: {cluster} {label} above {settings.threshold}% for "
            f"{settings.evaluation_periods * settings.period_minutes} minutes.",
            namespace=CONTAINER_NAMESPACE,
            metric_name=metric,
            dimensions={"Cluster": cluster, "Environment": env_name},
            statistic="Average",
            period=settings.period_minutes * 60,
            evaluation_periods=settings.evaluation_periods,
            datapoints_to_alarm=settings.evaluation_periods,
            threshold=settings.threshold,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
        )
        for cluster in settings.clusters
    ]


def alarm_arn_prefix(env_name: str, account_id: str, region: str) -> str:
    """The ARN every alarm of ``env_name`` starts with (alarm ARNs end in ``alarm:<name>``)."""
    return f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{env_name}-"


def topic_policy(topic_arn: str, account_id: str, alarm_arn_prefix: str) -> dict:
    """The resource policy of an alarm topic mwaaform creates.

    Only CloudWatch may publish, and only for this account's alarms whose ARN starts with
    ``alarm_arn_prefix`` (``aws:SourceAccount`` and ``aws:SourceArn`` guard against the confused
    deputy). Nobody else gets anything from this policy: the topic's owner account still
    administers it through its own IAM policies (within one account, an identity policy is enough),
    and a Deny refuses publishing over plain HTTP.
    https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
    https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
    https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html (enforce encryption in transit)
    """
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"{alarm_arn_prefix}*"},
                },
            },
            {
                "Sid": "DenyPublishWithoutTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
