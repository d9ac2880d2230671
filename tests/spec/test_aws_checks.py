"""What AWS would refuse at deploy time, and what YAML silently coerces, is refused at validate time."""

from __future__ import annotations

import pytest

from mwaaform.spec.facts import accepted_airflow_versions, airflow_versions, availability_zones, minimum_versions
from mwaaform.spec.loader import load
from tests.conftest import MINIMAL


def errors(path) -> list[tuple[int, str, str]]:
    return [(d.position.line, d.path, d.message) for d in load([path]).errors]


# --- strict types with the "quote it" hint -------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "false", "yes"])
def test_boolean_retention_is_not_one_day(write_spec, value):
    ((line, path, message),) = errors(write_spec(MINIMAL + f"    logging: {{retention_days: {value}}}\n"))
    assert path == "environments[0].logging.retention_days" and "boolean" in message


def test_unquoted_version_gets_the_quote_hint_with_what_was_written(write_spec):
    ((line, path, message),) = errors(write_spec(MINIMAL + "    airflow_version: 2.10\n"))
    assert (line, path) == (16, "environments[0].airflow_version")
    assert "2.10" in message and "2.1" in message and 'quote it ("2.10")' in message


def test_unquoted_account_id_with_leading_zero(write_spec):
    ((_, path, message),) = errors(write_spec(MINIMAL.replace('id: "111122223333"', "id: 011122223333")))
    assert path == "account.id" and 'quote it ("011122223333")' in message


def test_boolean_text_field_gets_the_hint(write_spec):
    ((_, path, message),) = errors(write_spec(MINIMAL.replace("Owner: data-platform", "Owner: no")))
    assert path == "tags.Owner" and "boolean false" in message and 'quote it ("no")' in message


def test_null_tag_key_is_an_error_at_its_line(write_spec):
    found = errors(write_spec(MINIMAL.replace("  Owner: data-platform\n", "  Owner: data-platform\n  ~: x\n")))
    assert [(line, message) for line, _, message in found] == [(6, "the key '~' reads as null, not text: quote it")]


# --- data: versions, zones, CIDR ranges -------------------------------------------------------


def test_versions_data_matches_the_api_and_support_policy():
    # CreateEnvironment's valid values (API reference / botocore 1.44.8), and the 2025-12-30 end of support.
    assert accepted_airflow_versions() == ("2.7.2", "2.8.1", "2.9.2", "2.10.1", "2.10.3", "2.11.0", "3.0.6")
    refused = {v: info.end_of_support for v, info in airflow_versions().items() if not info.accepted}
    assert refused == {"2.4.3": "2025-12-30", "2.5.1": "2025-12-30", "2.6.3": "2025-12-30"}
    assert minimum_versions()["webserver_access_public_and_private"] == "3.2"


def test_refused_version_is_an_error_naming_the_date(write_spec):
    ((_, path, message),) = errors(write_spec(MINIMAL + "    airflow_version: '2.6.3'\n"))
    assert "no longer accepts" in message and "2025-12-30" in message and "'3.0.6'" in message


def test_every_mwaa_region_has_zones():
    from mwaaform.spec.values import REGIONS

    assert set(availability_zones()) == set(REGIONS)
    assert "ca-central-1c" not in availability_zones()["ca-central-1"]  # ca-central-1 has a, b and d
    assert availability_zones()["us-east-1"][-1] == "us-east-1f"


def test_unknown_zone_of_a_known_region(write_spec):
    ((line, path, message),) = errors(write_spec(MINIMAL.replace("us-east-1b]", "us-east-1z]")))
    assert path == "network.managed.availability_zones[1]" and "does not exist" in message and "us-east-1f" in message


def test_unknown_zone_of_an_existing_subnet(write_spec):
    spec = MINIMAL.replace(
        "  managed:\n    cidr: 10.0.0.0/16\n    availability_zones: [us-east-1a, us-east-1b]\n",
        "  existing:\n    vpc_id: vpc-0123456789abcdef0\n    private_subnets:\n"
        "      - {id: subnet-01234567, availability_zone: us-east-1a}\n"
        "      - {id: subnet-89abcdef, availability_zone: us-east-1g}\n",
    )
    ((_, path, message),) = errors(write_spec(spec))
    assert path == "network.existing.private_subnets[1].availability_zone" and "does not exist" in message


@pytest.mark.parametrize("cidr", ["127.0.0.0/16", "169.254.0.0/16", "0.0.0.0/16", "224.0.0.0/16", "8.8.0.0/16", "192.0.2.0/24"])
def test_vpc_cidr_outside_the_private_ranges(write_spec, cidr):
    ((_, path, message),) = errors(write_spec(MINIMAL.replace("cidr: 10.0.0.0/16", f"cidr: {cidr}")))
    assert path == "network.managed.cidr" and "10.0.0.0/8 (RFC 1918)" in message


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.31.0.0/16", "192.168.0.0/20", "100.64.0.0/16"])
def test_vpc_cidr_in_the_private_ranges(write_spec, cidr):
    assert errors(write_spec(MINIMAL.replace("cidr: 10.0.0.0/16", f"cidr: {cidr}"))) == []


# --- accounts ----------------------------------------------------------------------------------


def test_deploy_role_and_boundary_in_another_account(write_spec):
    spec = MINIMAL.replace(
        "  region: us-east-1\n",
        "  region: us-east-1\n  deploy_role_arn: arn:aws:iam::444455556666:role/deploy\n"
        "  permissions_boundary_arn: arn:aws:iam::444455556666:policy/boundary\n",
    )
    found = errors(write_spec(spec))
    assert [path for _, path, _ in found] == ["account.deploy_role_arn", "account.permissions_boundary_arn"]
    assert all("444455556666" in m and "111122223333" in m for _, _, m in found)


def test_deploy_role_and_aws_managed_boundary_in_the_account(write_spec):
    spec = MINIMAL.replace(
        "  region: us-east-1\n",
        "  region: us-east-1\n  deploy_role_arn: arn:aws:iam::111122223333:role/deploy\n"
        "  permissions_boundary_arn: arn:aws:iam::aws:policy/PowerUserAccess\n",
    )
    assert errors(write_spec(spec)) == []


# --- configuration values ------------------------------------------------------------------------


@pytest.mark.parametrize("value, words", [('""', "1 to 65,536"), ('"a\\nb"', "printable ASCII"), ('"café"', "printable ASCII"),
                                          ('"a\\tb"', "printable ASCII"), ("'" + "x" * 65_537 + "'", "not 65,537")])
def test_configuration_values_the_api_refuses(write_spec, value, words):
    spec = MINIMAL + f"    airflow_configuration_options:\n      core.x: {value}\n"
    ((line, path, message),) = errors(write_spec(spec))
    assert (line, path) == (17, "environments[0].airflow_configuration_options.core.x") and words in message


def test_configuration_values_the_api_accepts(write_spec):
    spec = MINIMAL + "    airflow_configuration_options:\n      core.x: ' {\"a\": [1, 2]} ~'\n      core.y: '" + "x" * 65_536 + "'\n"
    assert errors(write_spec(spec)) == []
