"""Rules on MWAA environments (logs, web server access, keys, Airflow versions, protection, size
per stage), on the topic their alarms notify, and on the tags every resource carries."""

from __future__ import annotations

import json
from typing import Any

from .base import UNKNOWN, Report, get, has, is_prod, number, linked, name_of, of_type, per_stage, settings, stage_of, tags_of

MWAA = "aws:mwaa/environment:Environment"
TOPIC = "aws:sns/topic:Topic"
LOG_TYPES = ("dagProcessingLogs", "schedulerLogs", "taskLogs", "webserverLogs", "workerLogs")


def _env_name(args: Any) -> str:
    return name_of(args)


def mwaa_logs_enabled_validator(args: Any, report_violation: Report) -> None:
    """All five MWAA log types go to CloudWatch: an incident needs the scheduler's, the workers'
    and the web server's logs as much as the tasks' (AWS Security Hub MWAA.1-style check)."""
    if args.resource_type != MWAA:
        return
    logging = get(args.props, "loggingConfiguration", default={})
    if logging is UNKNOWN:
        return
    off = [key for key in LOG_TYPES if get(logging, key, "enabled") not in (True, UNKNOWN)]
    if off:
        report_violation(f"environment {_env_name(args)} has {', '.join(off)} off")


def mwaa_prod_private_webserver_validator(args: Any, report_violation: Report) -> None:
    """A prod Airflow UI is reachable from the VPC only."""
    if args.resource_type == MWAA and is_prod(args.props, args) and get(args.props, "webserverAccessMode") != "PRIVATE_ONLY":
        report_violation(f"prod environment {_env_name(args)} exposes its web server to the internet")


def mwaa_prod_customer_key_validator(args: Any, report_violation: Report) -> None:
    """Prod data is encrypted under a key the account controls (and can audit and revoke)."""
    if args.resource_type == MWAA and is_prod(args.props, args) and not has(args.props, "kmsKey"):
        report_violation(f"prod environment {_env_name(args)} is not encrypted with a customer-managed key")


def mwaa_prod_protected_validator(args: Any, report_violation: Report) -> None:
    """A prod environment is ``protect``ed: replacing or deleting it loses its metadata database."""
    if args.resource_type == MWAA and is_prod(args.props, args) and not getattr(args.opts, "protect", False):
        report_violation(f"prod environment {_env_name(args)} is not protected (deletion_protection: true)")


# Versions CreateEnvironment accepts (botocore 1.44.8's MWAA service model, AirflowVersion; Amazon
# MWAA User Guide, "Apache Airflow versions on Amazon MWAA":
# https://docs.aws.amazon.com/mwaa/latest/userguide/airflow-versions.html). The pack runs without
# mwaaform, so this copies mwaaform/data/airflow_versions.yaml; tests/policies/test_readme.py keeps them equal.
SUPPORTED_AIRFLOW_VERSIONS = ["2.7.2", "2.8.1", "2.9.2", "2.10.1", "2.10.3", "2.11.0", "3.0.6"]
VERSION_CONFIG = {
    "supportedVersions": {
        "type": "array",
        "items": {"type": "string"},
        "default": SUPPORTED_AIRFLOW_VERSIONS,
        "description": "Airflow versions environments may run.",
    }
}


def mwaa_supported_airflow_version_validator(args: Any, report_violation: Report) -> None:
    """Environments run an Airflow version MWAA supports (others cannot be created or lose support)."""
    if args.resource_type != MWAA:
        return
    version = get(args.props, "airflowVersion")
    if version is None or version is UNKNOWN:
        return  # MWAA picks its default version
    supported = settings(args, VERSION_CONFIG)["supportedVersions"]
    if version not in supported:
        report_violation(f"environment {_env_name(args)} runs Airflow {version}, not one of {', '.join(supported)}")


