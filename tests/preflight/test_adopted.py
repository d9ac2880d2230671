"""`adopt_retained: true`: the preflight checks that what `pulumi up` will import exists, and no
longer treats the imported bucket as a name to take. Against moto's S3 and CloudWatch Logs."""

from __future__ import annotations

import dataclasses
import json

import boto3
from botocore.exceptions import ClientError
import pytest
from botocore.stub import Stubber

from mwaaform.iam.documents import deny_insecure_transport
from mwaaform.preflight import checks
from mwaaform.preflight.checks import Clients
from mwaaform.preflight.command import StackReport, facts_of, render, run_checks
from mwaaform.preflight.facts import AdoptedBucket, AdoptedLogGroup, Facts, PlannedEncryption, PlannedLifecycleRule
from mwaaform.spec.loader import load
from tests.preflight.conftest import ACCOUNT, REGION
from tests.preflight.test_checks import spec_text

ENV = "adopted-dev"  # its own name: its bucket and log groups never meet the other tests' in the emulator
KINDS = ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")
GROUPS = tuple(f"airflow-{ENV}-{kind}" for kind in KINDS)


@pytest.fixture(scope="module")
def adopting(networks, tmp_path_factory) -> Facts:
    """Facts of a stack re-adding an environment with adopt_retained, from its real offline plan."""
    text = spec_text(networks["nat"]).replace("preflight-dev", ENV)
    assert "    stage: dev\n" in text
    path = tmp_path_factory.mktemp("adopt") / "adopting-stack.yaml"
    path.write_text(text.replace("    stage: dev\n", "    stage: dev\n    adopt_retained: true\n"))
    result = load([path])
    assert result.ok, result.diagnostics
    return facts_of(result.stacks[0])


@pytest.fixture(scope="module")
def adopting_with_a_new_key(networks, tmp_path_factory) -> Facts:
    """The same stack with a customer-managed key: a new key, created by the stack."""
    text = spec_text(networks["nat"]).replace("preflight-dev", ENV)
    path = tmp_path_factory.mktemp("adopt-key") / "adopting-stack.yaml"
    path.write_text(text.replace("    stage: dev\n", "    stage: dev\n    adopt_retained: true\n    encryption: {key: customer_managed}\n"))
    result = load([path])
    assert result.ok, result.diagnostics
    return facts_of(result.stacks[0])


@pytest.fixture(scope="module")
def aws(moto_server) -> Clients:
    return Clients(*(boto3.client(name, region_name=REGION) for name in ("ec2", "s3", "kms", "mwaa", "logs")))


def retain(bucket: str | None, groups: tuple[str, ...], tags: dict[str, str] | None = None, retention: int | None = 30,
           key: str | None = None, group_tags: dict[str, str] | None = None) -> None:
    """What an earlier stack left behind with retain_on_delete (log groups kept 30 days, as the spec's)."""
    s3 = boto3.client("s3", region_name=REGION)
    if bucket:
        s3.create_bucket(Bucket=bucket)
    if bucket and tags:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    logs = boto3.client("logs", region_name=REGION)
    for group in groups:
        logs.create_log_group(logGroupName=group, **({"kmsKeyId": key} if key else {}), **({"tags": group_tags} if group_tags else {}))
        if retention:
            logs.put_retention_policy(logGroupName=group, retentionInDays=retention)


def configure(bucket: str, key: str | None = None, noncurrent_days: int = 90) -> None:
    """What mwaaform's DAG bucket component set on the bucket before it was retained (components/bucket.py)."""
    s3 = boto3.client("s3", region_name=REGION)
    default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key} if key else {"SSEAlgorithm": "AES256"}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bool(key)}]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={flag: True for flag in checks.PUBLIC_ACCESS_FLAGS})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    # As S3 may keep it: keys in another order, the same statements.
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(deny_insecure_transport(bucket), indent=2))
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        # As the provider writes the component's empty filter (terraform-provider-aws: emptyFilterPlanModifier).
        "ID": "expire-noncurrent-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": noncurrent_days},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }]})


