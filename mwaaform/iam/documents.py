"""IAM and KMS policy documents of an MWAA environment, as plain dicts.

Each statement is the one AWS documents, scoped to this environment; see
https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html.
Sids are stable: reviewers and the plan summary refer to them.
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]
VERSION = "2012-10-17"
# The two principals MWAA assumes the execution role as.
MWAA_PRINCIPALS = ["airflow-env.amazonaws.com", "airflow.amazonaws.com"]


def environment_arn(env: str, account_id: str, region: str) -> str:
    return f"arn:aws:airflow:{region}:{account_id}:environment/{env}"


def service_trust_policy(sid: str, services: str | list[str], account_id: str, source_arn: str) -> Document:
    """A role only ``services`` may assume, only on behalf of ``source_arn`` in this account
    (confused-deputy protection: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Service": services},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}, "ArnLike": {"aws:SourceArn": source_arn}},
            }
        ],
    }


def trust_policy(env: str, account_id: str, region: str) -> Document:
    """Only MWAA, only for this environment of this account
    (https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html)."""
    return service_trust_policy("MwaaAssumeRole", MWAA_PRINCIPALS, account_id, environment_arn(env, account_id, region))


def execution_role_policy(
    env: str, account_id: str, region: str, bucket: str, kms_key_arn: str | None, object_prefix: str | None = None
) -> Document:
    """The documented least-privilege execution role policy, for either key variant.

    ``object_prefix``: the folder of a shared bucket the environment owns; its objects are the
    only ones the role may read (the bucket itself stays readable and listable, as MWAA checks it)."""
    objects = f"arn:aws:s3:::{bucket}/{object_prefix}/*" if object_prefix else f"arn:aws:s3:::{bucket}/*"
    bucket_arns = [f"arn:aws:s3:::{bucket}", objects]
    statements: list[dict[str, Any]] = [
        {"Sid": "PublishMetrics", "Effect": "Allow", "Action": "airflow:PublishMetrics", "Resource": environment_arn(env, account_id, region)},
        {"Sid": "DenyListAllBuckets", "Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": bucket_arns},
        {"Sid": "ReadDagBucket", "Effect": "Allow", "Action": ["s3:GetBucket*", "s3:GetObject*", "s3:List*"], "Resource": bucket_arns},
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:GetLogEvents",
                "logs:GetLogGroupFields",
                "logs:GetLogRecord",
                "logs:GetQueryResults",
                "logs:PutLogEvents",
            ],
            "Resource": [f"arn:aws:logs:{region}:{account_id}:log-group:airflow-{env}-*"],
        },
        # The next three actions support no resource-level permissions: `*` is what AWS documents.
        {"Sid": "DescribeLogGroups", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
        {"Sid": "AccountPublicAccessBlock", "Effect": "Allow", "Action": "s3:GetAccountPublicAccessBlock", "Resource": "*"},
        {"Sid": "PutMetricData", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"},
        # The Celery queues live in an account AWS owns: the account cannot be named.
        {
            "Sid": "CeleryQueues",
            "Effect": "Allow",
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
                "sqs:SendMessage",
            ],
            "Resource": f"arn:aws:sqs:{region}:*:airflow-celery-*",
        },
    ]
    kms_actions = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
    if kms_key_arn:
        statements.append(
            {
                "Sid": "UseEnvironmentKey",
                "Effect": "Allow",
                "Action": kms_actions,
                "Resource": kms_key_arn,
                "Condition": {"StringLike": {"kms:ViaService": [f"s3.{region}.amazonaws.com", f"sqs.{region}.amazonaws.com"]}},
            }
        )
    else:
        # AWS-owned key: any key outside this account, and only through SQS.
        statements.append(
            {
                "Sid": "UseAwsOwnedKey",
                "Effect": "Allow",
                "Action": kms_actions,
                "NotResource": f"arn:aws:kms:*:{account_id}:key/*",
                "Condition": {"StringLike": {"kms:ViaService": [f"sqs.{region}.amazonaws.com"]}},
            }
        )
    return {"Version": VERSION, "Statement": statements}


# What CloudWatch Logs needs to encrypt and read a log group under a key
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html), given
# only for log groups of this account and region through the encryption context key
# kms:EncryptionContext:aws:logs:arn. That key is of type String in KMS's Service Authorization
# Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html#awskeymanagementservice-policy-keys,
# "kms:EncryptionContext:${EncryptionContextKey}"), so it is compared with a String operator;
# the guide's examples use ArnLike/ArnEquals, which IAM also evaluates on an ARN-shaped string,
# and StringLike with the same pattern matches the same values. AWS's example also lists
# kms:Describe*, but DescribeKey carries no encryption context (the reference lists no such
# condition for it), so under this condition it could never be allowed: it is left out rather
# than written and not granted.
LOGS_KEY_ACTIONS = ["kms:Decrypt*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"]


def key_policy(account_id: str, region: str, *, cloudwatch_alarm_prefix: str | None = None) -> Document:
    """Key policy of an environment's customer-managed key.

    * the account administers the key and delegates use to IAM (the execution role's policy);
    * CloudWatch Logs may use it for this account's log groups only
      (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html);
    * with ``cloudwatch_alarm_prefix`` (an alarm topic encrypted with this key), CloudWatch may use
      it for the alarms whose ARN starts with the prefix, to publish to that topic
      (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    """
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministers",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "CloudWatchLogsUse",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": LOGS_KEY_ACTIONS,
            "Resource": "*",
            # The key is typed String in the Service Authorization Reference, so a String operator.
            "Condition": {"StringLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:*"}},
        },
    ]
    if cloudwatch_alarm_prefix:
        statements.append(
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"{cloudwatch_alarm_prefix}*"},
                },
            }
        )
    return {"Version": VERSION, "Statement": statements}


def deny_insecure_transport(bucket: str) -> Document:
    """Bucket policy: refuse every request that does not use TLS
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