ENVIRONMENT_CLASSES = ["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"]
SIZING_CONFIG = {
    "allowedClasses": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string", "enum": ENVIRONMENT_CLASSES}},
        "default": {"dev": ["mw1.micro", "mw1.small", "mw1.medium"], "*": ENVIRONMENT_CLASSES},
        "description": "Environment classes allowed by stage (Environment tag); '*' for every other stage.",
    },
    "maxWorkers": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 1},
        "default": {"dev": 10, "*": 25},
        "description": "Most workers an environment may scale to, by stage; '*' for every other stage.",
    },
}


def mwaa_stage_sizing_validator(args: Any, report_violation: Report) -> None:
    """Environments stay within the classes and worker counts allowed for their stage (cost control)."""
    if args.resource_type != MWAA:
        return
    config, stage = settings(args, SIZING_CONFIG), stage_of(args.props)
    classes = per_stage(config["allowedClasses"], stage)
    env_class = get(args.props, "environmentClass")
    if classes is not None and isinstance(env_class, str) and env_class not in classes:
        report_violation(f"environment {_env_name(args)} is {env_class}; stage {stage} allows {', '.join(classes)}")
    most = per_stage(config["maxWorkers"], stage)
    workers = number(get(args.props, "maxWorkers"))
    if most is not None and isinstance(workers, int) and workers > most:
        report_violation(f"environment {_env_name(args)} scales to {workers} workers; stage {stage} allows {most}")


def sns_topic_encryption_validator(args: Any, report_violation: Report) -> None:
    """The alarm topic (tag ``MwaaEnvironment``) of an environment with a customer-managed key is
    encrypted with that key; the AWS-managed SNS key is no answer, because CloudWatch cannot
    publish to a topic under it. Keys are matched through property dependencies (both values are
    the key's ARN, unknown until the key exists), or by value when neither came from a resource."""
    resources = list(args.resources)
    keys: dict[str, tuple[set[str], Any]] = {
        name_of(env): (linked(env, "kmsKey"), get(env.props, "kmsKey")) for env in of_type(resources, MWAA) if has(env.props, "kmsKey")
    }
    for topic in of_type(resources, TOPIC):
        env = tags_of(topic.props).get("MwaaEnvironment")
        if env not in keys:
            continue
        env_links, env_key = keys[env]
        topic_links, topic_key = linked(topic, "kmsMasterKeyId"), get(topic.props, "kmsMasterKeyId")
        if topic_key is None:
            report_violation(f"topic {name_of(topic)} of environment {env} (which has a customer-managed key) is not encrypted", topic.urn)
        elif (env_links or topic_links) and not env_links & topic_links or not (env_links or topic_links) and topic_key != env_key:
            report_violation(f"topic {name_of(topic)} is not encrypted with the key of environment {env}", topic.urn)


TAGS_CONFIG = {
    "requiredTags": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["Owner", "CostCenter", "DataClassification", "Environment"],
        "description": "Tags every taggable resource carries (its own tags or the provider's default tags).",
    }
}
# Types that take tags, among those mwaaform creates.
TAGGABLE = {
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/flowLog:FlowLog", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:iam/role:Role", "aws:iam/policy:Policy", MWAA, TOPIC,
}


def _default_tags(provider: Any) -> dict[str, Any]:
    if provider is None:
        return {}
    default_tags = get(provider.props, "defaultTags")
    if isinstance(default_tags, str):  # provider inputs reach the engine as JSON text
        try:
            default_tags = json.loads(default_tags)
        except ValueError:
            return {}
    tags = get(default_tags, "tags", default={})
    return {} if tags is UNKNOWN else {key: get(tags, key) for key in list(tags)}


def required_tags_validator(args: Any, report_violation: Report) -> None:
    """Every taggable resource carries the organisation's required tags (cost and ownership reports)."""
    if args.resource_type not in TAGGABLE:
        return
    if get(args.props, "tags") is UNKNOWN:
        return
    tags = {**_default_tags(getattr(args, "provider", None)), **tags_of(args.props)}
    missing = [tag for tag in settings(args, TAGS_CONFIG)["requiredTags"] if not tags.get(tag)]
    if missing:
        report_violation(f"{args.name} has no {', '.join(missing)} tag")