def adopting_bucket(adopting: Facts, bucket: str, **planned) -> Facts:
    """The stack's facts adopting ``bucket`` alone, with the plan's configuration (changed by ``planned``;
    its tags compared only when ``planned`` gives them)."""
    [configuration] = adopting.adopted_buckets
    assert configuration.policy
    renamed = dataclasses.replace(configuration, name=bucket, policy=configuration.policy.replace(configuration.name, bucket))
    return dataclasses.replace(adopting, imported_buckets=(bucket,), imported_log_groups=(),
                               adopted_buckets=(dataclasses.replace(renamed, **{"tags": None, **planned}),))


def test_the_plan_says_what_is_imported_and_the_imported_bucket_is_not_one_to_create(adopting):
    [bucket] = adopting.imported_buckets
    assert bucket.startswith(f"airflow-{ENV}-")
    assert adopting.imported_log_groups == tuple(sorted(GROUPS))
    # Neither a name to take nor a bucket the spec brings.
    assert adopting.buckets == () and adopting.brought_buckets == ()


def test_a_stack_that_imports_nothing_skips_the_check(aws, adopting):
    # (tests/preflight/test_checks.py: a stack without adopt_retained imports nothing.)
    result = checks.adopted(aws, dataclasses.replace(adopting, imported_buckets=(), imported_log_groups=()))
    assert result.status == "skip" and "imports nothing" in result.detail


def test_existing_retained_resources_pass_and_are_listed(adopting, moto_server):
    [bucket] = adopting.imported_buckets
    [planned] = adopting.adopted_buckets
    assert planned.tags and dict(planned.tags)["Stack"] == adopting.stack
    group_tags = {g.name: g.tags for g in adopting.adopted_log_groups}
    retain(bucket, (), dict(planned.tags))
    for group in GROUPS:  # each its own Name
        retain(None, (group,), group_tags=dict(group_tags[group] or ()))
    configure(bucket)
    results = run_checks(adopting)  # as the command runs them, through the deploy role's session
    by_name = {c.name: c for c in results}
    assert [c.name for c in results if c.status == "fail"] == ["environment names"], render(StackReport(adopting, results))
    adopted = by_name["adopted resources"]
    assert adopted.status == "pass"
    compared = "default encryption, versioning, public access block, object ownership, lifecycle, bucket policy as planned"
    assert adopted.detail == "adopts " + ", ".join([f"bucket {bucket} ({compared})"] + [f"log group {g}" for g in sorted(GROUPS)])
    # The retained bucket exists and carries no tag of a name to take: never "free", never "not this stack's".
    names = by_name["DAG bucket names"]
    assert names.status == "skip" and f"it adopts {bucket}" in names.detail


def test_an_imported_bucket_that_is_not_tagged_as_this_stacks_is_no_name_clash(aws, adopting, moto_server):
    retain("airflow-retained-untagged", ())
    facts = dataclasses.replace(adopting, imported_buckets=("airflow-retained-untagged",), imported_log_groups=())
    assert checks.buckets(aws, facts).status == "skip"
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("pass", "adopts bucket airflow-retained-untagged")


def test_a_bucket_another_stack_tagged_is_adopted_with_a_warning(aws, adopting, moto_server):
    retain("airflow-retained-elsewhere", (), {"ManagedBy": "mwaaform", "Stack": "old-stack"})
    facts = dataclasses.replace(adopting, imported_buckets=("airflow-retained-elsewhere",), imported_log_groups=())
    result = checks.adopted(aws, facts)
    assert result.status == "pass"
    assert "airflow-retained-elsewhere (tagged as stack old-stack's: make sure that stack no longer manages it)" in result.detail


