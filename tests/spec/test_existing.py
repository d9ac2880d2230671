"""Bring-your-own fields: each malformed or misplaced reference is an error at its line."""

from __future__ import annotations

import pytest

from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

KEY = "arn:aws:kms:us-east-1:999988887777:key/2f6c1a0e-8d3b-4c57-9e41-7a5b0c3d2e19"
ROLE = "arn:aws:iam::111122223333:role/security/mwaa-sample"
FIRST_ENV_FIELD = 16  # the line after `stage: dev` in MINIMAL


def diagnostics(path, severity="error") -> list[tuple[int, str, str]]:
    return [(d.position.line, d.path, d.message) for d in load([path]).diagnostics if d.severity == severity]


def only_error(path) -> tuple[int, str, str]:
    found = diagnostics(path)
    assert len(found) == 1, found
    return found[0]


def test_every_brought_resource_together_is_valid(write_spec):
    spec = MINIMAL.replace("    availability_zones: [us-east-1a, us-east-1b]\n", "    availability_zones: [us-east-1a, us-east-1b]\n    security_group_ids: [sg-0123456789abcdef0]\n")
    spec += f"""    encryption: {{key_arn: "{KEY}"}}
    execution_role_arn: {ROLE}
    bucket:
      name: artifacts-bucket
      requirements: {{key: sample/requirements.txt, version: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"}}
      plugins: {{key: sample/plugins.zip, version: "v2"}}
"""
    assert diagnostics(write_spec(spec)) == []
    env = load([write_spec(spec)]).stacks[0].spec.environments[0]
    assert env.encryption.key == "customer_managed"  # a brought key is customer-managed
    assert env.bucket.name == "artifacts-bucket"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("arn:aws:kms:us-east-1:999988887777:alias/landing-zone", "is an alias: give the ARN of the key"),
        ("alias/landing-zone", "is an alias"),
        ("arn:aws:kms:us-east-1:9999:key/2f6c1a0e-8d3b-4c57-9e41-7a5b0c3d2e19", "is not a KMS key ARN"),
        ("arn:aws:s3:::bucket", "is not a KMS key ARN"),
    ],
)
def test_key_arn_form(write_spec, value, expected):
    line, path, message = only_error(write_spec(MINIMAL + f"    encryption:\n      key_arn: \"{value}\"\n"))
    assert (line, path) == (FIRST_ENV_FIELD + 1, "environments[0].encryption.key_arn")
    assert expected in message


def test_key_arn_in_another_region_is_refused(write_spec):
    other = KEY.replace("us-east-1", "eu-west-1")
    line, path, message = only_error(write_spec(MINIMAL + f"    encryption:\n      key_arn: {other}\n"))
    assert (line, path) == (FIRST_ENV_FIELD + 1, "environments[0].encryption.key_arn")
    assert "is in eu-west-1, but the stack deploys to account.region us-east-1" in message


def test_key_arn_contradicts_aws_owned(write_spec):
    _, path, message = only_error(write_spec(MINIMAL + f"    encryption:\n      key: aws_owned\n      key_arn: {KEY}\n"))
    assert path == "environments[0].encryption.key_arn" and "encryption.key is aws_owned" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Artifacts_Bucket", "3 to 63 lowercase letters"),
        ("192.168.1.10", "IP address"),
        ("my..bucket", "adjacent periods"),
        ("arn:aws:s3:::bucket/prefix", "is not an S3 bucket ARN"),
        ("data-s3alias", "reserves"),
    ],
)
def test_bucket_name_form(write_spec, value, expected):
    line, path, message = only_error(write_spec(MINIMAL + f"    bucket:\n      name: \"{value}\"\n"))
    assert (line, path) == (FIRST_ENV_FIELD + 1, "environments[0].bucket.name")
    assert expected in message


def test_bucket_arn_is_read_as_its_name(write_spec):
    path = write_spec(MINIMAL + "    bucket: {name: \"arn:aws:s3:::artifacts-bucket\"}\n")
    assert load([path]).stacks[0].spec.environments[0].bucket.name == "artifacts-bucket"


def test_brought_objects_need_a_version_and_plugins_a_zip(write_spec):
    found = diagnostics(write_spec(MINIMAL + """    bucket:
      name: artifacts-bucket
      requirements: {key: requirements.txt}
      plugins: {key: plugins.tar, version: "1"}
      startup_script: {key: /startup.sh, version: "null"}
"""))
    by_path = {path: (line, message) for line, path, message in found}
    assert by_path["environments[0].bucket.requirements.version"][0] == FIRST_ENV_FIELD + 2
    assert "required" in by_path["environments[0].bucket.requirements.version"][1].lower()
    assert "must be a .zip file" in by_path["environments[0].bucket.plugins"][1]
    assert by_path["environments[0].bucket.startup_script.key"][0] == FIRST_ENV_FIELD + 4
    line, path, message = only_error(write_spec(MINIMAL + "    bucket:\n      name: artifacts-bucket\n      startup_script: {key: s.sh, version: \"null\"}\n"))
    assert (line, path) == (FIRST_ENV_FIELD + 2, "environments[0].bucket.startup_script") and "versioning was off" in message


