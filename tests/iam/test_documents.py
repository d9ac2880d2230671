"""The execution role, trust and key policies are exactly what AWS documents
(https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html)."""

from __future__ import annotations

from mwaaform.iam.documents import deny_insecure_transport, execution_role_policy, key_policy, trust_policy

ACCOUNT, REGION, ENV, BUCKET = "111122223333", "eu-west-1", "ingest", "airflow-ingest-abc"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def by_sid(document):
    return {s["Sid"]: s for s in document["Statement"]}


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_trust_is_mwaa_only_for_this_environment_of_this_account():
    (statement,) = trust_policy(ENV, ACCOUNT, REGION)["Statement"]
    assert statement["Principal"] == {"Service": ["airflow-env.amazonaws.com", "airflow.amazonaws.com"]}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/{ENV}"},
    }


def test_base_policy_matches_the_documented_statements():
    s = by_sid(execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, None))
    bucket = [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    assert s["PublishMetrics"]["Resource"] == f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/{ENV}"
    assert (s["DenyListAllBuckets"]["Effect"], s["DenyListAllBuckets"]["Resource"]) == ("Deny", bucket)
    assert sorted(s["ReadDagBucket"]["Action"]) == ["s3:GetBucket*", "s3:GetObject*", "s3:List*"]
    assert s["ReadDagBucket"]["Resource"] == bucket
    assert s["WriteOwnLogs"]["Resource"] == [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:airflow-{ENV}-*"]
    assert len(s["WriteOwnLogs"]["Action"]) == 7
    assert s["CeleryQueues"]["Resource"] == f"arn:aws:sqs:{REGION}:*:airflow-celery-*"
    # Only the three actions without resource-level permissions get "*".
    star = sorted(a for st in s.values() if st.get("Resource") == "*" for a in as_list(st["Action"]))
    assert star == ["cloudwatch:PutMetricData", "logs:DescribeLogGroups", "s3:GetAccountPublicAccessBlock"]
    assert all(st["Effect"] == "Allow" for sid, st in s.items() if sid != "DenyListAllBuckets")


def test_aws_owned_key_variant_excludes_the_account_keys_and_goes_through_sqs_only():
    s = by_sid(execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, None))
    kms = s["UseAwsOwnedKey"]
    assert kms["NotResource"] == f"arn:aws:kms:*:{ACCOUNT}:key/*"
    assert kms["Condition"] == {"StringLike": {"kms:ViaService": [f"sqs.{REGION}.amazonaws.com"]}}
    assert "UseEnvironmentKey" not in s


def test_customer_key_variant_is_scoped_to_the_key_via_s3_and_sqs():
    s = by_sid(execution_role_policy(ENV, ACCOUNT, REGION, BUCKET, KEY))
    kms = s["UseEnvironmentKey"]
    assert kms["Resource"] == KEY
    assert sorted(kms["Action"]) == ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
    assert sorted(kms["Condition"]["StringLike"]["kms:ViaService"]) == [f"s3.{REGION}.amazonaws.com", f"sqs.{REGION}.amazonaws.com"]
    assert "UseAwsOwnedKey" not in s


def test_key_policy_lets_cloudwatch_logs_use_the_key_for_this_account_only():
    s = by_sid(key_policy(ACCOUNT, REGION))
    logs = s["CloudWatchLogsUse"]
    assert logs["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    # A String operator: kms:EncryptionContext:* keys are typed String (parliament checks the type).
    assert logs["Condition"] == {"StringLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:*"}}
    # kms:DescribeKey carries no encryption context: under that condition it could never be granted.
    assert sorted(logs["Action"]) == ["kms:Decrypt*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
    assert s["AccountAdministers"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert "CloudWatchAlarmsPublish" not in s
    prefix = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ENV}-"
    alarms = by_sid(key_policy(ACCOUNT, REGION, cloudwatch_alarm_prefix=prefix))["CloudWatchAlarmsPublish"]
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    # Only this environment's alarms of this account (SNS key management: CloudWatch supports both keys).
    assert alarms["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": prefix + "*"}}


def test_bucket_policy_denies_every_request_without_tls():
    (statement,) = deny_insecure_transport(BUCKET)["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
