"""Bucket, key, log groups and execution role: each secure default pinned, protection tested."""

from __future__ import annotations

import json

import pytest

from components.account import AccountArgs, account_provider
from components.bucket import DagBucket, DagBucketArgs
from components.key import Key, KeyArgs
from components.logs import LogGroups, LogGroupsArgs
from components.role import ExecutionRole, ExecutionRoleArgs
from mwaaform.plan.engine import run_program

ACCOUNT, REGION = "111122223333", "us-east-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_provider_is_locked_to_the_spec_account_and_assumes_the_deploy_role():
    plan = run_program(
        lambda: account_provider(
            "aws",
            AccountArgs(ACCOUNT, "eu-west-1", f"arn:aws:iam::{ACCOUNT}:role/deploy", "ext-42", {"Owner": "platform"}),
        )
    )
    (provider,) = plan.of_type("pulumi:providers:aws")
    # Provider inputs travel JSON-encoded, as the engine sends them.
    assert json.loads(provider.inputs["allowedAccountIds"]) == [ACCOUNT]
    assert provider.inputs["region"] == "eu-west-1"
    (role,) = json.loads(provider.inputs["assumeRoles"])
    assert role["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/deploy" and role["externalId"] == "ext-42"
    assert json.loads(provider.inputs["defaultTags"]) == {"tags": {"Owner": "platform"}}


def bucket_plan(kms_key_arn=None, files=None, protect=False):
    return run_program(lambda: DagBucket("b", DagBucketArgs("airflow-b-1", {}, kms_key_arn, files or {}, protect)))


def test_bucket_blocks_public_access_and_enforces_ownership_and_tls():
    plan = bucket_plan()
    block = plan.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = plan.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    policy = json.loads(plan.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert plan.one("aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    assert plan.one("aws:s3/bucket:Bucket").inputs["forceDestroy"] is False


@pytest.mark.parametrize(("key", "algorithm"), [(None, "AES256"), (KEY_ARN, "aws:kms")])
def test_bucket_encryption_uses_the_customer_key_when_there_is_one(key, algorithm):
    (rule,) = bucket_plan(key).one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs["rules"]
    default = rule["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == algorithm
    assert default.get("kmsMasterKeyId") == key


def test_uploads_wait_for_versioning_and_encryption(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("apache-airflow-providers-amazon\n")
    plan = bucket_plan(files={"requirements.txt": str(path)})
    obj = plan.one("aws:s3/bucketObjectv2:BucketObjectv2")
    assert obj.inputs["key"] == "requirements.txt"
    versioning = plan.one("aws:s3/bucketVersioning:BucketVersioning").urn
    encryption = plan.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").urn
    assert {versioning, encryption} <= set(obj.dependencies)


# Every resource whose deletion would leave a retained bucket, key or log group weaker.
STATEFUL_GROUP = {
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLogging:BucketLogging",
}


@pytest.mark.parametrize(("protect", "retain"), [(True, True), (True, False), (False, True), (False, False)])
def test_stateful_groups_are_protected_and_retained_together_and_independently(protect, retain, tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("apache-airflow-providers-amazon\n")

    def program():
        Key("k", KeyArgs(ACCOUNT, REGION, "alias/mwaaform/x", "d", {}, protect=protect, retain_on_delete=retain))
        LogGroups("l", LogGroupsArgs("x", 30, {}, protect=protect, retain_on_delete=retain))
        DagBucket(
            "b",
            DagBucketArgs(
                "airflow-x-1", {}, files={"requirements.txt": str(path)}, protect=protect, retain_on_delete=retain, access_log_bucket="acme-logs"
            ),
        )

    plan = run_program(program)
    stateful = [r for r in plan.resources if r.type in STATEFUL_GROUP]
    assert {r.type for r in stateful} == STATEFUL_GROUP
    for resource in stateful:
        assert (resource.protect, resource.retain_on_delete) == (protect, retain), resource.urn
    for group in plan.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs.get("skipDestroy", False) is retain
    # The files stay with a retained bucket (their removal would leave delete markers on top).
    assert plan.one("aws:s3/bucketObjectv2:BucketObjectv2").retain_on_delete is retain


def test_lifecycle_expires_only_noncurrent_versions():
    plan = run_program(lambda: DagBucket("b", DagBucketArgs("airflow-x-1", {}, noncurrent_version_expiration_days=30)))
    lifecycle = plan.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    (rule,) = lifecycle.inputs["rules"]
    assert rule["status"] == "Enabled" and rule["noncurrentVersionExpiration"] == {"noncurrentDays": 30}
    assert "expiration" not in rule  # current versions, the pinned ones, never expire
    assert plan.one("aws:s3/bucketVersioning:BucketVersioning").urn in lifecycle.dependencies
    assert plan.of_type("aws:s3/bucketLogging:BucketLogging") == []  # access logging only when asked


def test_access_logging_to_the_named_target():
    plan = run_program(lambda: DagBucket("b", DagBucketArgs("airflow-x-1", {}, access_log_bucket="acme-logs", access_log_prefix="mwaa/x/")))
    logging_ = plan.one("aws:s3/bucketLogging:BucketLogging").inputs
    assert (logging_["targetBucket"], logging_["targetPrefix"]) == ("acme-logs", "mwaa/x/")


def test_key_rotates_and_has_the_longest_deletion_window():
    plan = run_program(lambda: Key("k", KeyArgs(ACCOUNT, REGION, "alias/mwaaform/x", "d", {})))
    key = plan.one("aws:kms/key:Key").inputs
    assert key["enableKeyRotation"] is True and key["deletionWindowInDays"] == 30
    assert plan.one("aws:kms/alias:Alias").inputs["name"] == "alias/mwaaform/x"


def test_log_groups_carry_retention_and_key():
    plan = run_program(lambda: LogGroups("l", LogGroupsArgs("etl", 365, {}, KEY_ARN)))
    groups = plan.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert sorted(g.inputs["name"] for g in groups) == [f"airflow-etl-{t}" for t in ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")]
    assert all(g.inputs["retentionInDays"] == 365 and g.inputs["kmsKeyId"] == KEY_ARN for g in groups)


def role_plan(**overrides):
    args = dict(env_name="etl", account_id=ACCOUNT, region=REGION, bucket_name="airflow-etl-1", tags={})
    args.update(overrides)
    holder = {}

    def program():
        holder["role"] = ExecutionRole("etl-role", ExecutionRoleArgs(**args))

    return run_program(program)


def test_role_has_boundary_path_and_one_policy_per_document():
    plan = role_plan(
        permissions_boundary_arn=f"arn:aws:iam::{ACCOUNT}:policy/boundary",
        path="/mwaa/",
        extra_policies=[("grants-1", json.dumps({"Version": "2012-10-17", "Statement": []}))],
    )
    role = plan.one("aws:iam/role:Role").inputs
    assert role["permissionsBoundary"] == f"arn:aws:iam::{ACCOUNT}:policy/boundary" and role["path"] == "/mwaa/"
    trust = json.loads(role["assumeRolePolicy"])["Statement"][0]
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    policies = {p.inputs["name"]: p for p in plan.of_type("aws:iam/policy:Policy")}
    assert set(policies) == {"mwaa-etl-us-east-1-base", "mwaa-etl-us-east-1-grants-1"}
    attached = {a.inputs["policyArn"] for a in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attached == {p.outputs["arn"] for p in policies.values()}


def test_role_arn_output_waits_for_the_policy_attachments():
    import pulumi_aws as aws

    def program():
        role = ExecutionRole("etl-role", ExecutionRoleArgs("etl", ACCOUNT, REGION, "airflow-etl-1", {}))
        aws.sns.Topic("consumer", name="consumer", display_name=role.arn)

    plan = run_program(program)
    consumer = plan.one("aws:sns/topic:Topic")
    attachment = plan.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").urn
    assert attachment in consumer.dependencies
    assert consumer.inputs["displayName"] == f"arn:aws:iam::{ACCOUNT}:role/mwaa-etl-us-east-1"


@pytest.mark.parametrize("adopt", [True, False])
def test_adopting_retained_resources_imports_them_by_name(adopt):
    def program():
        LogGroups("l", LogGroupsArgs("etl", 30, {}, adopt_existing=adopt))
        DagBucket("b", DagBucketArgs("airflow-etl-1", {}, adopt_existing=adopt))

    plan = run_program(program)
    groups = {r.name: r.import_id for r in plan.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert groups == {f"airflow-etl-{kind}": (f"airflow-etl-{kind}" if adopt else None) for kind in ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")}
    # The bucket and every resource that configures it are adopted by the bucket's name.
    bucket_group = [r for r in plan.resources if r.custom and r.type.startswith("aws:s3/")]
    assert {r.type for r in bucket_group} >= {"aws:s3/bucket:Bucket", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPolicy:BucketPolicy"}
    assert {r.import_id for r in bucket_group} == {"airflow-etl-1" if adopt else None}
