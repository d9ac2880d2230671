"""Alarms of one environment, where they notify, and the VPC flow logs of the shared network.

Every threshold has a default chosen for a production environment and bounds that keep the alarm
valid for CloudWatch (PutMetricAlarm: ``Period`` is a multiple of 60 s, and ``EvaluationPeriods``
x ``Period`` is at most one day;
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
What each alarm watches (namespace, metric, dimensions, statistic) is in :mod:`mwaaform.alarms`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from mwaaform.spec.base import SpecModel
from mwaaform.spec.values import RetentionDays

# --- notification targets -----------------------------------------------------------------

# SNS topic ARN: arn:<partition>:sns:<region>:<account>:<name>, the name 1-256 letters, digits,
# '-' and '_' (a FIFO topic ends in .fifo; CloudWatch alarms cannot notify FIFO topics).
# https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$")
# A pragmatic address check (one '@', a dotted domain, no spaces); SNS sends a confirmation mail,
# which is the real test. The 254-character limit is RFC 5321's path limit.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def _topic_arn(value: str) -> str:
    if not _TOPIC_ARN.match(value):
        raise ValueError(f"topic_arn {value!r} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)")
    return value


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _https_endpoint(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or " " in value or len(value) > 2048:
        raise ValueError(f"{value!r} is not an https:// URL (SNS HTTPS subscriptions need one)")
    return value


TopicArn = Annotated[str, AfterValidator(_topic_arn)]
Email = Annotated[str, AfterValidator(_email)]
HttpsEndpoint = Annotated[str, AfterValidator(_https_endpoint)]

# Container clusters of an environment in the AWS/MWAA namespace (dimension `Cluster`): the
# scheduler, the base worker every environment has, and the additional (autoscaled) workers.
# https://docs.aws.amazon.com/mwaa/latest/userguide/accessing-metrics-cw-container-queue-db.html
Cluster = Literal["Scheduler", "BaseWorker", "AdditionalWorker"]


def _unique(field: str):
    def check(values: list) -> list:
        seen: set = set()
        for value in values:
            key = value.lower() if isinstance(value, str) else value
            if key in seen:
                raise ValueError(f"{field} lists {value!r} twice")
            seen.add(key)
        return values

    return check


# --- one sub-model per alarm ----------------------------------------------------------------


class SchedulerHeartbeat(SpecModel):
    """The scheduler stopped heartbeating: no DAG runs are scheduled.

    AmazonMWAA/SchedulerHeartbeat (Function=Scheduler), summed per minute, below 1 for `minutes`
    minutes in a row. Missing data counts as breaching: the scheduler heartbeats every few seconds
    even when no DAG runs, so a minute without any heartbeat means the scheduler is down (or the
    environment is updating or in its maintenance window, which this alarm will also report).
    """

    enabled: bool = Field(default=True, description="Create this alarm (when alarms are on).")
    minutes: int = Field(
        default=5,
        ge=2,
        le=60,
        description="Consecutive minutes without a heartbeat before the alarm fires (2-60).",
    )
    missing_data: Literal["breaching", "missing"] = Field(
        default="breaching",
        description="How a minute without any data counts: `breaching` (a silent scheduler is a dead one) or "
        "`missing` (for environments that publish no heartbeat while idle; the alarm then keeps its state).",
    )


class TaskFailures(SpecModel):
    """Task instances fail.

    AmazonMWAA/TaskInstanceFailures (DAG=All, Task=All), summed over `window_minutes`, at or above
    `threshold`. Missing data is not breaching: no data means no task failed.
    """

    enabled: bool = Field(default=True, description="Create this alarm (when alarms are on).")
    threshold: int = Field(default=1, ge=1, le=100_000, description="Failed task instances in one window that fire the alarm.")
    window_minutes: int = Field(
        default=60,
        ge=1,
        le=1440,
        description="Length of the window the failures are counted in, in minutes (1-1440; CloudWatch allows one day).",
    )


class ImportErrors(SpecModel):
    """DAG files fail to import, so their DAGs are missing from Airflow.

    AmazonMWAA/ImportErrors (Function=DAG Processing), maximum per minute, above 0 for `minutes`
    minutes in a row (a file caught mid-upload may fail once). Missing data is not breaching.
    """

    enabled: bool = Field(default=True, description="Create this alarm (when alarms are on).")
    minutes: int = Field(default=10, ge=1, le=60, description="Consecutive minutes with an import error before the alarm fires (1-60).")


class QueuedTasks(SpecModel):
    """Tasks wait for a worker: the workers (at their maximum) cannot keep up.

    AmazonMWAA/QueuedTasks (Function=Executor) at or above `threshold` in `datapoints_to_alarm`
    of the last `evaluation_periods` periods of `period_minutes`. Missing data is not breaching.
    """

    enabled: bool = Field(default=True, description="Create this alarm (when alarms are on).")
    statistic: Literal["Average", "Maximum"] = Field(
        default="Average", description="`Average` ignores short bursts; `Maximum` reacts to any peak."
    )
    threshold: int = Field(default=50, ge=1, le=100_000, description="Queued tasks that count as a breaching period.")
    period_minutes: int = Field(default=5, ge=1, le=60, description="Length of one period, in minutes (1-60).")
    evaluation_periods: int = Field(default=3, ge=1, le=24, description="Periods the alarm looks back over (1-24).")
    datapoints_to_alarm: int = Field(
        default=3, ge=1, le=24, description="Breaching periods among them that fire the alarm (at most evaluation_periods)."
    )

    @field_validator("datapoints_to_alarm")
    @classmethod
    def _within_evaluation(cls, value: int, info: ValidationInfo) -> int:
        periods = info.data.get("evaluation_periods")
        if periods is not None and value > periods:
            raise ValueError(f"datapoints_to_alarm ({value}) is above evaluation_periods ({periods})")
        return value


class Utilization(SpecModel):
    """CPU or memory of the environment's containers stays high.

    CPUUtilization or MemoryUtilization in AWS/MWAA (Cluster=<cluster>), average above `threshold`
    percent in every one of `evaluation_periods` periods of `period_minutes`, one alarm per
    cluster. Missing data is not breaching (a cluster with no container, such as
    `AdditionalWorker` when the environment has not scaled out, reports nothing).
    """

    enabled: bool = Field(default=True, description="Create these alarms (when alarms are on).")
    threshold: int = Field(default=85, ge=1, le=100, description="Average utilization, in percent, above which a period breaches.")
    period_minutes: int = Field(default=5, ge=1, le=60, description="Length of one period, in minutes (1-60).")
    evaluation_periods: int = Field(
        default=3, ge=1, le=24, description="Consecutive breaching periods that fire the alarm (1-24): 3 x 5 minutes by default."
    )
    clusters: Annotated[list[Cluster], AfterValidator(_unique("clusters"))] = Field(
        default_factory=lambda: ["Scheduler", "BaseWorker"],
        min_length=1,
        description="Containers to watch, one alarm each: `Scheduler`, `BaseWorker`, `AdditionalWorker`.",
    )


# --- the alarms section ---------------------------------------------------------------------


class Alarms(SpecModel):
    """CloudWatch alarms of one environment and the SNS topic they notify.

    Notify an existing topic (`topic_arn`), or let mwaaform create one (`{env}-alarms`) with the
    `emails` and `https_endpoints` subscribed. An alarm notifies when it fires and when it clears.
    """

    enabled: bool = Field(default=False, description="Create the alarms (the prod stage defaults turn them on).")
    topic_arn: TopicArn | None = Field(
        default=None,
        description="An existing SNS topic to notify instead of creating one; its policy must let "
        "cloudwatch.amazonaws.com publish (and its key, if encrypted, let CloudWatch use it).",
    )
    emails: Annotated[list[Email], AfterValidator(_unique("emails"))] = Field(
        default_factory=list,
        max_length=50,
        description="E-mail addresses subscribed to the created topic (each must confirm the subscription).",
    )
    https_endpoints: Annotated[list[HttpsEndpoint], AfterValidator(_unique("https_endpoints"))] = Field(
        default_factory=list,
        max_length=20,
        description="https:// URLs subscribed to the created topic (each must confirm the subscription).",
    )
    scheduler_heartbeat: SchedulerHeartbeat = Field(default_factory=SchedulerHeartbeat, description="Scheduler down.")
    task_failures: TaskFailures = Field(default_factory=TaskFailures, description="Failed task instances.")
    import_errors: ImportErrors = Field(default_factory=ImportErrors, description="DAG files that fail to import.")
    queued_tasks: QueuedTasks = Field(default_factory=QueuedTasks, description="Tasks waiting for a worker.")
    cpu: Utilization = Field(default_factory=Utilization, description="Container CPU utilization.")
    memory: Utilization = Field(default_factory=Utilization, description="Container memory utilization.")

    @field_validator("emails", "https_endpoints")
    @classmethod
    def _no_subscriptions_with_topic(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if value and info.data.get("topic_arn"):
            raise ValueError(f"{info.field_name} subscribe to the topic mwaaform creates: remove them or remove topic_arn")
        return value

    @model_validator(mode="after")
    def _notifies_someone(self) -> Alarms:
        if self.enabled and not (self.topic_arn or self.emails or self.https_endpoints):
            raise ValueError("alarms are on but notify nobody: set topic_arn or emails/https_endpoints")
        return self

    @property
    def creates_topic(self) -> bool:
        return self.topic_arn is None


class FlowLogs(SpecModel):
    """VPC flow logs of the stack's VPC, delivered to a CloudWatch Logs group mwaaform creates."""

    enabled: bool = Field(default=False, description="Record the VPC's IP traffic (the prod stage defaults turn this on).")
    retention_days: RetentionDays = Field(default=90, description="Days CloudWatch keeps the flow logs (a value CloudWatch accepts).")
    # EC2 CreateFlowLogs TrafficType: ACCEPT | REJECT | ALL.
    # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html
    traffic_type: Literal["ALL", "ACCEPT", "REJECT"] = Field(default="ALL", description="Traffic to record.")
    # The stack's own decisions, never inferred from whichever environments the stack has now.
    key: Literal["aws_owned", "customer_managed"] = Field(
        default="aws_owned", description="`customer_managed`: encrypt the flow-log group with the stack's own KMS key."
    )
    deletion_protection: bool = Field(default=False, description="Pulumi `protect` on the flow-log group and the stack's key.")
    retain_on_delete: bool = Field(
        default=False, description="Keep the flow-log group and the stack's key in the account when Pulumi deletes them."
    )