def test_a_missing_bucket_fails_naming_it_and_the_fix(aws, adopting, moto_server):
    facts = dataclasses.replace(adopting, imported_buckets=("airflow-never-retained",), imported_log_groups=())
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("fail", "bucket airflow-never-retained does not exist")
    assert result.fix.startswith("nothing retained is here: turn adopt_retained off to create them")


def test_a_missing_log_group_fails_naming_it_even_when_a_longer_name_shares_its_prefix(aws, adopting, moto_server):
    retain("airflow-retained-logs", ("airflow-half-Scheduler", "airflow-half-TaskRunner"))
    facts = dataclasses.replace(adopting, imported_buckets=("airflow-retained-logs",),
                                imported_log_groups=("airflow-half-Scheduler", "airflow-half-Task"))
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("fail", "log group airflow-half-Task does not exist")
    # The rest is there: adoption is all or nothing, so what is missing is to be created or restored.
    assert result.fix.startswith("create or restore what is missing (a log group: aws logs create-log-group")
    several = checks.adopted(aws, dataclasses.replace(facts, imported_log_groups=("airflow-half-DAGProcessing", "airflow-half-Task")))
    assert several.detail == "log groups airflow-half-DAGProcessing, airflow-half-Task do not exist"


def test_a_bucket_in_another_region_fails(aws, adopting, moto_server):
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket="airflow-retained-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    facts = dataclasses.replace(adopting, imported_buckets=("airflow-retained-eu",), imported_log_groups=())
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("fail", f"bucket airflow-retained-eu is in eu-west-1, not {REGION}")
    assert result.fix.startswith("a bucket of another account or region cannot be adopted: rename the environment")


