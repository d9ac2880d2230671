"""The alarms of one environment: an SNS topic (created, or an existing one) and its metric alarms.

What the alarms watch comes from :func:`mwaaform.alarms.alarm_definitions`; who may publish to the
created topic from :func:`mwaaform.alarms.topic_policy`. This component only wires resources.

Encryption of the created topic: with the environment's customer-managed key when there is one
(its key policy lets cloudwatch.amazonaws.com use it; see components/key.py). Without one the topic
is not encrypted at rest: the AWS-managed key ``alias/aws/sns`` cannot be used, because its key
policy cannot be changed to let CloudWatch use it, and CloudWatch's notifications would be dropped.
https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pulumi
import pulumi_aws as aws

from mwaaform.alarms import AlarmDefinition, alarm_arn_prefix, topic_policy
from mwaaform.tags import with_name


@dataclass(frozen=True)
class EnvironmentAlarmsArgs:
    env_name: str
    account_id: str
    region: str
    definitions: Sequence[AlarmDefinition]
    # An existing topic to notify; None creates `{env_name}-alarms` with the subscriptions below.
    topic_arn: str | None = None
    emails: Sequence[str] = ()
    https_endpoints: Sequence[str] = ()
    kms_key_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    # The alarms are created once these exist (the environment): an alarm created while the
    # environment is still being created (20-40 minutes) would page on the first deploy.
    depends_on: Sequence[pulumi.Resource] = ()


def subscription_name(prefix: str, protocol: str, endpoint: str) -> str:
    """A logical name that depends on the endpoint only, never on its position in the list.

    Readable part (address or host) plus a hash of the whole endpoint, so two endpoints that
    read alike (``a.b@x`` and ``a-b@x``) never collide and reordering the list changes nothing.
    """
    readable = endpoint if protocol == "email" else (urlsplit(endpoint).hostname or "")
    slug = re.sub(r"[^a-z0-9]+", "-", readable.lower()).strip("-")[:48]
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:8]
    return f"{prefix}-{protocol}-{slug}-{digest}"


class EnvironmentAlarms(pulumi.ComponentResource):
    """CloudWatch alarms of an MWAA environment and the SNS topic they notify."""

    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EnvironmentAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:alarms:EnvironmentAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        if args.topic_arn is not None:
            # Someone else's topic: its policy and subscriptions are theirs to manage.
            if args.emails or args.https_endpoints:
                raise ValueError("subscriptions are only created on a topic mwaaform creates (topic_arn is set)")
            topic_arn: pulumi.Input[str] = args.topic_arn
        else:
            topic_name = f"{args.env_name}-alarms"
            topic = aws.sns.Topic(
                name,
                name=topic_name,
                kms_master_key_id=args.kms_key_arn,
                tags=with_name(topic_name, args.tags),
                opts=child,
            )
            # The ARN is known from the name, so the policy is plain JSON a reviewer can read.
            known_arn = f"arn:aws:sns:{args.region}:{args.account_id}:{topic_name}"
            aws.sns.TopicPolicy(
                name,
                arn=topic.arn,
                policy=json.dumps(
                    topic_policy(known_arn, args.account_id, alarm_arn_prefix(args.env_name, args.account_id, args.region)),
                    sort_keys=True,
                ),
                opts=child,
            )
            for protocol, endpoints in (("email", args.emails), ("https", args.https_endpoints)):
                for endpoint in endpoints:
                    aws.sns.TopicSubscription(
                        subscription_name(name, protocol, endpoint),
                        topic=topic.arn,
                        protocol=protocol,
                        endpoint=endpoint,
                        # Not waited for: a person confirms an e-mail, and an HTTPS endpoint
                        # confirms by visiting the SubscribeURL SNS posts to it.
                        opts=child,
                    )
            topic_arn = topic.arn

        for definition in args.definitions:
            aws.cloudwatch.MetricAlarm(
                f"{name}-{definition.key}",
                name=definition.name,
                alarm_description=definition.description,
                namespace=definition.namespace,
                metric_name=definition.metric_name,
                dimensions=dict(definition.dimensions),
                statistic=definition.statistic,
                period=definition.period,
                evaluation_periods=definition.evaluation_periods,
                datapoints_to_alarm=definition.datapoints_to_alarm,
                threshold=definition.threshold,
                comparison_operator=definition.comparison_operator,
                treat_missing_data=definition.treat_missing_data,
                actions_enabled=True,
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                tags=with_name(definition.name, args.tags),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )

        self.topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({"topic_arn": self.topic_arn})
