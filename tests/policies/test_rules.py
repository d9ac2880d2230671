"""Each policy rule, called directly with fake args: it reports what it should and nothing else."""

from __future__ import annotations

import json
from types import SimpleNamespace

from policies import rules


def resource(resource_type: str, **props):
    return SimpleNamespace(resource_type=resource_type, props=props, name="r", urn=f"urn:{resource_type}::r")


def violations(validator, args) -> list[str]:
    found: list[str] = []
    validator(args, lambda message, urn=None: found.append(message))
    return found


def test_log_group_needs_retention():
    assert violations(rules.log_group_retention_validator, resource(rules.LOG_GROUP, name="g"))
    assert not violations(rules.log_group_retention_validator, resource(rules.LOG_GROUP, name="g", retentionInDays=30))


def test_public_access_block_all_four():
    full = dict(bucket="b", blockPublicAcls=True, blockPublicPolicy=True, ignorePublicAcls=True, restrictPublicBuckets=True)
    assert not violations(rules.bucket_public_access_block_validator, resource(rules.PUBLIC_ACCESS_BLOCK, **full))
    found = violations(rules.bucket_public_access_block_validator, resource(rules.PUBLIC_ACCESS_BLOCK, **{**full, "restrictPublicBuckets": False}))
    assert found == ["public access block of b leaves restrictPublicBuckets off"]


def test_every_bucket_has_a_public_access_block():
    bucket = resource(rules.BUCKET, bucket="b")
    block = resource(rules.PUBLIC_ACCESS_BLOCK, bucket="b")
    assert violations(rules.buckets_have_public_access_block_validator, SimpleNamespace(resources=[bucket]))
    assert not violations(rules.buckets_have_public_access_block_validator, SimpleNamespace(resources=[bucket, block]))


def test_kms_rotation():
    assert violations(rules.kms_key_rotation_validator, resource(rules.KMS_KEY))
    assert not violations(rules.kms_key_rotation_validator, resource(rules.KMS_KEY, enableKeyRotation=True))


def test_no_wildcard_actions():
    def policy(*actions, effect="Allow"):
        doc = {"Statement": [{"Sid": "S", "Effect": effect, "Action": list(actions), "Resource": "*"}]}
        return resource("aws:iam/policy:Policy", policy=json.dumps(doc))

    assert violations(rules.iam_no_wildcard_actions_validator, policy("s3:*")) == ["statement S allows s3:*"]
    assert violations(rules.iam_no_wildcard_actions_validator, policy("*"))
    assert not violations(rules.iam_no_wildcard_actions_validator, policy("s3:GetObject"))
    assert not violations(rules.iam_no_wildcard_actions_validator, policy("s3:*", effect="Deny"))


def test_prod_webserver_private_and_customer_key():
    prod = dict(name="e", tags={"Environment": "prod"}, webserverAccessMode="PUBLIC_ONLY")
    assert violations(rules.mwaa_prod_private_webserver_validator, resource(rules.MWAA, **prod))
    assert violations(rules.mwaa_prod_customer_key_validator, resource(rules.MWAA, **prod))
    dev = {**prod, "tags": {"Environment": "dev"}}
    assert not violations(rules.mwaa_prod_private_webserver_validator, resource(rules.MWAA, **dev))
    assert not violations(rules.mwaa_prod_customer_key_validator, resource(rules.MWAA, **dev))
    ok = {**prod, "webserverAccessMode": "PRIVATE_ONLY", "kmsKey": "arn:aws:kms:us-east-1:111122223333:key/x"}
    assert not violations(rules.mwaa_prod_private_webserver_validator, resource(rules.MWAA, **ok))
    assert not violations(rules.mwaa_prod_customer_key_validator, resource(rules.MWAA, **ok))


def test_scheduler_and_task_logs_on():
    off = dict(name="e", loggingConfiguration={"schedulerLogs": {"enabled": False}, "taskLogs": {"enabled": True}})
    assert violations(rules.mwaa_logs_enabled_validator, resource(rules.MWAA, **off)) == ["environment e has schedulerLogs off"]


def test_policy_names_are_kebab_case_and_unique():
    names = [rule.name for rule in rules.POLICIES]
    assert len(names) == len(set(names))
    assert all(name == name.lower() and " " not in name and "_" not in name for name in names)
