"""Each cross-field rule: a spec that breaks it gets an error at the right field and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mwaaform.iam.grants import compile_grants
from mwaaform.spec.access import Access
from mwaaform.spec.loader import load
from mwaaform.spec.models import StackSpec
from mwaaform.spec.rules import RuleContext, check
from mwaaform.spec.values import ENVIRONMENT_CLASSES, MICRO
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


# --- the rules called directly: boundaries on both sides, several environments -------------------
# Limits: MWAA CreateEnvironment (MinWorkers/MaxWorkers 1-25, Schedulers 2-5, Min/MaxWebservers
# 2-5; mw1.micro 1 of each), https://docs.aws.amazon.com/mwaa/latest/API/API_CreateEnvironment.html
# and https://docs.aws.amazon.com/mwaa/latest/userguide/environment-class.html.


def stack(*envs: dict, **top) -> dict:
    data = yaml.safe_load(MINIMAL)
    data["environments"] = [{"name": f"env{i}", "team": "analytics", "stage": "dev", **env} for i, env in enumerate(envs)]
    data.update(top)
    return data


def endpoints_only(*envs: dict, extra: list[str] | None = None) -> dict:
    data = stack(*envs)
    data["network"]["managed"]["egress"] = "endpoints_only"
    if extra:
        data["network"]["managed"]["extra_endpoints"] = extra
    return data


def dotted(loc) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def rule_issues(data: dict, base_dir: Path = Path("."), severity: str = "error") -> list[tuple[str, str]]:
    spec = StackSpec.model_validate(data)
    return [(dotted(i.loc), i.message) for i in check(spec, RuleContext(base_dir=base_dir)) if i.severity == severity]


def paths(data: dict, base_dir: Path = Path("."), severity: str = "error") -> list[str]:
    return [path for path, _ in rule_issues(data, base_dir, severity)]


@pytest.mark.parametrize(
    "env",
    [
        {"workers": {"min": 2, "max": 2}},
        {"workers": {"min": 1, "max": 25}},
        {"workers": {"min": 25, "max": 25}},
        {"schedulers": 2},
        {"schedulers": 5},
        {"webservers": {"min": 2, "max": 2}},
        {"webservers": {"min": 2, "max": 5}},
        {"webservers": {"min": 5, "max": 5}},
        *({"environment_class": cls, "schedulers": 5, "webservers": {"min": 5, "max": 5}} for cls in ENVIRONMENT_CLASSES if cls != MICRO),
        {"environment_class": MICRO},
        {"environment_class": MICRO, "schedulers": 1, "workers": {"min": 1, "max": 1}, "webservers": {"min": 1, "max": 1}},
    ],
    ids=repr,
)
def test_counts_at_the_edges_of_their_range_are_accepted(env):
    assert rule_issues(stack(env)) == []


@pytest.mark.parametrize(
    ("env", "path", "says"),
    [
        ({"workers": {"min": 3, "max": 2}}, "environments[0].workers.min", "workers.min (3) is above workers.max (2)"),
        ({"webservers": {"min": 3, "max": 2}}, "environments[0].webservers.min", "webservers.min (3) is above webservers.max (2)"),
        ({"schedulers": 1}, "environments[0].schedulers", "takes 2 to 5 schedulers, not 1"),
        ({"webservers": {"min": 1, "max": 2}}, "environments[0].webservers.min", "webservers.min from 2 to 5, not 1"),
        ({"environment_class": MICRO, "schedulers": 2}, "environments[0].schedulers", "runs exactly 1 scheduler, not 2"),
        ({"environment_class": MICRO, "workers": {"min": 1, "max": 2}}, "environments[0].workers", "workers.max must be 1"),
        ({"environment_class": MICRO, "workers": {"min": 2, "max": 2}}, "environments[0].workers", "workers.max must be 1"),
        ({"environment_class": MICRO, "webservers": {"min": 1, "max": 2}}, "environments[0].webservers", "1 web server"),
        ({"environment_class": MICRO, "webservers": {"min": 2, "max": 2}}, "environments[0].webservers", "1 web server"),
    ],
    ids=repr,
)
def test_counts_just_outside_their_range_are_refused_at_the_field(env, path, says):
    ((found_path, message),) = rule_issues(stack(env))
    assert found_path == path and says in message, message


def test_the_upper_web_server_bound_is_checked_on_max_too():
    # The model caps both ends at 5; the rule names the end that is out of range for the class.
    assert paths(stack({"webservers": {"min": 1, "max": 1}})) == ["environments[0].webservers.min", "environments[0].webservers.max"]


OK: dict = {}


@pytest.mark.parametrize(
    ("first", "second", "path"),
    [
        # A micro environment is checked, then skipped for the larger classes' rules: the next
        # environment must still be checked.
        ({"environment_class": MICRO}, {"schedulers": 1}, "environments[1].schedulers"),
        ({"environment_class": MICRO}, {"environment_class": MICRO, "schedulers": 2}, "environments[1].schedulers"),
        (OK, {"webservers": {"min": 1, "max": 2}}, "environments[1].webservers.min"),
        (OK, {"workers": {"min": 5, "max": 2}}, "environments[1].workers.min"),
        (OK, {"plugins": "missing.zip"}, "environments[1].plugins"),
        (
            {"access": {"secrets": {}}},
            {"access": {"secrets": {}}, "airflow_configuration_options": {"secrets.backend": "x"}},
            "environments[1].airflow_configuration_options.secrets.backend",
        ),
    ],
    ids=repr,
)
def test_every_environment_of_a_stack_is_checked(first, second, path):
    assert paths(stack(first, second)) == [path]


def test_end_of_support_is_reported_for_every_environment(monkeypatch):
    # No accepted version is deprecated today (mwaaform/data/airflow_versions.yaml): mark two so.
    from mwaaform.spec import facts, rules

    versions = dict(facts.airflow_versions())
    for old in ("2.8.1", "2.9.2"):
        versions[old] = facts.AirflowVersionInfo(old, "deprecated", "2027-06-30", {})
    monkeypatch.setattr(rules, "airflow_versions", lambda: versions)
    data = stack({"airflow_version": "2.10.3"}, {"airflow_version": "2.9.2"}, {"airflow_version": "2.8.1"})
    assert paths(data, severity="warning") == ["environments[1].airflow_version", "environments[2].airflow_version"]


def test_offline_requirements_are_checked_for_every_environment(tmp_path):
    (tmp_path / "online.txt").write_text("requests\n")
    (tmp_path / "offline.txt").write_text("--no-index\n--find-links /usr/local/airflow/plugins\nrequests\n")
    data = endpoints_only(OK, {"requirements": "offline.txt"}, {"requirements": "missing.txt"}, {"requirements": "online.txt"})
    found = rule_issues(data, tmp_path)
    assert [p for p, _ in found] == ["environments[2].requirements", "environments[3].requirements"]
    assert "not found" in found[0][1] and "--no-index" in found[1][1]


def test_without_internet_every_environment_and_every_service_is_checked():
    s3 = {"name": "lake", "read": ["arn:aws:s3:::lake/*"]}
    dynamo = {"name": "state", "read": ["arn:aws:dynamodb:us-east-1:111122223333:table/state"]}
    data = endpoints_only(OK, {"access": {"data": [s3]}}, {"access": {"data": [s3, dynamo]}})
    found = rule_issues(data)
    assert [p for p, _ in found] == ["environments[2].access.data[1].read[0]"]
    assert "add 'dynamodb' to network.managed.extra_endpoints" in found[0][1]
    assert rule_issues(endpoints_only(OK, {"access": {"data": [s3, dynamo]}}, extra=["dynamodb"])) == []


def too_many_grants() -> dict:
    # 64 object prefixes of about 900 characters: more than 9 policies of 6,144 characters hold.
    prefix = "/".join(["a-rather-long-folder-name"] * 35)
    return {"access": {"data": [{"name": "many", "read": [f"arn:aws:s3:::team-bucket/{prefix}/{i:04d}/*" for i in range(64)]}]}}


def test_grant_size_is_checked_for_every_environment():
    found = rule_issues(stack(OK, {"access": {"assume_roles": ["arn:aws:iam::444455556666:role/a"]}}, too_many_grants()))
    assert [p for p, _ in found] == ["environments[2].access"]
    assert "environment 'env2'" in found[0][1] and "6,144" in found[0][1]


# --- tags: S3's 10 tags per object, reserved keys, key and value lengths ----------------------------
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html (10 tags per object);
# https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html (keys 1-128 characters,
# values up to 256, the aws: prefix reserved for AWS).


def tagged(count: int, *envs: dict) -> dict:
    """A stack whose provider tags total ``count``: the 3 required, extras, ManagedBy and Stack."""
    data = stack(*envs)
    data["tags"].update({f"Extra{i}": f"v{i}" for i in range(count - 5)})
    return data


@pytest.mark.parametrize("upload", ["requirements", "plugins", "startup_script"])
def test_ten_stack_tags_fit_uploaded_files_and_eleven_do_not(tmp_path, upload):
    (tmp_path / "file").write_text("--no-index\n")
    env = {upload: "file"}
    assert rule_issues(tagged(10, OK, env), tmp_path) == []
    found = rule_issues(tagged(11, OK, env), tmp_path)
    assert [p for p, _ in found] == ["tags.Extra5"] and "11 stack tags" in found[0][1] and "drop 1 " in found[0][1]
    assert rule_issues(tagged(11, OK, OK), tmp_path) == []  # nothing uploaded: no object to tag


@pytest.mark.parametrize("key", ["Name", "Environment", "Team", "ManagedBy", "Stack"])
def test_every_tag_mwaaform_sets_is_reserved(key):
    data = stack(OK)
    data["tags"][key] = "x"
    ((path, message),) = rule_issues(data)
    assert path == f"tags.{key}" and "set by mwaaform" in message


@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:Team"])
def test_the_aws_prefix_is_reserved_in_any_case(key):
    data = stack(OK)
    data["tags"][key] = "x"
    assert [p for p, _ in rule_issues(data)] == [f"tags.{key}"]


def test_tag_keys_up_to_128_and_values_up_to_256_characters():
    data = stack(OK)
    data["tags"].update({"k" * 128: "fits", "Long": "v" * 256})
    assert rule_issues(data) == []
    data["tags"].update({"k" * 129: "too long", "Longer": "v" * 257})
    found = rule_issues(data)
    assert [p for p, _ in found] == [f"tags.{'k' * 129}", "tags.Longer"]
    assert "1 to 128 characters" in found[0][1] and "at most 256 characters" in found[1][1]


def test_tag_keys_of_one_character_fit_and_empty_ones_do_not():
    data = stack(OK)
    data["tags"]["K"] = "v"
    assert rule_issues(data) == []
    data["tags"][""] = "v"
    assert rule_issues(data) == [("tags.", "a tag key is 1 to 128 characters")]


def test_tag_messages():
    data = stack(OK)
    data["tags"].update({"aws:team": "x", "Long": "v" * 257})
    assert rule_issues(data) == [
        ("tags.aws:team", "tag keys starting with 'aws:' are reserved for AWS"),
        ("tags.Long", "a tag value is at most 256 characters"),
    ]


def test_rule_messages_name_the_fields_involved():
    data = stack(OK)
    data["account"]["external_id"] = "abc-123"
    assert rule_issues(data) == [("account.external_id", "external_id is passed when assuming account.deploy_role_arn, which is not set")]
    twice = stack({"name": "etl"}, {"name": "etl"})
    assert rule_issues(twice) == [("environments[1].name", "environment name 'etl' is already used by environments[0]")]
    overridden = stack({"access": {"secrets": {}}, "airflow_configuration_options": {"secrets.backend": "x"}})
    assert rule_issues(overridden) == [
        ("environments[0].airflow_configuration_options.secrets.backend",
         "secrets.backend is set by access.secrets; remove it from airflow_configuration_options")
    ]


def test_offline_requirements_message_and_files_that_are_not_utf8(tmp_path):
    (tmp_path / "req.txt").write_bytes(b"# \xff\xfe latin-1 comment\nrequests\n")
    ((path, message),) = rule_issues(endpoints_only({"requirements": "req.txt"}), tmp_path)
    assert path == "environments[0].requirements" and message == (
        "network.managed.egress is endpoints_only, so pip cannot reach PyPI: req.txt must use "
        "--no-index --find-links with wheels shipped in plugins.zip"
    )
    (tmp_path / "req.txt").write_bytes(b"# \xff\n--no-index\n")
    assert rule_issues(endpoints_only({"requirements": "req.txt"}), tmp_path) == []


def test_public_subnets_count_only_with_a_nat_gateway():
    # 10.0.0.0/23 holds eight private /26 slots, but its spare slot (a /26) has no room for
    # public /28s in eight slots of its own: a NAT gateway needs a /22.
    five = [f"us-east-1{zone}" for zone in "abcde"]
    data = stack(OK)
    data["network"]["managed"].update({"cidr": "10.0.0.0/23", "availability_zones": five})
    assert paths(data) == ["network.managed.cidr"]
    data["network"]["managed"]["egress"] = "endpoints_only"
    assert rule_issues(data) == []


def test_grant_size_is_measured_with_the_stacks_own_account_and_region():
    """The secrets backend's ARNs hold the account and region: measured with anything shorter, grants
    one character over the ninth policy would pass validation and fail at deploy time."""

    def iam_size(document: dict) -> int:  # IAM's count: the JSON without white space (6,144 at most)
        return sum(1 for char in json.dumps(document) if not char.isspace())

    def raw(sid: str, key: int) -> dict:
        return {"sid": sid, "actions": ["s3:GetObject"], "resources": [f"arn:aws:s3:::b/{'k' * key}"]}

    def sizes(access: dict) -> list[int]:
        docs = compile_grants(Access.model_validate(access), env="e", account_id="111122223333", region="us-east-1")
        return [iam_size(d) for d in docs]

    empty = iam_size({"Version": "2012-10-17", "Statement": []})

    def statement_size(sid: str, key: int) -> int:
        return sizes({"statements": [raw(sid, key)]})[0] - empty

    (secrets,) = sizes({"secrets": {}})
    # A first statement one character too big to share the secrets' document, then eight full ones.
    first = 6144 + 1 - secrets - 1 - statement_size("First", 10) + 10
    full = {f"Full{i}": 6144 - empty - statement_size(f"Full{i}", 10) + 10 for i in range(1, 9)}
    access = {"secrets": {}, "statements": [raw("First", first), *(raw(sid, key) for sid, key in full.items())]}
    found = rule_issues(stack({"access": access}))
    assert [p for p, _ in found] == ["environments[0].access"] and "need 10 managed policies" in found[0][1]
    access["statements"][0] = raw("First", first - 1)  # one character less: nine full policies
    assert sizes(access) == [6144] * 9
    assert rule_issues(stack({"access": access})) == []
