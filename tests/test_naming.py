"""Resource names: valid for AWS, unique where AWS needs it, stable across releases.

AWS's rules, checked independently of the code:

- S3 bucket names: 3 to 63 characters, lowercase letters, digits, hyphens and dots, starting and
  ending with a letter or digit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
  Bucket names are global: two accounts or two regions must never ask for the same one.
- IAM role names: 1 to 64 characters of ``[\\w+=,.@-]``; policy names 1 to 128. Both are unique per
  account, ignoring case (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
- KMS aliases: ``alias/`` then 1 to 256 characters in all of letters, digits, ``/``, ``_`` and ``-``
  (https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html).
- CloudWatch log group names: 1 to 512 characters of ``[.\\-_/#A-Za-z0-9]``
  (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
"""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from mwaaform import naming
from mwaaform.spec.values import REGIONS

BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
IAM_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
KMS_ALIAS = re.compile(r"alias/[A-Za-z0-9/_-]{1,250}")
LOG_GROUP = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")

LETTERS = string.ascii_letters
LOWER_NAME = string.ascii_lowercase + string.digits + "_"


def names(first: str, rest: str, min_rest: int, max_rest: int) -> st.SearchStrategy[str]:
    return st.builds(str.__add__, st.sampled_from(first), st.text(rest, min_size=min_rest, max_size=max_rest))


# MWAA environment names: 1 to 80 characters, ^[a-zA-Z][0-9a-zA-Z-_]*$ (CreateEnvironment).
env_names = names(LETTERS, LETTERS + string.digits + "_-", 0, 79)
long_env_names = names(LETTERS, LETTERS + string.digits + "_-", 45, 79)
regions = st.sampled_from(REGIONS)
accounts = st.integers(0, 10**12 - 1).map("{:012d}".format)


# --- buckets ---------------------------------------------------------------------------------


def test_bucket_name_keeps_the_environment_readable_and_never_changes():
    # A new bucket name means a new bucket: the name of a given environment is pinned here, and
    # is sha256("222233334444/us-east-1/Ingest_Prod")[:8] after the readable part.
    assert naming.bucket_name("Ingest_Prod", "222233334444", "us-east-1") == "airflow-ingest-prod-0e2a2f68"
    # Another environment with the same readable part gets another bucket.
    assert naming.bucket_name("ingest-prod", "222233334444", "us-east-1").startswith("airflow-ingest-prod-")
    assert naming.bucket_name("ingest-prod", "222233334444", "us-east-1") != "airflow-ingest-prod-0e2a2f68"


@given(env=env_names, account=accounts, region=regions)
def test_bucket_names_follow_s3_rules(env, account, region):
    name = naming.bucket_name(env, account, region)
    assert BUCKET.fullmatch(name), name
    assert re.fullmatch(r".*[a-z0-9]-[0-9a-f]{8}", name), name  # no doubled hyphen before the digest
    assert name.startswith("airflow-")


@given(env=env_names, account=accounts, region=regions, other=st.data())
def test_bucket_names_are_unique_per_account_region_and_environment(env, account, region, other):
    name = naming.bucket_name(env, account, region)
    assert name != naming.bucket_name(env, other.draw(accounts.filter(lambda a: a != account)), region)
    assert name != naming.bucket_name(env, account, other.draw(regions.filter(lambda r: r != region)))
    assert name != naming.bucket_name(other.draw(env_names.filter(lambda e: e != env)), account, region)


def test_long_bucket_names_use_all_63_characters_and_do_not_end_the_cut_on_a_hyphen():
    env = "a" * 45 + "-" + "b" * 30  # 54 characters of "airflow-<env>" end just after the hyphen
    name = naming.bucket_name(env, "222233334444", "us-east-1")
    assert len(name) == 62 and name.startswith("airflow-" + "a" * 45 + "-") and "--" not in name
    name = naming.bucket_name("c" * 80, "222233334444", "us-east-1")
    assert len(name) == 63 and name.startswith("airflow-" + "c" * 46 + "-")


# --- IAM roles and policies ------------------------------------------------------------------


def test_short_role_and_policy_names_are_spelled_out():
    assert naming.role_name("ingest", "eu-west-1") == "mwaa-ingest-eu-west-1"
    assert naming.policy_name("ingest", "eu-west-1", "grants-2") == "mwaa-ingest-eu-west-1-grants-2"
    # 64 characters exactly is still spelled out; 65 is not.
    env = "e" * (64 - len("mwaa--ap-southeast-2"))
    assert naming.role_name(env, "ap-southeast-2") == f"mwaa-{env}-ap-southeast-2"
    assert naming.role_name(env + "x", "ap-southeast-2") != f"mwaa-{env}x-ap-southeast-2"


@given(env=env_names, region=regions)
def test_role_names_fit_iam(env, region):
    name = naming.role_name(env, region)
    assert len(name) <= 64 and IAM_NAME.fullmatch(name), name
    assert name.startswith("mwaa-" + env[:40])


