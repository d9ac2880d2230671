"""Spec errors name the file, the line and the field, all at once, across files."""

from __future__ import annotations

import pytest

from mwaaform.spec.loader import UsageError, load
from tests.conftest import MINIMAL


def messages(path) -> list[str]:
    return [str(d) for d in load([path]).diagnostics]


def test_minimal_spec_is_valid_and_defaults_apply(write_spec):
    result = load([write_spec()])
    assert result.ok, result.diagnostics
    env = result.stacks[0].spec.environments[0]
    assert env.environment_class == "mw1.small"
    assert env.webserver_access == "private"  # secure default: no public UI
    assert env.resolved_schedulers == 2
    assert (env.resolved_workers.min, env.resolved_workers.max) == (1, 10)
    assert env.logging.task.enabled and env.logging.task.level == "INFO"
    assert result.stacks[0].name == "stack"


def test_micro_defaults_are_its_limits(write_spec):
    spec = load([write_spec(MINIMAL + "    environment_class: mw1.micro\n")]).stacks[0].spec
    env = spec.environments[0]
    assert env.resolved_schedulers == 1
    assert (env.resolved_workers.min, env.resolved_workers.max) == (1, 1)
    assert (env.resolved_webservers.min, env.resolved_webservers.max) == (1, 1)


@pytest.mark.parametrize(
    "replace, add, line, field, words",
    [
        ('id: "111122223333"', 'id: "1234"', 2, "account.id", "12-digit"),
        ('id: "111122223333"', "id: 111122223333", 2, "account.id", 'quote it ("111122223333")'),
        ("region: us-east-1", "region: us-east-9", 3, "account.region", "not a valid region (did you mean"),
        ("DataClassification: internal", "DataClassification: secret", 7, "tags.DataClassification", "'secret' is not one of"),
        ("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/33", 10, "network.managed.cidr", "not an IPv4 network"),
        ("cidr: 10.0.0.0/16", "cidr: 8.8.0.0/16", 10, "network.managed.cidr", "private"),
        ("cidr: 10.0.0.0/16", "cidr: 10.0.0.0/12", 10, "network.managed.cidr", "/16 and /28"),
        ("[us-east-1a, us-east-1b]", "[us-east-1a]", 11, "network.managed.availability_zones", "at least 2"),
        ("stage: dev", "stage: prd", 15, "environments[0].stage", "did you mean 'prod'"),
        ("name: sample-dev", "name: 1-sample", 13, "environments[0].name", "a letter"),
        ("team: analytics", "tema: analytics", 14, "environments[0].tema", "did you mean 'team'"),
    ],
)
def test_bad_field_points_at_file_line_and_field(write_spec, replace, add, line, field, words):
    path = write_spec(MINIMAL.replace(replace, add))
    found = messages(path)
    expected_prefix = f"{path.name}:{line}:"
    matching = [m for m in found if f"{expected_prefix}" in m and f" {field}:" in m and words in m]
    assert matching, found


@pytest.mark.parametrize(
    "extra, field, words",
    [
        ("    workers: {min: 1, max: 30}\n", "environments[0].workers.max", "less than or equal to 25"),
        ("    schedulers: 9\n", "environments[0].schedulers", "less than or equal to 5"),
        ("    environment_class: mw1.huge\n", "environments[0].environment_class", "is not one of"),
        ("    airflow_version: '2.2.2'\n", "environments[0].airflow_version", "is not one of"),
        ("    logging: {retention_days: 10}\n", "environments[0].logging.retention_days", "nearest: 7 or 14"),
        ("    logging: {task: {level: LOUD}}\n", "environments[0].logging.task.level", "is not one of"),
        ("    maintenance_window: 'TUE:03:15'\n", "environments[0].maintenance_window", "half hour"),
        ("    webserver_access: open\n", "environments[0].webserver_access", "is not one of"),
        ("    airflow_configuration_options: {Core.X: '1'}\n", "environments[0].airflow_configuration_options.Core.X", "section.key"),
    ],
)
def test_bad_environment_values(write_spec, extra, field, words):
    found = messages(write_spec(MINIMAL + extra))
    assert any(f" {field}:" in m and words in m and ":16:" in m for m in found), found


def test_network_needs_exactly_one_kind(write_spec):
    both = MINIMAL.replace(
        "environments:",
        "  existing:\n    vpc_id: vpc-0123456789abcdef0\n    private_subnets:\n"
        "      - {id: subnet-01234567, availability_zone: us-east-1a}\n"
        "      - {id: subnet-89abcdef, availability_zone: us-east-1b}\nenvironments:",
    )
    found = messages(write_spec(both))
    assert any(":8:1 network:" in m and "exactly one of network.managed or network.existing" in m for m in found), found


