"""Each cross-field rule: a spec that breaks it gets an error at the right field and line."""

from __future__ import annotations

from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

EXISTING = MINIMAL.replace(
    """  managed:
    cidr: 10.0.0.0/16
    availability_zones: [us-east-1a, us-east-1b]
""",
    """  existing:
    vpc_id: vpc-0123456789abcdef0
    private_subnets:
      - {id: subnet-01234567, availability_zone: us-east-1a}
      - {id: subnet-89abcdef, availability_zone: us-east-1b}
""",
)


def errors(path) -> list[tuple[int, str, str]]:
    return [(d.position.line, d.path, d.message) for d in load([path]).diagnostics if d.severity == "error"]


def only_error(path) -> tuple[int, str, str]:
    found = errors(path)
    assert len(found) == 1, found
    return found[0]


def test_minimal_and_existing_are_valid(write_spec):
    assert errors(write_spec()) == []
    assert errors(write_spec(EXISTING)) == []


def test_workers_min_above_max(write_spec):
    line, path, message = only_error(write_spec(MINIMAL + "    workers: {min: 6, max: 3}\n"))
    assert (line, path) == (16, "environments[0].workers.min")
    assert "workers.min (6) is above workers.max (3)" in message


def test_webservers_min_above_max(write_spec):
    line, path, message = only_error(write_spec(MINIMAL + "    webservers: {min: 4, max: 3}\n"))
    assert path == "environments[0].webservers.min" and "webservers.max (3)" in message


def test_micro_runs_one_scheduler(write_spec):
    line, path, message = only_error(write_spec(MINIMAL + "    environment_class: mw1.micro\n    schedulers: 2\n"))
    assert (line, path) == (17, "environments[0].schedulers")
    assert "mw1.micro runs exactly 1 scheduler" in message


def test_micro_has_no_worker_autoscaling(write_spec):
    _, path, message = only_error(write_spec(MINIMAL + "    environment_class: mw1.micro\n    workers: {min: 1, max: 3}\n"))
    assert path == "environments[0].workers" and "workers.min and workers.max must be 1" in message


def test_micro_has_one_webserver(write_spec):
    _, path, message = only_error(write_spec(MINIMAL + "    environment_class: mw1.micro\n    webservers: {min: 1, max: 2}\n"))
    assert path == "environments[0].webservers" and "1 web server" in message


def test_larger_classes_need_two_schedulers_and_webservers(write_spec):
    found = errors(write_spec(MINIMAL + "    schedulers: 1\n    webservers: {min: 1, max: 2}\n"))
    assert [(p, "2 to 5" in m or "from 2 to 5" in m) for _, p, m in found] == [
        ("environments[0].schedulers", True),
        ("environments[0].webservers.min", True),
    ]


def test_environment_names_unique_in_a_stack(write_spec):
    spec = MINIMAL + "  - name: sample-dev\n    team: other\n    stage: dev\n"
    line, path, message = only_error(write_spec(spec))
    assert (line, path) == (16, "environments[1].name")
    assert "already used by environments[0]" in message


def test_zones_belong_to_the_region(write_spec):
    spec = MINIMAL.replace("[us-east-1a, us-east-1b]", "[us-east-1a, eu-west-1b]")
    line, path, message = only_error(write_spec(spec))
    assert (line, path) == (11, "network.managed.availability_zones[1]")
    assert "'eu-west-1b' is not in account.region 'us-east-1'" in message


def test_local_zone_is_not_an_availability_zone_of_the_region(write_spec):
    spec = MINIMAL.replace("region: us-east-1", "region: us-west-2").replace("[us-east-1a, us-east-1b]", "[us-west-2a, us-west-2-lax-1a]")
    _, path, _ = only_error(write_spec(spec))
    assert path == "network.managed.availability_zones[1]"


def test_zones_distinct(write_spec):
    spec = MINIMAL.replace("[us-east-1a, us-east-1b]", "[us-east-1a, us-east-1a]")
    _, path, message = only_error(write_spec(spec))
    assert path == "network.managed.availability_zones[1]" and "listed twice" in message


def test_existing_subnets_in_region_and_two_zones(write_spec):
    spec = EXISTING.replace("availability_zone: us-east-1b", "availability_zone: us-east-1a")
    line, path, message = only_error(write_spec(spec))
    assert (line, path) == (13, "network.existing.private_subnets[1].availability_zone")
    assert "different availability zones" in message
    spec = EXISTING.replace("availability_zone: us-east-1b", "availability_zone: eu-west-1b")
    _, path, message = only_error(write_spec(spec))
    assert path == "network.existing.private_subnets[1].availability_zone" and "not in account.region" in message


def test_existing_subnet_listed_twice(write_spec):
    spec = EXISTING.replace(
        "      - {id: subnet-89abcdef, availability_zone: us-east-1b}\n",
        "      - {id: subnet-89abcdef, availability_zone: us-east-1b}\n      - {id: subnet-89abcdef, availability_zone: us-east-1c}\n",
    )
    _, path, message = only_error(write_spec(spec))
    assert path == "network.existing.private_subnets[2].id" and "listed twice" in message


def test_cidr_must_hold_the_subnets(write_spec):
    spec = MINIMAL.replace("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/28")
    line, path, message = only_error(write_spec(spec))
    assert (line, path) == (10, "network.managed.cidr")
    assert "10.0.0.0/28" in message and "availability_zones" in message


def test_referenced_files_exist(write_spec):
    line, path, message = only_error(write_spec(MINIMAL + "    plugins: files/plugins.zip\n"))
    assert (line, path) == (16, "environments[0].plugins")
    assert "'files/plugins.zip' not found" in message


