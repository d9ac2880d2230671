"""What the owner of a brought key or execution role must add, as plain policy documents.

mwaaform cannot change a key policy or a role it does not own; it writes what they must carry
from the same :class:`~mwaaform.resolve.Resolved` record the stack is built from, the plan prints
it, and the stack exports it (``pulumi stack output``) for the owner to apply.
"""

from __future__ import annotations

from typing import Any

from mwaaform.iam.documents import LOGS_KEY_ACTIONS, VERSION, Document, execution_role_policy, key_policy, trust_policy
from mwaaform.naming import log_group_names
from mwaaform.resolve import Resolved

# The actions MWAA's execution role uses a customer-managed key with, through S3 and SQS only
# (https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html).
ROLE_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]


def key_owner_statements(
    resolved: Resolved,
    *,
    account_id: str,
    region: str,
    deployer_arn: str | None,
    alarm_arn_prefix: str | None,
) -> Document:
    """The statements the brought key's policy must hold for this environment.

    Principals are named through ``aws:PrincipalArn`` under the account's root, so the owner can
    add them before the execution role exists (KMS rejects a policy naming a role that does not).
    """
    root = f"arn:aws:iam::{account_id}:root"
    logs = log_group_names(resolved.env)
    # The deploying principal: the spec's deploy role, else anyone the account's IAM allows.
    deployer = {"ArnEquals": {"aws:PrincipalArn": deployer_arn}} if deployer_arn else {}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "MwaaExecutionRoleUse",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": ROLE_KEY_ACTIONS,
            "Resource": "*",
            "Condition": {
                "ArnEquals": {"aws:PrincipalArn": resolved.role_arn},
                "StringLike": {"kms:ViaService": [f"s3.{region}.amazonaws.com", f"sqs.{region}.amazonaws.com"]},
            },
        },
        {
            "Sid": "CloudWatchLogsUse",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": LOGS_KEY_ACTIONS,
            "Resource": "*",
            # The encryption context holds the log group's ARN as a string: exactly these five.
            "Condition": {
                "StringEquals": {
                    "kms:EncryptionContext:aws:logs:arn": [
                        f"arn:aws:logs:{region}:{account_id}:log-group:{name}" for name in logs.values()
                    ]
                }
            },
        },
        {
            # MWAA creates grants on the key for the environment it builds, on behalf of the
            # deploying principal (https://docs.aws.amazon.com/mwaa/latest/userguide/custom-keys-certs.html).
            "Sid": "DeployerCreatesGrantsForMwaa",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}, **deployer},
        },
        {
            "Sid": "DeployerDescribesKey",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            **({"Condition": deployer} if deployer else {}),
        },
    ]
    if resolved.uploads:
        # mwaaform uploads the environment's files into the bucket it creates, encrypted with the key
        # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms).
        statements.append(
            {
                "Sid": "DeployerUploadsFiles",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}, **deployer},
            }
        )
    if alarm_arn_prefix:
        # The alarm topic mwaaform creates is encrypted with the key: the same statement a key of
        # mwaaform's own carries (see key_policy), one source for both.
        created = key_policy(account_id, region, cloudwatch_alarm_prefix=alarm_arn_prefix)["Statement"]
        statements += [s for s in created if s["Sid"] == "CloudWatchAlarmsPublish"]
    return {"Version": VERSION, "Statement": statements}


def role_owner_policies(
    resolved: Resolved, *, account_id: str, region: str, key_arn: str | None, grants: list[Document]
) -> dict[str, Any]:
    """The trust policy and permission policies a brought execution role must carry: exactly
    what mwaaform would have given a role of its own."""
    return {
        "role_arn": resolved.role_arn,
        "trust_policy": trust_policy(resolved.env, account_id, region),
        "policies": [
            execution_role_policy(resolved.env, account_id, region, resolved.bucket_name, key_arn, resolved.object_prefix),
            *grants,
        ],
    }
