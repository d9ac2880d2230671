"""Policy: every prod MWAA environment has alarms on its scheduler heartbeat and its task failures.

A stack validator (``args.resources``: objects with ``resource_type``, ``props`` in engine
camelCase, ``urn``, ``name``). Standard library only: the pack runs with pulumi-policy alone.

During ``pulumi preview`` the ARN of a topic still to be created is unknown, and pulumi-policy's
props proxy raises ``UnknownValueError`` when such a value is read; an unknown action list counts
as present here (it will hold the topic's ARN), so the policy runs in preview too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MWAA = "aws:mwaa/environment:Environment"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
AIRFLOW_NAMESPACE = "AmazonMWAA"
# Metric -> what it means to have no alarm on it, for the violation message.
REQUIRED_METRICS = {
    "SchedulerHeartbeat": "a stopped scheduler",
    "TaskInstanceFailures": "failing tasks",
}

_UNKNOWN = object()


def _get(props: Any, key: str) -> Any:
    """``props[key]``, ``None`` when absent, ``_UNKNOWN`` when only known after the update."""
    try:
        return props.get(key) if hasattr(props, "get") else None
    except Exception as error:  # pulumi_policy.proxy.UnknownValueError, not imported here
        if type(error).__name__ == "UnknownValueError":
            return _UNKNOWN
        raise


def _has_actions(props: Any) -> bool:
    actions = _get(props, "alarmActions")
    if actions is _UNKNOWN:
        return True
    return bool(actions) and len(actions) > 0


def _alarmed_metrics(resources: Any, env_name: str) -> set[str]:
    """Metrics of AmazonMWAA alarms on ``env_name`` that notify someone."""
    found: set[str] = set()
    for resource in resources:
        if resource.resource_type != METRIC_ALARM:
            continue
        props = resource.props
        if _get(props, "namespace") != AIRFLOW_NAMESPACE:
            continue
        dimensions = _get(props, "dimensions")
        if dimensions is _UNKNOWN or not dimensions or _get(dimensions, "Environment") != env_name:
            continue
        if _has_actions(props):
            metric = _get(props, "metricName")
            if isinstance(metric, str):
                found.add(metric)
    return found


def prod_alarms_validator(args: Any, report_violation: Callable[..., None]) -> None:
    """Report every prod environment (tag Environment=prod) missing a notifying alarm on a required metric."""
    resources = list(args.resources)
    for resource in resources:
        if resource.resource_type != MWAA:
            continue
        tags = _get(resource.props, "tags")
        if tags is _UNKNOWN or not tags or _get(tags, "Environment") != "prod":
            continue
        env_name = _get(resource.props, "name")
        if not isinstance(env_name, str):
            env_name = resource.name
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
)
