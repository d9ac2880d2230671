"""VPC flow logs: a CloudWatch log group with a retention, the role the service writes with, the flow log.

The role's documents come from :mod:`mwaaform.iam.flow_logs`; this component only wires resources.
https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from mwaaform.iam.flow_logs import flow_logs_role_policy, flow_logs_trust_policy
from mwaaform.tags import with_name


@dataclass(frozen=True)
class FlowLogsArgs:
    vpc_id: pulumi.Input[str]
    account_id: str
    region: str
    retention_days: int
    traffic_type: str  # ALL | ACCEPT | REJECT
    kms_key_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    role_path: str = "/"
    permissions_boundary_arn: str | None = None
    # Protect the log group (and keep it in AWS if the stack is destroyed): flow logs are evidence.
    protect: bool = False
    # Keep it in the account when Pulumi deletes it (removed from the spec, or `pulumi destroy`).
    retain_on_delete: bool = False
    # Unique within the account and region; default `/mwaaform/vpc-flow-logs/{component name}`.
    log_group_name: str | None = None


class FlowLogs(pulumi.ComponentResource):
    """Flow logs of one VPC, delivered to a CloudWatch log group."""

    log_group_name: str
    log_group_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    flow_log_id: pulumi.Output[str]

    def __init__(self, name: str, args: FlowLogsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:network:FlowLogs", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group_name = args.log_group_name or f"/mwaaform/vpc-flow-logs/{name}"
        # The group's ARN is known from its name, so the role policy is plain JSON.
        group_arn = f"arn:aws:logs:{args.region}:{args.account_id}:log-group:{group_name}"

        group = aws.cloudwatch.LogGroup(
            name,
            name=group_name,
            retention_in_days=args.retention_days,
            kms_key_id=args.kms_key_arn,
            tags=with_name(group_name, args.tags),
            skip_destroy=args.retain_on_delete,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.retain_on_delete),
        )
        role = aws.iam.Role(
            f"{name}-role",
            description="VPC flow logs write to their CloudWatch log group (mwaaform).",
            assume_role_policy=json.dumps(flow_logs_trust_policy(args.account_id, args.region), sort_keys=True),
            path=args.role_path,
            permissions_boundary=args.permissions_boundary_arn,
            tags=with_name(f"{name}-role", args.tags),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-role",
            name="write-flow-logs",
            role=role.id,
            policy=json.dumps(flow_logs_role_policy(group_arn), sort_keys=True),
            opts=child,
        )
        flow_log = aws.ec2.FlowLog(
            name,
            vpc_id=args.vpc_id,
            traffic_type=args.traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            tags=with_name(name, args.tags),
            # Delivery starts at once: the role must already hold its permissions.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )

        self.log_group_name = group_name
        self.log_group_arn = group.arn
        self.role_arn = role.arn
        self.flow_log_id = flow_log.id
        self.register_outputs(
            {"log_group_arn": self.log_group_arn, "role_arn": self.role_arn, "flow_log_id": self.flow_log_id}
        )
