"""Policies as lines a reviewer reads in a pull request."""

from __future__ import annotations

from mwaaform.iam.describe import describe_policy


def test_allow_actions_on_resources():
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]}],
    }
    assert describe_policy(doc) == ["Allow s3:GetObject, s3:ListBucket on arn:aws:s3:::bucket, arn:aws:s3:::bucket/*"]


def test_statements_keep_document_order_with_sid_deny_and_single_values():
    doc = {
        "Statement": [
            {"Sid": "Metrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:ListAllMyBuckets", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
        ]
    }
    assert describe_policy(doc) == [
        "Metrics: Allow cloudwatch:PutMetricData on *",
        "Deny s3:ListAllMyBuckets on arn:aws:s3:::b, arn:aws:s3:::b/*",
    ]


def test_not_resource_and_conditions_are_shown():
    # The AWS-owned-key statement of the documented MWAA execution role:
    # https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html
    doc = {
        "Statement": {
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "NotResource": "arn:aws:kms:*:111122223333:key/*",
            "Condition": {"StringLike": {"kms:ViaService": ["sqs.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]}},
        }
    }
    assert describe_policy(doc) == [
        "Allow kms:Decrypt, kms:GenerateDataKey* on every resource except arn:aws:kms:*:111122223333:key/* "
        "[if kms:ViaService like sqs.us-east-1.amazonaws.com or s3.us-east-1.amazonaws.com]"
    ]


def test_several_conditions_and_operator_variants():
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "NotAction": "iam:*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": "111122223333"},
                    "ArnLikeIfExists": {"aws:SourceArn": "arn:aws:airflow:us-east-1:111122223333:environment/x"},
                    "ForAnyValue:StringLike": {"aws:TagKeys": "team*"},
                    "Null": {"aws:ResourceTag/Team": "true"},
                },
            }
        ]
    }
    assert describe_policy(doc) == [
        "Allow every action except iam:* on * [if aws:SourceAccount = 111122223333 and "
        "aws:SourceArn like arn:aws:airflow:us-east-1:111122223333:environment/x (if present) and "
        "ForAnyValue aws:TagKeys like team* and aws:ResourceTag/Team is absent]"
    ]


def test_trust_policy_principals():
    doc = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    assert describe_policy(doc) == ["Allow sts:AssumeRole by Service airflow.amazonaws.com, airflow-env.amazonaws.com"]


def test_empty_policy_has_no_lines():
    assert describe_policy({"Version": "2012-10-17", "Statement": []}) == []