def test_referenced_files_resolve_next_to_the_spec(write_spec, tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "plugins.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    assert errors(write_spec(MINIMAL + "    plugins: files/plugins.zip\n")) == []


def test_requirements_need_wheels_without_internet(write_spec, tmp_path):
    (tmp_path / "req.txt").write_text("apache-airflow-providers-snowflake\n")
    spec = MINIMAL.replace("availability_zones: [us-east-1a, us-east-1b]", "availability_zones: [us-east-1a, us-east-1b]\n    egress: endpoints_only")
    line, path, message = only_error(write_spec(spec + "    requirements: req.txt\n"))
    assert path == "environments[0].requirements" and "--no-index" in message and "endpoints_only" in message
    (tmp_path / "req.txt").write_text("--no-index\n--find-links /usr/local/airflow/plugins\nfoo\n")
    assert errors(write_spec(spec + "    requirements: req.txt\n")) == []
    # with a NAT gateway, PyPI is reachable
    (tmp_path / "req.txt").write_text("foo\n")
    assert errors(write_spec(MINIMAL + "    requirements: req.txt\n")) == []


def test_end_of_support_version_is_an_error(write_spec):
    # CreateEnvironment no longer lists 2.5.1 (end of support 2025-12-30, mwaaform/data/airflow_versions.yaml)
    result = load([write_spec(MINIMAL + "    airflow_version: '2.5.1'\n")])
    (error,) = result.diagnostics
    assert error.severity == "error" and error.path == "environments[0].airflow_version"
    assert "end of support" in error.message and "2025-12-30" in error.message and "no longer accepts" in error.message


def test_reserved_and_invalid_tags(write_spec):
    spec = MINIMAL.replace("  DataClassification: internal\n", "  DataClassification: internal\n  Environment: x\n  aws:foo: y\n  Count: 3\n")
    found = errors(write_spec(spec))
    assert [(line, path) for line, path, _ in found] == [(8, "tags.Environment"), (9, "tags.aws:foo"), (10, "tags.Count")]
    assert "set by mwaaform" in found[0][2] and "reserved for AWS" in found[1][2] and "quote" in found[2][2]


def test_too_many_grants_for_one_role_is_reported_at_validation(write_spec):
    # 300 object prefixes of ~230 characters: beyond 9 policies of 6,144 characters.
    prefix = "/".join(["a-rather-long-folder-name"] * 8)
    arns = "\n".join(f"          - arn:aws:s3:::team-bucket/{prefix}/{i:04d}/*" for i in range(300))
    spec = MINIMAL + "    access:\n      data:\n        - name: many\n          read:\n" + arns + "\n"
    line, path, message = only_error(write_spec(spec))
    assert (line, path) == (16, "environments[0].access")
    assert "6,144" in message


def test_uploaded_files_limit_the_number_of_stack_tags(write_spec, tmp_path):
    (tmp_path / "requirements.txt").write_text("--no-index\n")
    extra = "".join(f"  Extra{i}: v{i}\n" for i in range(6))
    spec = MINIMAL.replace("  DataClassification: internal\n", "  DataClassification: internal\n" + extra)
    line, path, message = only_error(write_spec(spec + "    requirements: requirements.txt\n"))
    assert path == "tags.Extra5" and "at most 10" in message
    # Without uploads, the same tags are fine; with one extra tag fewer, too.
    assert errors(write_spec(spec)) == []
    assert errors(write_spec(spec.replace("  Extra5: v5\n", "") + "    requirements: requirements.txt\n")) == []


ENDPOINTS_ONLY = MINIMAL.replace("    availability_zones: [us-east-1a, us-east-1b]\n", "    availability_zones: [us-east-1a, us-east-1b]\n    egress: endpoints_only\n")
GRANTS = """\
    access:
      secrets: {}
      assume_roles: [arn:aws:iam::444455556666:role/loader]
      data:
        - name: state
          read: [arn:aws:dynamodb:us-east-1:111122223333:table/state]
"""


def test_without_internet_every_granted_service_needs_an_endpoint(write_spec):
    found = errors(write_spec(ENDPOINTS_ONLY + GRANTS))
    assert [(line, path) for line, path, _ in found] == [
        (18, "environments[0].access.secrets"),
        (19, "environments[0].access.assume_roles[0]"),
        (22, "environments[0].access.data[0].read[0]"),
    ]
    assert "add 'secretsmanager' to network.managed.extra_endpoints" in found[0][2]
    listed = ENDPOINTS_ONLY.replace("egress: endpoints_only\n", "egress: endpoints_only\n    extra_endpoints: [secretsmanager, sts, dynamodb]\n")
    assert errors(write_spec(listed + GRANTS)) == []
    # With a NAT gateway the services are reachable anyway.
    assert errors(write_spec(MINIMAL + GRANTS)) == []


def test_extra_endpoints_are_listed_once(write_spec):
    spec = MINIMAL.replace("    availability_zones: [us-east-1a, us-east-1b]\n", "    availability_zones: [us-east-1a, us-east-1b]\n    extra_endpoints: [sts, sts]\n")
    line, path, message = only_error(write_spec(spec))
    assert path == "network.managed.extra_endpoints" and "sts more than once" in message


def test_environment_names_differing_only_in_case_collide(write_spec):
    spec = MINIMAL + "  - name: Sample-Dev\n    team: analytics\n    stage: dev\n"
    line, path, message = only_error(write_spec(spec))
    assert path == "environments[1].name" and "as 'sample-dev'" in message


def test_external_id_without_a_role_is_an_error(write_spec):
    spec = MINIMAL.replace("  region: us-east-1\n", "  region: us-east-1\n  external_id: abc-123\n")
    line, path, message = only_error(write_spec(spec))
    assert (line, path) == (4, "account.external_id") and "deploy_role_arn" in message
