"""Resource names: valid for AWS, unique where AWS needs it, stable."""

from __future__ import annotations

import re

from mwaaform import naming


def test_bucket_name_is_valid_stable_and_account_unique():
    name = naming.bucket_name("Ingest_Prod", "222233334444", "us-east-1")
    # S3 rules: 3-63 lowercase letters, digits, hyphens; starts and ends alphanumeric.
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", name)
    assert name.startswith("airflow-ingest-prod-")
    assert name == naming.bucket_name("Ingest_Prod", "222233334444", "us-east-1")
    assert name != naming.bucket_name("Ingest_Prod", "111122223333", "us-east-1")
    assert name != naming.bucket_name("ingest-prod", "222233334444", "us-east-1")


def test_long_names_are_cut_to_aws_limits():
    env = "e" + "x" * 79
    assert len(naming.bucket_name(env, "222233334444", "ap-southeast-2")) <= 63
    assert len(naming.role_name(env, "ap-southeast-2")) <= 64
    assert naming.role_name(env, "eu-west-1") != naming.role_name(env, "eu-west-2")
    assert len(naming.policy_name(env, "ap-southeast-2", "grants-1")) <= 128


def test_log_group_names_are_the_ones_mwaa_writes_to():
    assert sorted(naming.log_group_names("x").values()) == [
        "airflow-x-DAGProcessing",
        "airflow-x-Scheduler",
        "airflow-x-Task",
        "airflow-x-WebServer",
        "airflow-x-Worker",
    ]
