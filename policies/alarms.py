"""Policy: every prod MWAA environment has alarms on its scheduler heartbeat and its task failures.

A stack validator (``args.resources``: objects with ``resource_type``, ``props`` in engine
camelCase, ``urn``, ``name``). During a first preview the ARN of a topic still to be created is
unknown: an unknown action list counts as present (it will hold the topic's ARN), so the policy
runs in preview too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .base import PROD_STAGES, UNKNOWN, get, is_prod, items, name_of

MWAA = "aws:mwaa/environment:Environment"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
AIRFLOW_NAMESPACE = "AmazonMWAA"
# Metric -> what it means to have no alarm on it, for the violation message.
REQUIRED_METRICS = {
    "SchedulerHeartbeat": "a stopped scheduler",
    "TaskInstanceFailures": "failing tasks",
}


def _has_actions(props: Any) -> bool:
    actions = get(props, "alarmActions")
    return actions is UNKNOWN or bool(actions is not None and items(actions))


def _alarmed_metrics(resources: Any, env_name: str) -> set[str]:
    """Metrics of AmazonMWAA alarms on ``env_name`` that notify someone."""
    found: set[str] = set()
    for resource in resources:
        props = resource.props
        if resource.resource_type != METRIC_ALARM or get(props, "namespace") != AIRFLOW_NAMESPACE:
            continue
        if get(props, "dimensions", "Environment") != env_name:
            continue
        metric = get(props, "metricName")
        if _has_actions(props) and isinstance(metric, str):
            found.add(metric)
    return found


def prod_alarms_validator(args: Any, report_violation: Callable[..., None]) -> None:
    """Report every prod environment missing a notifying alarm on a required metric."""
    resources = list(args.resources)
    for resource in resources:
        if resource.resource_type != MWAA or not is_prod(resource.props, args):
            continue
        env_name = name_of(resource)
        alarmed = _alarmed_metrics(resources, env_name)
        for metric, meaning in REQUIRED_METRICS.items():
            if metric not in alarmed:
                report_violation(
                    f"prod environment {env_name} has no alarm on {AIRFLOW_NAMESPACE}/{metric} "
                    f"(Environment={env_name}) that notifies anyone: nobody would hear of {meaning}",
                    resource.urn,
                )


POLICY = dict(
    name="mwaa-prod-alarms",
    description="Prod MWAA environments alarm on SchedulerHeartbeat and TaskInstanceFailures, and the alarms notify someone.",
    enforcement_level="advisory",
    validate=prod_alarms_validator,
    config=PROD_STAGES,
)
