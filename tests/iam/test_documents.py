"""The execution role, trust, key and bucket policies, statement by statement, against what AWS publishes.

The expected documents below are written from AWS's pages, not from the code's output:

- execution role, both key variants: "Sample JSON policies for an execution role", Amazon MWAA
  User Guide, https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
  (sections "Sample policy for a customer managed key" and "Sample policy for an AWS owned key");
- the key policy statement for CloudWatch Logs: the same page, and
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html;
- the account statement of a key policy: KMS's default key policy,
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html;
- confused-deputy conditions: https://docs.aws.amazon.com/mwaa/latest/userguide/cross-service-confused-deputy-prevention.html;
- TLS-only buckets: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html.

Statements are compared after normalising what IAM treats as equal: a single value or a list of
one, and the order of values in a list. Statement ids are ours (AWS's samples have none) and are
pinned separately, because reviewers and the plan summary refer to them.
"""

from __future__ import annotations

import json

from mwaaform.iam.documents import (
    MWAA_PRINCIPALS,
    deny_insecure_transport,
    environment_arn,
    execution_role_policy,
    key_policy,
    service_trust_policy,
    trust_policy,
)

ACCOUNT, REGION, ENV, BUCKET = "111122223333", "eu-west-1", "ingest", "airflow-ingest-abc"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# AWS's sample execution role policy, with its placeholders filled in: the statements both key
# variants share ...
AWS_SHARED = [
    {"Effect": "Allow", "Action": "airflow:PublishMetrics", "Resource": f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/{ENV}"},
    {"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
    {
        "Effect": "Allow",
        "Action": ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
        "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
    },
    {
        "Effect": "Allow",
        "Action": [
            "logs:CreateLogStream",
            "logs:CreateLogGroup",
            "logs:PutLogEvents",
            "logs:GetLogEvents",
            "logs:GetLogRecord",
            "logs:GetLogGroupFields",
            "logs:GetQueryResults",
        ],
        "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:airflow-{ENV}-*"],
    },
    {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"], "Resource": ["*"]},
    {"Effect": "Allow", "Action": ["s3:GetAccountPublicAccessBlock"], "Resource": ["*"]},
    {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"},
    {
        "Effect": "Allow",
        "Action": [
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage",
            "sqs:SendMessage",
        ],
        "Resource": f"arn:aws:sqs:{REGION}:*:airflow-celery-*",
    },
]
KMS_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
# ... then the key statement of "Sample policy for a customer managed key" ...
AWS_CUSTOMER_KEY = {
    "Effect": "Allow",
    "Action": KMS_ACTIONS,
    "Resource": KEY,
    "Condition": {"StringLike": {"kms:ViaService": [f"sqs.{REGION}.amazonaws.com", f"s3.{REGION}.amazonaws.com"]}},
}
# ... or of "Sample policy for an AWS owned key".
AWS_OWNED_KEY = {
    "Effect": "Allow",
    "Action": KMS_ACTIONS,
    "NotResource": f"arn:aws:kms:*:{ACCOUNT}:key/*",
    "Condition": {"StringLike": {"kms:ViaService": [f"sqs.{REGION}.amazonaws.com"]}},
}


def normal(value):
    """What IAM compares: no Sid, one value or a list of one alike, list order irrelevant."""
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items() if key != "Sid"}
    if isinstance(value, list):
        return sorted((normal(item) for item in value), key=json.dumps)
    return value


def statements(document: dict) -> list:
    assert document["Version"] == "2012-10-17"  # the current policy language version
    return normal([{k: (v if isinstance(v, list) or k not in ("Action", "Resource", "NotResource") else [v]) for k, v in s.items()}
                   for s in document["Statement"]])


def expected(*aws_statements: dict) -> list:
    return statements({"Version": "2012-10-17", "Statement": list(aws_statements)})


def by_sid(document):
    return {s["Sid"]: s for s in document["Statement"]}


def test_customer_key_policy_is_aws_sample_statement_for_statement():
    assert statements(execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, KEY)) == expected(*AWS_SHARED, AWS_CUSTOMER_KEY)


def test_aws_owned_key_policy_is_aws_sample_statement_for_statement():
    assert statements(execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, None)) == expected(*AWS_SHARED, AWS_OWNED_KEY)


def test_statement_ids_are_stable():
    sids = [s["Sid"] for s in execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, KEY)["Statement"]]
    shared = ["PublishMetrics", "DenyListAllBuckets", "ReadDagBucket", "WriteOwnLogs", "DescribeLogGroups",
              "AccountPublicAccessBlock", "PutMetricData", "CeleryQueues"]
    assert sids == [*shared, "UseEnvironmentKey"]
    assert [s["Sid"] for s in execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, None)["Statement"]] == [*shared, "UseAwsOwnedKey"]


def test_environment_arn():
    # ARN format of an MWAA environment: Service Authorization Reference, Amazon MWAA, resource types.
    assert environment_arn("etl", ACCOUNT, "us-east-2") == f"arn:aws:airflow:us-east-2:{ACCOUNT}:environment/etl"


def test_trust_is_mwaa_only_for_this_environment_of_this_account():
    assert trust_policy(ENV, ACCOUNT, REGION) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MwaaAssumeRole",
                "Effect": "Allow",
                # The two service principals of AWS's sample trust policy.
                "Principal": {"Service": ["airflow-env.amazonaws.com", "airflow.amazonaws.com"]},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/{ENV}"},
                },
            }
        ],
    }
    assert sorted(MWAA_PRINCIPALS) == ["airflow-env.amazonaws.com", "airflow.amazonaws.com"]


def test_a_service_trust_policy_takes_one_principal_too():
    (statement,) = service_trust_policy("X", "vpc-flow-logs.amazonaws.com", ACCOUNT, "arn:aws:ec2:*")["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"} and statement["Sid"] == "X"


def test_key_policy_lets_the_account_administer_and_cloudwatch_logs_use_it_for_this_account_only():
    assert key_policy(ACCOUNT, REGION) == {
        "Version": "2012-10-17",
        "Statement": [
            # KMS's default key policy: the account's IAM policies decide who uses the key.
            {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
            {
                "Sid": "CloudWatchLogsUse",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
                # No kms:DescribeKey: it carries no encryption context, so under the condition it
                # could never be granted.
                "Action": ["kms:Decrypt*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
                "Resource": "*",
                # A String operator: kms:EncryptionContext:* keys are typed String (parliament checks it).
                "Condition": {"StringLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:*"}},
            },
        ],
    }


def test_key_policy_lets_cloudwatch_alarms_publish_to_an_encrypted_topic_only_for_the_environments_alarms():
    # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services:
    # CloudWatch needs kms:Decrypt and kms:GenerateDataKey* on the topic's key.
    prefix = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ENV}-"
    document = key_policy(ACCOUNT, REGION, cloudwatch_alarm_prefix=prefix)
    assert [s["Sid"] for s in document["Statement"]] == ["AccountAdministers", "CloudWatchLogsUse", "CloudWatchAlarmsPublish"]
    assert by_sid(document)["CloudWatchAlarmsPublish"] == {
        "Sid": "CloudWatchAlarmsPublish",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": prefix + "*"}},
    }


def test_bucket_policy_denies_every_request_without_tls():
    assert deny_insecure_transport(BUCKET) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
