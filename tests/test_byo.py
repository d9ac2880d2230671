"""Bring your own: a brought key, bucket or role is used everywhere and never created.

Each plan is the real program under the mock runtime; every document is read back from the
recorded inputs, so what is asserted is what `pulumi up` would send.
"""

from __future__ import annotations

import json

import pytest

from mwaaform.iam.lint import lint
from mwaaform.plan.engine import run_program
from mwaaform.plan.summary import summarize
from mwaaform.program import build_stack
from mwaaform.resolve import resolve
from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

KEY = "arn:aws:kms:us-east-1:999988887777:key/2f6c1a0e-8d3b-4c57-9e41-7a5b0c3d2e19"
ROLE = "arn:aws:iam::111122223333:role/security/mwaa-sample"
BUCKET = "artifacts-bucket"
GROUP = "sg-0123456789abcdef0"
MANAGED = ["arn:aws:iam::aws:policy/AmazonAthenaFullAccess", "arn:aws:iam::111122223333:policy/team/shared-read"]

BROUGHT_KEY_AND_BUCKET = MINIMAL.replace(
    "[us-east-1a, us-east-1b]\n", f"[us-east-1a, us-east-1b]\n    security_group_ids: [{GROUP}]\n"
) + f"""    encryption: {{key_arn: "{KEY}"}}
    dag_path: sample/dags
    bucket:
      name: "arn:aws:s3:::{BUCKET}"
      requirements: {{key: sample/requirements.txt, version: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"}}
    alarms: {{enabled: true, emails: [oncall@example.com]}}
    access:
      managed_policies: {json.dumps(MANAGED)}
"""
BROUGHT_ROLE = MINIMAL + f"""    execution_role_arn: {ROLE}
    encryption: {{key: customer_managed}}
    access:
      assume_roles: [arn:aws:iam::444455556666:role/partner-read]
"""


def plan_of(write_spec, text: str):
    (stack,) = load([write_spec(text)]).stacks
    plan = run_program(lambda: build_stack(stack), stack=stack.name, account_id="111122223333", region="us-east-1")
    return stack, plan


@pytest.fixture(scope="module")
def brought(tmp_path_factory):
    return _plan(tmp_path_factory, BROUGHT_KEY_AND_BUCKET)


@pytest.fixture(scope="module")
def brought_role(tmp_path_factory):
    return _plan(tmp_path_factory, BROUGHT_ROLE)


def _plan(factory, text):
    path = factory.mktemp("spec") / "stack.yaml"
    path.write_text(text, encoding="utf-8")
    result = load([path])
    assert result.ok, result.diagnostics
    (stack,) = result.stacks
    return stack, run_program(lambda: build_stack(stack), stack=stack.name, account_id="111122223333", region="us-east-1")


def documents(plan, type_: str, key: str = "policy") -> list[dict]:
    return [json.loads(r.inputs[key]) for r in plan.of_type(type_)]


def test_resolve_creates_only_what_is_not_brought(brought, brought_role):
    (stack, _), (role_stack, _) = brought, brought_role
    resolved = resolve(stack.spec.environments[0], stack.spec.account)
    assert (resolved.create_key, resolved.brought_key_arn) == (False, KEY)
    assert (resolved.create_bucket, resolved.bucket_name, resolved.bucket_arn) == (False, BUCKET, f"arn:aws:s3:::{BUCKET}")
    assert resolved.create_role and resolved.role_arn == "arn:aws:iam::111122223333:role/mwaa-sample-dev-us-east-1"
    assert resolved.uploads == {}
    other = resolve(role_stack.spec.environments[0], role_stack.spec.account)
    assert (other.create_key, other.create_bucket, other.create_role, other.role_arn) == (True, True, False, ROLE)


def test_a_brought_key_and_bucket_are_not_created(brought):
    _, plan = brought
    types = {r.type for r in plan.resources}
    assert not {"aws:kms/key:Key", "aws:kms/alias:Alias", "aws:s3/bucket:Bucket", "aws:s3/bucketObjectv2:BucketObjectv2"} & types
    assert not [r for r in plan.resources if r.type.startswith("aws:s3/")]


