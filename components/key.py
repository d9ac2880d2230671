"""An environment's customer-managed KMS key (rotation on) and its alias."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from mwaaform.iam.documents import key_policy
from mwaaform.tags import with_name

# KMS waits this many days (7-30) before deleting a key: the longest, so a mistake can be undone.
DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class KeyArgs:
    account_id: str
    region: str
    alias: str
    description: str
    tags: Mapping[str, str]
    # Set when the environment's alarm topic is encrypted with this key: the alarms' ARN prefix.
    cloudwatch_alarm_prefix: str | None = None
    protect: bool = False
    # Keep it in the account when Pulumi deletes it (removed from the spec, or `pulumi destroy`).
    retain_on_delete: bool = False


class Key(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: KeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:key:Key", name, None, opts)
        key = aws.kms.Key(
            name,
            description=args.description,
            enable_key_rotation=True,
            deletion_window_in_days=DELETION_WINDOW_DAYS,
            policy=json.dumps(
                key_policy(args.account_id, args.region, cloudwatch_alarm_prefix=args.cloudwatch_alarm_prefix), sort_keys=True
            ),
            tags=with_name(args.alias, args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.retain_on_delete),
        )
        aws.kms.Alias(name, name=args.alias, target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=self))
        self.arn = key.arn
        self.register_outputs({"arn": self.arn})
