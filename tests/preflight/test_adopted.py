"""`adopt_retained: true`: the preflight checks that what `pulumi up` will import exists, and no
longer treats the imported bucket as a name to take. Against moto's S3 and CloudWatch Logs."""

from __future__ import annotations

import dataclasses

import boto3
import pytest
from botocore.stub import Stubber

from mwaaform.preflight import checks
from mwaaform.preflight.checks import Clients
from mwaaform.preflight.command import StackReport, facts_of, render, run_checks
from mwaaform.preflight.facts import AdoptedLogGroup, Facts
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
           key: str | None = None) -> None:
    """What an earlier stack left behind with retain_on_delete (log groups kept 30 days, as the spec's)."""
    s3 = boto3.client("s3", region_name=REGION)
    if bucket:
        s3.create_bucket(Bucket=bucket)
    if bucket and tags:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    logs = boto3.client("logs", region_name=REGION)
    for group in groups:
        logs.create_log_group(logGroupName=group, **({"kmsKeyId": key} if key else {}))
        if retention:
            logs.put_retention_policy(logGroupName=group, retentionInDays=retention)


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
    retain(bucket, GROUPS, {"ManagedBy": "mwaaform", "Stack": adopting.stack})
    results = run_checks(adopting)  # as the command runs them, through the deploy role's session
    by_name = {c.name: c for c in results}
    assert [c.name for c in results if c.status == "fail"] == ["environment names"], render(StackReport(adopting, results))
    adopted = by_name["adopted resources"]
    assert adopted.status == "pass"
    assert adopted.detail == "adopts " + ", ".join([f"bucket {bucket}"] + [f"log group {g}" for g in sorted(GROUPS)])
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
    assert (result.status, result.detail) == ("fail", f"bucket {bucket} belongs to another account")


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