def test_the_brought_key_and_bucket_are_used_everywhere(brought):
    _, plan = brought
    env = plan.one("aws:mwaa/environment:Environment").inputs
    assert env["kmsKey"] == KEY
    assert env["sourceBucketArn"] == f"arn:aws:s3:::{BUCKET}"
    assert env["dagS3Path"] == "sample/dags"
    assert (env["requirementsS3Path"], env["requirementsS3ObjectVersion"]) == ("sample/requirements.txt", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
    assert {g.inputs.get("kmsKeyId") for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup")} == {KEY}
    assert plan.one("aws:sns/topic:Topic").inputs["kmsMasterKeyId"] == KEY
    (base,) = [d for d in documents(plan, "aws:iam/policy:Policy")]
    statements = {s["Sid"]: s for s in base["Statement"]}
    assert statements["UseEnvironmentKey"]["Resource"] == KEY
    assert statements["ReadDagBucket"]["Resource"] == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    text = json.dumps([r.inputs for r in plan.resources])
    assert "arn:aws:s3:::airflow-" not in text  # no generated bucket name anywhere


def test_managed_policies_and_extra_groups_are_attached(brought):
    _, plan = brought
    attached = sorted(a.inputs["policyArn"] for a in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if not a.name.endswith("-base"))
    assert attached == sorted(MANAGED)
    groups = plan.one("aws:mwaa/environment:Environment").inputs["networkConfiguration"]["securityGroupIds"]
    assert len(groups) == 2 and groups[1] == GROUP


def test_the_key_owner_is_told_what_to_add(brought):
    _, plan = brought
    key = plan.outputs["sample-dev"]["owner_requirements"]["key"]
    assert key["key_arn"] == KEY
    statements = {s["Sid"]: s for s in key["key_policy_statements"]["Statement"]}
    assert set(statements) == {
        "MwaaExecutionRoleUse", "CloudWatchLogsUse", "DeployerCreatesGrantsForMwaa", "DeployerDescribesKey", "CloudWatchAlarmsPublish"
    }  # no DeployerUploadsFiles: nothing is uploaded to a brought bucket
    role = statements["MwaaExecutionRoleUse"]["Condition"]["ArnEquals"]["aws:PrincipalArn"]
    assert role == plan.one("aws:iam/role:Role").outputs["arn"]
    logs = statements["CloudWatchLogsUse"]["Condition"]["StringEquals"]["kms:EncryptionContext:aws:logs:arn"]
    assert logs == [f"arn:aws:logs:us-east-1:111122223333:log-group:{g.inputs['name']}" for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup")]
    text = summarize(plan)
    assert f"The key owner must add to the key policy of {KEY}:" in text
    assert "MwaaExecutionRoleUse: Allow kms:Decrypt" in text


def test_key_owner_statements_lint_clean(brought):
    # A key policy is a resource policy: Resource "*" is the key itself, as in a trust policy.
    _, plan = brought
    document = plan.outputs["sample-dev"]["owner_requirements"]["key"]["key_policy_statements"]
    assert lint(document, trust=True) == []


def test_a_brought_role_is_not_created_and_its_policy_is_printed(brought_role):
    _, plan = brought_role
    assert not plan.of_type("aws:iam/role:Role") and not plan.of_type("aws:iam/policy:Policy")
    assert plan.one("aws:mwaa/environment:Environment").inputs["executionRoleArn"] == ROLE
    required = plan.outputs["sample-dev"]["owner_requirements"]["execution_role"]
    assert required["role_arn"] == ROLE
    assert required["trust_policy"]["Statement"][0]["Principal"] == {"Service": ["airflow-env.amazonaws.com", "airflow.amazonaws.com"]}
    base, grants = required["policies"]
    key_arn = plan.one("aws:kms/key:Key").outputs["arn"]
    assert {s["Sid"]: s for s in base["Statement"]}["UseEnvironmentKey"]["Resource"] == key_arn
    assert grants["Statement"][0]["Resource"] == ["arn:aws:iam::444455556666:role/partner-read"]
    assert "key" not in plan.outputs["sample-dev"]["owner_requirements"]  # the key is mwaaform's
    text = summarize(plan)
    assert f"The execution role {ROLE} is brought" in text and "AssumeRoles: Allow sts:AssumeRole" in text
    for document in required["policies"]:
        assert lint(document) == []
    assert lint(required["trust_policy"], trust=True) == []


def test_a_brought_key_over_a_created_bucket_lets_the_deployer_upload(write_spec, tmp_path):
    (tmp_path / "requirements.txt").write_text("boto3\n")
    _, plan = plan_of(write_spec, MINIMAL + f"    encryption: {{key_arn: \"{KEY}\"}}\n    requirements: requirements.txt\n")
    assert plan.one("aws:s3/bucket:Bucket")
    rules = plan.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs["rules"]
    assert rules[0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == KEY
    document = plan.outputs["sample-dev"]["owner_requirements"]["key"]["key_policy_statements"]
    upload = {s["Sid"]: s for s in document["Statement"]}["DeployerUploadsFiles"]
    assert upload["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    assert lint(document, trust=True) == []