def test_a_bucket_of_another_account_fails(adopting):
    # moto ignores ExpectedBucketOwner; S3 answers 403 when the bucket is another account's: stubbed.
    [bucket] = adopting.imported_buckets
    s3 = boto3.client("s3", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(s3)
    stub.add_client_error("head_bucket", "403", "Forbidden", 403, expected_params={"Bucket": bucket, "ExpectedBucketOwner": ACCOUNT})
    with stub:
        result = checks.adopted(Clients(None, s3, None, None), dataclasses.replace(adopting, imported_log_groups=()))
        stub.assert_no_pending_responses()
    assert (result.status, result.detail) == ("fail", (
        f"bucket {bucket} belongs to another account, or the deploy role may not list it (s3:ListBucket): S3 answers 403 to both"))


def test_the_plan_says_the_key_and_retention_each_adopted_log_group_must_have(adopting, adopting_with_a_new_key):
    assert {(g.kms_key, g.new_key, g.retention_days) for g in adopting.adopted_log_groups} == {(None, False, 30)}
    assert tuple(g.name for g in adopting.adopted_log_groups) == adopting.imported_log_groups
    # With a customer-managed key the stack creates a new one: no retained group can be under it.
    (planned,) = {(g.new_key, g.retention_days) for g in adopting_with_a_new_key.adopted_log_groups}
    assert planned == (True, 30)


def test_a_retained_log_group_under_another_key_or_retention_fails_as_its_import_would(aws, adopting, moto_server):
    groups = ("airflow-keyed-Task", "airflow-keyed-Worker")
    old_key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b5c6a1e-0000-4000-8000-000000000001"
    retain(None, groups, retention=90, key=old_key)
    planned = tuple(AdoptedLogGroup(g, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/new", True, 30) for g in groups)
    facts = dataclasses.replace(adopting, imported_buckets=(), imported_log_groups=groups, adopted_log_groups=planned)
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("fail", (
        f"log groups airflow-keyed-Task, airflow-keyed-Worker: encrypted with {old_key}, the stack with the new key it creates; "
        "log groups airflow-keyed-Task, airflow-keyed-Worker: logs kept 90 days, the stack says 30 days"))
    assert "give the environment the retained key (encryption.key_arn) and retention (logging.retention_days)" in result.fix
    # Brought as the environment's key, with the retention they keep: they match, and are adopted.
    matching = tuple(AdoptedLogGroup(g, old_key, False, 90) for g in groups)
    result = checks.adopted(aws, dataclasses.replace(facts, adopted_log_groups=matching))
    assert (result.status, result.detail) == ("pass", "adopts log group airflow-keyed-Task, log group airflow-keyed-Worker")
    # A key the plan drops, or one the retained group never had, fails likewise.
    unkeyed = tuple(AdoptedLogGroup(g, None, False, 90) for g in groups)
    assert checks.adopted(aws, dataclasses.replace(facts, adopted_log_groups=unkeyed)).detail == (
        f"log groups airflow-keyed-Task, airflow-keyed-Worker: encrypted with {old_key}, the stack with no key")


# --- the adopted bucket's configuration --------------------------------------------------------

OLD_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b5c6a1e-0000-4000-8000-00000000000b"
NEW_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b5c6a1e-0000-4000-8000-00000000000c"


def test_the_plan_says_what_configuration_each_adopted_bucket_is_imported_with(adopting, adopting_with_a_new_key):
    [planned] = adopting.adopted_buckets
    assert planned == AdoptedBucket(
        adopting.imported_buckets[0],
        # The component's secure defaults: SSE-S3 without a customer-managed key, versioned, private, owner-enforced.
        encryption=PlannedEncryption("AES256", None, False, False),
        versioning="Enabled",
        public_access_block=tuple((flag, True) for flag in checks.PUBLIC_ACCESS_FLAGS),
        object_ownership="BucketOwnerEnforced",
        lifecycle=(PlannedLifecycleRule("expire-noncurrent-versions", "Enabled", 90, 7),),
        logging=None,  # the spec logs no access
        policy=json.dumps(deny_insecure_transport(planned.name), sort_keys=True),
        tags=planned.tags,
    )
    # Its own tags over the provider's default tags: the provider reads back every tag but a default one.
    tags = dict(planned.tags or ())
    assert (tags["Name"], tags["MwaaEnvironment"], tags["ManagedBy"], tags["Stack"]) == (
        planned.name, ENV, "mwaaform", adopting.stack)
    # A customer-managed key the stack creates: with the S3 Bucket Key, and no retained bucket can be under it.
    [keyed] = adopting_with_a_new_key.adopted_buckets
    assert keyed.encryption is not None and keyed.encryption.kms_key
    assert (keyed.encryption.algorithm, keyed.encryption.new_key, keyed.encryption.bucket_key) == ("aws:kms", True, True)


def test_a_retained_bucket_under_the_planned_key_passes(aws, adopting, moto_server):
    retain("airflow-keyed-same", ())
    configure("airflow-keyed-same", key=OLD_KEY)
    facts = adopting_bucket(adopting, "airflow-keyed-same", encryption=PlannedEncryption("aws:kms", OLD_KEY, False, True))
    result = checks.adopted(aws, facts)
    assert result.status == "pass" and result.detail.startswith("adopts bucket airflow-keyed-same (default encryption, versioning,")


def test_a_retained_bucket_under_another_key_fails_naming_both(aws, adopting, moto_server):
    retain("airflow-keyed-old", ())
    configure("airflow-keyed-old", key=OLD_KEY)
    facts = adopting_bucket(adopting, "airflow-keyed-old", encryption=PlannedEncryption("aws:kms", NEW_KEY, False, True))
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("fail", (
        f"bucket airflow-keyed-old: default encryption is aws:kms with {OLD_KEY}, the plan imports aws:kms with {NEW_KEY}"))
    assert "inputs to import do not match the existing resource" in result.fix
    assert "encryption.key_arn set to the ARN of the key the bucket is under" in result.fix
    assert "aws s3api put-bucket-encryption" in result.fix and "turn adopt_retained off" in result.fix
    # A stack that creates a new key cannot adopt it; nor one that plans S3's own key.
    new = checks.adopted(aws, dataclasses.replace(facts, adopted_buckets=(
        dataclasses.replace(facts.adopted_buckets[0], encryption=PlannedEncryption("aws:kms", NEW_KEY, True, True)),)))
    assert new.detail.endswith(f"is aws:kms with {OLD_KEY}, the plan imports aws:kms with the new key the stack creates")
    s3_key = checks.adopted(aws, adopting_bucket(adopting, "airflow-keyed-old"))
    assert s3_key.detail.endswith(f"is aws:kms with {OLD_KEY}, the plan imports SSE-S3 (AES256)")


def test_the_same_key_written_as_its_id_or_an_alias_fails_with_its_own_fix(aws, adopting, moto_server):
    # The provider compares the key as written: an id or alias is not the ARN the program gives.
    kms = boto3.client("kms", region_name=REGION)
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/retained-dags", TargetKeyId=key["KeyId"])
    for written in (key["KeyId"], "alias/retained-dags"):
        bucket = f"airflow-keyed-as-{'alias' if written.startswith('alias/') else 'id'}"
        retain(bucket, ())
        configure(bucket, key=written)
        result = checks.adopted(aws, adopting_bucket(
            adopting, bucket, encryption=PlannedEncryption("aws:kms", key["Arn"], False, True)))
        assert (result.status, result.detail) == ("fail", (
            f"bucket {bucket}: default encryption is aws:kms with {written} (the same key, not written as its ARN), "
            f"the plan imports aws:kms with {key['Arn']}"))
        assert "write the bucket's key as its ARN (aws s3api put-bucket-encryption)" in result.fix
        assert "encryption.key_arn" not in result.fix  # the spec already has it right


def test_suspended_versioning_fails(aws, adopting, moto_server):
    retain("airflow-suspended", ())
    configure("airflow-suspended")
    boto3.client("s3", region_name=REGION).put_bucket_versioning(
        Bucket="airflow-suspended", VersioningConfiguration={"Status": "Suspended"})
    result = checks.adopted(aws, adopting_bucket(adopting, "airflow-suspended"))
    assert (result.status, result.detail) == ("fail", "bucket airflow-suspended: versioning is suspended, the plan imports enabled")
    assert "aws s3api put-bucket-versioning" in result.fix


def test_a_public_access_block_off_fails(aws, adopting, moto_server):
    s3 = boto3.client("s3", region_name=REGION)
    retain("airflow-open", ())
    configure("airflow-open")
    s3.delete_public_access_block(Bucket="airflow-open")
    result = checks.adopted(aws, adopting_bucket(adopting, "airflow-open"))
    assert (result.status, result.detail) == ("fail", (
        "bucket airflow-open: public access block is not set, the plan imports "
        "BlockPublicAcls on, IgnorePublicAcls on, BlockPublicPolicy on, RestrictPublicBuckets on"))
    assert "aws s3api put-public-access-block" in result.fix
    # One setting turned off is named alone.
    s3.put_public_access_block(Bucket="airflow-open", PublicAccessBlockConfiguration={
        **{flag: True for flag in checks.PUBLIC_ACCESS_FLAGS}, "BlockPublicPolicy": False})
    result = checks.adopted(aws, adopting_bucket(adopting, "airflow-open"))
    assert result.detail == "bucket airflow-open: public access block is BlockPublicPolicy off, the plan imports BlockPublicPolicy on"


def test_ownership_lifecycle_and_logging_that_differ_fail_each_named(aws, adopting, moto_server):
    s3 = boto3.client("s3", region_name=REGION)
    retain("airflow-drifted", ())
    configure("airflow-drifted", noncurrent_days=30)
    s3.delete_bucket_ownership_controls(Bucket="airflow-drifted")
    facts = adopting_bucket(adopting, "airflow-drifted", logging=("airflow-access-logs", "dags/"))
    result = checks.adopted(aws, facts)
    assert result.status == "fail"
    assert result.detail.split("; ") == [
        "bucket airflow-drifted: object ownership is not set, the plan imports BucketOwnerEnforced",
        "bucket airflow-drifted: lifecycle is rule expire-noncurrent-versions enabled: noncurrent versions expire after 30 days, "
        "incomplete uploads aborted after 7 days, the plan imports rule expire-noncurrent-versions enabled: "
        "noncurrent versions expire after 90 days, incomplete uploads aborted after 7 days",
        "bucket airflow-drifted: access logging is off, the plan imports to airflow-access-logs under dags/",
    ]
    assert "bucket.noncurrent_version_expiration_days" in result.fix and "bucket.access_logging" in result.fix


def test_a_live_lifecycle_rule_with_other_actions_or_a_narrower_scope_is_no_match():
    from mwaaform.preflight.adopted_bucket import _describe_rule

    planned = PlannedLifecycleRule("expire-noncurrent-versions", "Enabled", 90, 7)
    rule = {"ID": "expire-noncurrent-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 90}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}
    assert _describe_rule(rule) == planned.describe()  # the plan's filter {} as the provider writes it
    # The provider reads an empty Filter, or none (the old top-level Prefix), as no filter block: the import differs.
    assert _describe_rule({**rule, "Filter": {}}) == planned.describe() + " (an empty Filter, not the plan's Prefix '')"
    legacy = {k: v for k, v in rule.items() if k != "Filter"} | {"Prefix": ""}
    assert _describe_rule(legacy) == planned.describe() + " (no Filter, the old top-level Prefix '')"
    assert _describe_rule({**rule, "Filter": {"Prefix": "dags/"}}) != planned.describe()
    assert _describe_rule({**rule, "Expiration": {"Days": 30}}).endswith("(and Expiration)")


def test_live_lifecycle_rules_the_import_would_not_match_each_fail(aws, adopting, moto_server):
    s3 = boto3.client("s3", region_name=REGION)
    retain("airflow-rules", ())
    configure("airflow-rules")
    facts = adopting_bucket(adopting, "airflow-rules")
    assert checks.adopted(aws, facts).status == "pass"
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket="airflow-rules")["Rules"]
    hostile = {
        "an empty Filter": [{**rule, "Filter": {}}],
        "a tag filter": [{**rule, "Filter": {"Tag": {"Key": "k", "Value": "v"}}}],
        "an and filter": [{**rule, "Filter": {"And": {"Prefix": "dags/", "Tags": [{"Key": "k", "Value": "v"}]}}}],
        "a second rule": [rule, {**rule, "ID": "expire-logs", "Filter": {"Prefix": "logs/"}}],
    }
    for how, rules in hostile.items():
        s3.put_bucket_lifecycle_configuration(Bucket="airflow-rules", LifecycleConfiguration={"Rules": rules})
        result = checks.adopted(aws, facts)
        assert result.status == "fail" and "airflow-rules: lifecycle is" in result.detail, how


def test_a_lifecycle_minimum_object_size_other_than_the_providers_default_fails():
    from mwaaform.preflight.adopted_bucket import _minimum_size

    # The provider plans all_storage_classes_128K when the program leaves the setting out (the component does).
    assert _minimum_size("all_storage_classes_128K") == [] and _minimum_size(None) == []
    [difference] = _minimum_size("varies_by_storage_class")
    assert difference.describe("b") == (
        "bucket b: lifecycle minimum object size is varies_by_storage_class, the plan imports all_storage_classes_128K")


def test_retained_tags_other_than_the_plans_fail_for_the_bucket_and_the_log_groups(aws, adopting, moto_server):
    [planned] = adopting.adopted_buckets
    tags = dict(planned.tags or ())
    retain("airflow-other-stack", (), {**tags, "Stack": "old-stack"})
    configure("airflow-other-stack")
    result = checks.adopted(aws, adopting_bucket(adopting, "airflow-other-stack", tags=planned.tags))
    assert result.status == "fail"
    assert result.detail == (f"bucket airflow-other-stack: tags differ from the plan's: Stack 'old-stack' (the plan: {adopting.stack!r})")
    assert "aws s3api put-bucket-tagging" in result.fix
    # A log group with a tag the plan does not write.
    [group] = [g for g in adopting.adopted_log_groups if g.name.endswith("-Task")]
    renamed = dataclasses.replace(group, name="airflow-tagged-Task", retention_days=30)
    retain(None, (renamed.name,), group_tags={**dict(group.tags or ()), "Purpose": "kept"})
    result = checks.adopted(aws, dataclasses.replace(adopting, imported_buckets=(), imported_log_groups=(renamed.name,),
                                                     adopted_log_groups=(renamed,)))
    assert (result.status, result.detail) == ("fail", "log group airflow-tagged-Task: tags differ: Purpose not in the plan")
    assert "the log groups the plan's tags" in result.fix


def test_tags_aws_sets_itself_are_not_a_difference():
    planned = (("Stack", "s"),)
    assert checks._tags_differ({"Stack": "s", "aws:cloudformation:stack-name": "x"}, planned) == ""
    assert checks._tags_differ({"Stack": "s", "Owner": "x"}, planned) == "Owner not in the plan"


class _Denying:
    """An S3 client whose role lacks the permission of one Get (S3 answers AccessDenied)."""

    def __init__(self, s3, denied: str):
        self._s3, self._denied = s3, denied

    def __getattr__(self, name):
        if name == self._denied:
            def deny(**_):
                raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, name)
            return deny
        return getattr(self._s3, name)


def test_a_setting_the_role_cannot_read_fails_naming_its_permission_and_the_others_are_still_compared(aws, adopting, moto_server):
    retain("airflow-half-readable", ())
    configure("airflow-half-readable")
    boto3.client("s3", region_name=REGION).put_bucket_versioning(
        Bucket="airflow-half-readable", VersioningConfiguration={"Status": "Suspended"})
    denied = dataclasses.replace(aws, s3=_Denying(aws.s3, "get_bucket_lifecycle_configuration"))
    result = checks.adopted(denied, adopting_bucket(adopting, "airflow-half-readable"))
    assert (result.status, result.detail.split("; ")) == ("fail", [
        "bucket airflow-half-readable: versioning is suspended, the plan imports enabled",
        "bucket airflow-half-readable: could not read its lifecycle (AccessDenied)",
    ])
    assert "aws s3api put-bucket-versioning" in result.fix and "put-bucket-lifecycle-configuration" not in result.fix
    assert result.fix.endswith("the deploy role needs s3:GetLifecycleConfiguration on the retained bucket to compare what it could not read")
    # Nothing else differs: the fix is the permission alone.
    boto3.client("s3", region_name=REGION).put_bucket_versioning(
        Bucket="airflow-half-readable", VersioningConfiguration={"Status": "Enabled"})
    result = checks.adopted(denied, adopting_bucket(adopting, "airflow-half-readable"))
    assert result.status == "fail"
    assert result.fix == "the deploy role needs s3:GetLifecycleConfiguration on the retained bucket to compare what it could not read"


def test_log_groups_the_role_cannot_describe_fail_with_the_permission_and_the_bucket_is_still_compared(aws, adopting, moto_server):
    retain("airflow-groups-unreadable", ())
    configure("airflow-groups-unreadable", noncurrent_days=30)
    facts = dataclasses.replace(adopting_bucket(adopting, "airflow-groups-unreadable"), imported_log_groups=GROUPS[:2])

    class DenyingLogs:
        def get_paginator(self, name):
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, "DescribeLogGroups")

    result = checks.adopted(dataclasses.replace(aws, logs=DenyingLogs()), facts)
    assert result.status == "fail"
    assert result.detail.split("; ")[0].startswith("bucket airflow-groups-unreadable: lifecycle is rule")
    assert result.detail.split("; ")[-1] == f"could not read the log groups {GROUPS[0]}, {GROUPS[1]} (AccessDeniedException)"
    assert result.fix.endswith("the deploy role needs logs:DescribeLogGroups to check the retained log groups")


def test_access_logging_with_grants_or_a_key_format_the_plan_does_not_write_fails():
    from mwaaform.preflight.adopted_bucket import _access_logging

    planned = ("acme-logs", "dags/")
    enabled = {"TargetBucket": "acme-logs", "TargetPrefix": "dags/"}  # GetBucketLogging's LoggingEnabled
    assert _access_logging(enabled, planned) == []
    partitioned = {**enabled, "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}}
    [difference] = _access_logging(partitioned, planned)
    assert difference.describe("b") == (
        "bucket b: access logging is to acme-logs under dags/ with TargetObjectKeyFormat, the plan imports to acme-logs under dags/")
    granted = {**enabled, "TargetGrants": [{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                                            "Permission": "READ"}]}
    assert _access_logging(granted, planned)[0].live == "to acme-logs under dags/ with TargetGrants"


def test_a_bucket_policy_that_differs_fails_and_an_equivalent_one_passes(aws, adopting, moto_server):
    s3 = boto3.client("s3", region_name=REGION)
    retain("airflow-policied", ())
    configure("airflow-policied")
    facts = adopting_bucket(adopting, "airflow-policied")
    # Equivalent as the provider sees it (awspolicyequivalence): lists in another order, a string as a
    # one-element list, Effect in another case, a condition's boolean as its string, conditions in another order.
    [statement] = deny_insecure_transport("airflow-policied")["Statement"]
    conditions = {"Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:TlsVersion": ["1.2"]}}
    facts = adopting_bucket(adopting, "airflow-policied", policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{**statement, "Condition": {"Bool": {"aws:SecureTransport": "false"},
                                                                            "NumericLessThan": {"s3:TlsVersion": 1.2}}}]}))
    equivalent = {**statement, "Effect": "deny", "Action": ["s3:*"], "Resource": statement["Resource"][::-1],
                  "Condition": dict(reversed(conditions.items()))}
    s3.put_bucket_policy(Bucket="airflow-policied", Policy=json.dumps({"Statement": [equivalent], "Version": "2012-10-17"}))
    assert checks.adopted(aws, facts).status == "pass"
    # Not equivalent to the provider, though IAM reads them alike: Principal {"AWS": "*"} for "*", another Version, an Id.
    for changed in ({"Statement": [{**equivalent, "Principal": {"AWS": "*"}}], "Version": "2012-10-17"},
                    {"Statement": [equivalent], "Version": "2008-10-17"},
                    {"Statement": [equivalent], "Version": "2012-10-17", "Id": "dags"}):
        s3.put_bucket_policy(Bucket="airflow-policied", Policy=json.dumps(changed))
        result = checks.adopted(aws, facts)
        assert result.status == "fail" and result.detail.endswith("written otherwise, the plan imports a policy with statements "
                                                                  "DenyInsecureTransport"), changed
    facts = adopting_bucket(adopting, "airflow-policied")
    # Someone opened it up: the TLS-only statement no longer denies plain HTTP.
    loose = {**statement, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    s3.put_bucket_policy(Bucket="airflow-policied", Policy=json.dumps({"Version": "2012-10-17", "Statement": [loose]}))
    result = checks.adopted(aws, facts)
    assert (result.status, result.detail) == ("fail", (
        "bucket airflow-policied: bucket policy is a policy with statements DenyInsecureTransport written otherwise, "
        "the plan imports a policy with statements DenyInsecureTransport"))
    assert "aws s3api put-bucket-policy" in result.fix
    s3.delete_bucket_policy(Bucket="airflow-policied")
    assert checks.adopted(aws, facts).detail == (
        "bucket airflow-policied: bucket policy is not set, the plan imports a policy with statements DenyInsecureTransport")