def test_local_files_are_refused_next_to_a_brought_bucket(write_spec, tmp_path):
    (tmp_path / "requirements.txt").write_text("boto3\n")
    line, path, message = only_error(write_spec(MINIMAL + "    requirements: requirements.txt\n    bucket: {name: artifacts-bucket}\n"))
    assert (line, path) == (FIRST_ENV_FIELD, "environments[0].requirements")
    assert "mwaaform uploads nothing to it: name the object in bucket.requirements" in message


def test_execution_role_of_another_account_is_refused(write_spec):
    line, path, message = only_error(write_spec(MINIMAL + "    execution_role_arn: arn:aws:iam::444455556666:role/mwaa\n"))
    assert (line, path) == (FIRST_ENV_FIELD, "environments[0].execution_role_arn")
    assert "is in account 444455556666, but the stack deploys to account.id 111122223333" in message


def test_execution_role_form(write_spec):
    _, path, _ = only_error(write_spec(MINIMAL + "    execution_role_arn: arn:aws:iam::111122223333:user/mwaa\n"))
    assert path == "environments[0].execution_role_arn"


def test_managed_policies(write_spec):
    found = diagnostics(write_spec(MINIMAL + """    access:
      managed_policies:
        - arn:aws:iam::aws:policy/ReadOnlyAccess
        - arn:aws:iam::444455556666:policy/other-account
        - arn:aws:iam::111122223333:role/not-a-policy
"""))
    assert [(line, path) for line, path, _ in found] == [(FIRST_ENV_FIELD + 4, "environments[0].access.managed_policies[2]")]
    found = diagnostics(write_spec(MINIMAL + """    access:
      managed_policies:
        - arn:aws:iam::aws:policy/ReadOnlyAccess
        - arn:aws:iam::444455556666:policy/other-account
"""))
    assert [(line, path) for line, path, _ in found] == [(FIRST_ENV_FIELD + 3, "environments[0].access.managed_policies[1]")]
    assert "only policies of its own account (111122223333) or AWS managed ones" in found[0][2]


def test_managed_policies_listed_twice_or_beyond_the_role_quota(write_spec):
    twice = "\n".join(["        - arn:aws:iam::aws:policy/ReadOnlyAccess"] * 2)
    _, path, message = only_error(write_spec(MINIMAL + f"    access:\n      managed_policies:\n{twice}\n"))
    assert path == "environments[0].access.managed_policies" and "more than once" in message
    many = "\n".join(f"        - arn:aws:iam::111122223333:policy/p{i}" for i in range(10))
    _, path, message = only_error(write_spec(MINIMAL + f"    access:\n      managed_policies:\n{many}\n"))
    assert "11 managed policies" in message and "IAM allows 10 per role" in message


def test_managed_policies_need_a_role_mwaaform_creates(write_spec):
    line, path, message = only_error(write_spec(MINIMAL + f"""    execution_role_arn: {ROLE}
    access:
      managed_policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
"""))
    assert (line, path) == (FIRST_ENV_FIELD + 2, "environments[0].access.managed_policies")
    assert "attach them to that role yourself" in message


def test_managed_network_extra_security_groups(write_spec):
    def groups(value: str) -> list[tuple[int, str, str]]:
        spec = MINIMAL.replace("[us-east-1a, us-east-1b]\n", f"[us-east-1a, us-east-1b]\n    security_group_ids: {value}\n")
        return diagnostics(write_spec(spec))

    assert [(line, path) for line, path, _ in groups("[sg-1]")] == [(12, "network.managed.security_group_ids[0]")]
    (found,) = groups("[sg-0123456789abcdef0, sg-0123456789abcdef0]")
    assert found[:2] == (12, "network.managed.security_group_ids") and "more than once" in found[2]
    (found,) = groups("[sg-00000001, sg-00000002, sg-00000003, sg-00000004, sg-00000005]")
    assert "at most 4" in found[2]


def test_a_bucket_prefix_must_hold_the_dags_and_objects(write_spec):
    base = MINIMAL + "    bucket:\n      name: artifacts-bucket\n      prefix: team-a\n"
    assert diagnostics(write_spec(base + "      requirements: {key: team-a/requirements.txt, version: v1}\n    dag_path: team-a/dags\n")) == []
    found = diagnostics(write_spec(base + "      requirements: {key: team-b/requirements.txt, version: v1}\n    dag_path: dags\n"))
    assert [(line, path) for line, path, _ in found] == [
        (FIRST_ENV_FIELD + 3, "environments[0].bucket.requirements.key"),
        (FIRST_ENV_FIELD + 4, "environments[0].dag_path"),
    ]
    assert "outside bucket.prefix 'team-a'" in found[0][2] and "outside bucket.prefix 'team-a'" in found[1][2]
    (bad,) = diagnostics(write_spec(MINIMAL + "    bucket: {name: artifacts-bucket, prefix: /team-a/}\n"))
    assert bad[1] == "environments[0].bucket.prefix"