def test_long_role_names_use_all_64_characters():
    name = naming.role_name("X" * 80, "us-east-1")
    assert len(name) == 64 and name.startswith("mwaa-" + "X" * 50 + "-")


def test_long_names_that_differ_only_after_the_cut_get_distinct_roles_and_policies():
    shared = "ingest-" + "x" * 120
    for cut in (60, 130):  # past the role's cut (50 characters of the name) and the policy's (114)
        a, b = shared[:cut] + "a", shared[:cut] + "b"
        if cut <= 79:
            assert naming.role_name(a, "us-east-1") != naming.role_name(b, "us-east-1")
        assert naming.policy_name(a, "us-east-1", "base") != naming.policy_name(b, "us-east-1", "base")


@given(env=long_env_names, region=regions, other=st.data())
def test_long_environment_names_sharing_a_prefix_get_distinct_roles(env, region, other):
    # IAM role names are global to the account and ignore case.
    twin = env[:45] + other.draw(st.text(LOWER_NAME + "-", min_size=1, max_size=34))
    if twin.lower() != env.lower():
        assert naming.role_name(env, region).lower() != naming.role_name(twin, region).lower()
    assert naming.role_name(env, region) != naming.role_name(env, other.draw(regions.filter(lambda r: r != region)))


@given(env=env_names, region=regions, purpose=st.sampled_from(["base", "grants-1", "grants-9"]))
def test_policy_names_fit_iam(env, region, purpose):
    name = naming.policy_name(env, region, purpose)
    assert len(name) <= 128 and IAM_NAME.fullmatch(name), name


def test_a_policy_name_of_exactly_128_characters_is_spelled_out():
    env = "p" * (128 - len("mwaa--us-east-1-base"))
    assert naming.policy_name(env, "us-east-1", "base") == f"mwaa-{env}-us-east-1-base"
    assert naming.policy_name(env + "q", "us-east-1", "base") != f"mwaa-{env}q-us-east-1-base"


@given(
    env=names(string.ascii_lowercase, LOWER_NAME, 120, 160),  # longer than MWAA allows: the function's own contract
    region=regions,
    other=st.data(),
)
def test_policy_names_over_the_limit_are_cut_and_stay_distinct(env, region, other):
    names = {naming.policy_name(env, region, purpose) for purpose in ("base", "grants-1", "grants-2")}
    assert len(names) == 3 and all(len(n) == 128 and n.startswith("mwaa-" + env[:100]) for n in names)
    twin = env[:110] + other.draw(st.text(LOWER_NAME, min_size=1, max_size=40))
    if twin != env:
        assert naming.policy_name(twin, region, "base") != naming.policy_name(env, region, "base")
    assert naming.policy_name(env, other.draw(regions.filter(lambda r: r != region)), "base") != naming.policy_name(env, region, "base")


# --- keys and log groups ---------------------------------------------------------------------


@given(env=env_names)
def test_key_aliases_and_log_groups_fit_their_services(env):
    assert KMS_ALIAS.fullmatch(naming.key_alias(env)) and naming.key_alias(env) == f"alias/mwaaform/{env}"
    assert all(LOG_GROUP.fullmatch(name) for name in naming.log_group_names(env).values())


def test_log_group_names_are_the_ones_mwaa_writes_to():
    # https://docs.aws.amazon.com/mwaa/latest/userguide/monitoring-airflow.html
    assert naming.log_group_names("x") == {
        "DAGProcessing": "airflow-x-DAGProcessing",
        "Scheduler": "airflow-x-Scheduler",
        "Task": "airflow-x-Task",
        "WebServer": "airflow-x-WebServer",
        "Worker": "airflow-x-Worker",
    }


# Pulumi stack names: letters, digits, hyphens, underscores and periods
# (https://www.pulumi.com/docs/iac/concepts/stacks/); the stack name is also the spec file's name.
stack_names = st.text(string.ascii_letters + string.digits + "_.-", min_size=1, max_size=100)


@given(stack=stack_names)
def test_stack_key_and_flow_log_names_fit_kms_and_logs_for_any_stack_name(stack):
    alias = naming.stack_key_alias(stack)
    assert KMS_ALIAS.fullmatch(alias) and alias.startswith("alias/mwaaform/") and alias.endswith("/logs"), alias
    group = naming.flow_log_group_name(stack)
    assert LOG_GROUP.fullmatch(group) and group == f"/mwaaform/{stack}/vpc-flow-logs"


def test_stack_key_alias_keeps_plain_stack_names_and_separates_dotted_ones():
    assert naming.stack_key_alias("prod-data") == "alias/mwaaform/prod-data/logs"
    # '.' is not allowed in an alias: it becomes '-', plus sha256("prod.data")[:8] so that the
    # stacks prod.data and prod-data of one account keep distinct aliases.
    assert naming.stack_key_alias("prod.data") == "alias/mwaaform/prod-data-d83ae9b8/logs"