def test_missing_required_key_points_at_parent(write_spec):
    found = messages(write_spec(MINIMAL.replace("    team: analytics\n", "")))
    assert any(" environments[0].team: required key 'team' is missing" in m and ":13:" in m for m in found), found


def test_all_errors_of_all_files_at_once(write_spec):
    first = write_spec(MINIMAL.replace("stage: dev", "stage: prd").replace("region: us-east-1", "region: mars-1"), "one.yaml")
    write_spec(MINIMAL.replace("team: analytics", "team: Analytics!"), "two.yaml")
    result = load([first.parent])
    files = {d.position.file.split("/")[-1] for d in result.errors}
    assert files == {"one.yaml", "two.yaml"}
    assert len(result.errors) == 3
    assert result.stacks == []


def test_environment_names_unique_across_the_fleet(write_spec):
    write_spec(MINIMAL, "one.yaml")
    second = write_spec(MINIMAL.replace('"111122223333"', '"999988887777"'), "two.yaml")
    result = load([second.parent])
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.position.file.endswith("two.yaml"), error.position.line, error.path) == (True, 13, "environments[0].name")
    assert "'sample-dev' is already used in" in error.message and error.message.endswith("one.yaml")
    assert [s.name for s in result.stacks] == ["one"]


def test_folder_skips_underscore_files_and_bad_paths_are_usage_errors(write_spec, tmp_path):
    write_spec()
    (tmp_path / "_defaults.yaml").write_text("stages: {}\n")
    assert [s.name for s in load([tmp_path]).stacks] == ["stack"]
    with pytest.raises(UsageError):
        load([tmp_path / "nope"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError):
        load([empty])


def test_stage_defaults_apply_and_spec_overrides(write_spec, tmp_path):
    (tmp_path / "_defaults.yaml").write_text(
        "stages:\n  dev:\n    environment:\n      environment_class: mw1.medium\n      logging: {retention_days: 7}\n"
    )
    spec = load([write_spec(MINIMAL + "    logging: {scheduler: {level: INFO}}\n")]).stacks[0].spec
    env = spec.environments[0]
    assert env.environment_class == "mw1.medium"  # from the stage defaults
    assert env.logging.retention_days == 7  # merged field by field with the spec's logging
    assert env.logging.scheduler.level == "INFO"  # the spec's own value
    spec = load([write_spec(MINIMAL + "    environment_class: mw1.large\n")]).stacks[0].spec
    assert spec.environments[0].environment_class == "mw1.large"  # the spec wins


def test_error_from_a_stage_default_points_at_the_defaults_file(write_spec, tmp_path):
    (tmp_path / "_defaults.yaml").write_text("stages:\n  dev:\n    environment:\n      environment_class: mw1.tiny\n")
    found = messages(write_spec())
    # at the environment that inherits the value, naming the defaults line it came from
    assert any("stack.yaml:13:5 environments[0].environment_class:" in m and "_defaults.yaml:4:7" in m for m in found), found


def test_defaults_file_shape_is_checked(write_spec, tmp_path):
    (tmp_path / "_defaults.yaml").write_text("stages:\n  qa:\n    environment: {}\n")
    found = messages(write_spec())
    assert any("_defaults.yaml:2:3" in m and "unknown stage 'qa'" in m for m in found), found


def test_defaults_are_found_above_the_spec_folder(tmp_path):
    from mwaaform.spec.loader import load_file
    from tests.conftest import MINIMAL

    (tmp_path / "Pulumi.yaml").write_text("name: x\n")
    (tmp_path / "_defaults.yaml").write_text("stages:\n  dev:\n    environment:\n      logging:\n        retention_days: 7\n")
    (tmp_path / "teams").mkdir()
    spec = tmp_path / "teams" / "a.yaml"
    spec.write_text(MINIMAL)
    stack, diagnostics = load_file(spec)
    assert stack is not None and stack.spec.environments[0].logging.retention_days == 7


def test_prod_without_stage_defaults_is_warned(tmp_path):
    from mwaaform.spec.loader import load_file
    from tests.conftest import MINIMAL

    (tmp_path / ".git").mkdir()  # the project root: the search stops here
    spec = tmp_path / "a.yaml"
    spec.write_text(MINIMAL.replace("stage: dev", "stage: prod"))
    stack, diagnostics = load_file(spec)
    assert stack is not None
    (warning,) = diagnostics
    assert warning.severity == "warning" and warning.path == "environments[0].stage" and "prod stage defaults" in warning.message
    spec.write_text(MINIMAL)
    assert load_file(spec)[1] == []
