"""IAM documents of the role that VPC flow logs assume to write into their CloudWatch log group.

https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html lists the permissions the
role needs (CreateLogGroup, CreateLogStream, PutLogEvents, DescribeLogGroups, DescribeLogStreams on
``*``) and recommends ``aws:SourceAccount`` / ``aws:SourceArn`` in the trust policy. mwaaform
creates the log group itself, so the role does not get ``logs:CreateLogGroup``, and the stream
actions are scoped to that one group. ``logs:DescribeLogGroups`` stays on ``*``: it supports no
resource-level scoping (Service Authorization Reference, CloudWatch Logs:
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html)
and only lists group metadata.
"""

from __future__ import annotations

from mwaaform.iam.documents import VERSION, service_trust_policy

SERVICE = "vpc-flow-logs.amazonaws.com"


def flow_logs_trust_policy(account_id: str, region: str) -> dict:
    """Only the flow logs service may assume the role, and only for this account's flow logs."""
    return service_trust_policy("VpcFlowLogsAssume", SERVICE, account_id, f"arn:aws:ec2:{region}:{account_id}:vpc-flow-log/*")


def flow_logs_role_policy(log_group_arn: str) -> dict:
    """Write flow log records into one log group (``log_group_arn`` without a trailing ``:*``)."""
    group = log_group_arn.removesuffix(":*")
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "WriteFlowLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": [group, f"{group}:log-stream:*"],
            },
            {
                "Sid": "FindLogGroup",
                "Effect": "Allow",
                "Action": "logs:DescribeLogGroups",
                "Resource": "*",
            },
        ],
    }
