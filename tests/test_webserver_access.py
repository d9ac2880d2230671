"""Reaching the web server: ingress sources on HTTPS, the access modes, worker replacement."""

from __future__ import annotations

import pytest

from mwaaform.plan.engine import run_program
from mwaaform.program import build_stack
from mwaaform.spec.loader import load
from tests.conftest import MINIMAL

RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
MWAA = "aws:mwaa/environment:Environment"
INGRESS = """    webserver_access: private
    worker_replacement_strategy: graceful
    webserver_ingress:
      cidrs: [10.200.0.0/22, "fd00:10::/56"]
      prefix_lists: [pl-0123456789abcdef0]
      security_groups: [sg-0fedcba9876543210]
"""


def errors(path) -> list[tuple[int, str, str]]:
    return [(d.position.line, d.path, d.message) for d in load([path]).diagnostics if d.severity == "error"]


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "stack.yaml"
    path.write_text(MINIMAL + INGRESS, encoding="utf-8")
    result = load([path])
    assert result.ok, result.diagnostics
    (stack,) = result.stacks
    return run_program(lambda: build_stack(stack), stack=stack.name, account_id="111122223333", region="us-east-1")


def test_each_source_is_admitted_on_https_only_to_the_environments_group(plan):
    rules = [r for r in plan.of_type(RULE) if "webserver-ingress" in r.name]
    own_group = plan.one(MWAA).inputs["networkConfiguration"]["securityGroupIds"][0]
    assert {r.inputs["securityGroupId"] for r in rules} == {own_group}
    assert {(r.inputs["ipProtocol"], r.inputs["fromPort"], r.inputs["toPort"]) for r in rules} == {("tcp", 443, 443)}
    sources = sorted(
        r.inputs.get("cidrIpv4") or r.inputs.get("cidrIpv6") or r.inputs.get("prefixListId") or r.inputs["referencedSecurityGroupId"]
        for r in rules
    )
    assert sources == sorted(["10.200.0.0/22", "fd00:10::/56", "pl-0123456789abcdef0", "sg-0fedcba9876543210"])


def test_access_mode_strategy_and_exports(plan):
    env = plan.one(MWAA).inputs
    assert (env["webserverAccessMode"], env["workerReplacementStrategy"]) == ("PRIVATE_ONLY", "GRACEFUL")
    exported = plan.outputs["sample-dev"]
    assert exported["webserver_url"] and exported["webserver_vpc_endpoint_service"].startswith("com.amazonaws.vpce.us-east-1.")


def test_no_ingress_and_default_strategy_by_default(write_spec):
    (stack,) = load([write_spec()]).stacks
    plan = run_program(lambda: build_stack(stack), stack=stack.name, account_id="111122223333", region="us-east-1")
    assert not [r for r in plan.of_type(RULE) if "webserver-ingress" in r.name]
    assert "workerReplacementStrategy" not in plan.one(MWAA).inputs


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("cidrs", "[0.0.0.0/0]", "the whole internet"),
        ("cidrs", "[10.0.0.1/8]", "is not an IP network"),
        ("prefix_lists", "[pl-xyz]", "'pl-xyz' is not valid here"),
        ("security_groups", "[sg-1, sg-1]", "'sg-1' is not valid here"),
        ("cidrs", "[10.1.0.0/16, 10.1.0.0/16]", "more than once"),
    ],
)
def test_ingress_sources_are_checked_at_their_line(write_spec, field, value, expected):
    found = errors(write_spec(MINIMAL + f"    webserver_ingress:\n      {field}: {value}\n"))
    assert found and all(line == 17 and path.startswith(f"environments[0].webserver_ingress.{field}") for line, path, _ in found), found
    assert expected in found[0][2]


def test_ingress_needs_a_private_endpoint(write_spec):
    (found,) = errors(write_spec(MINIMAL + "    webserver_access: public\n    webserver_ingress: {cidrs: [10.200.0.0/22]}\n"))
    assert found[:2] == (17, "environments[0].webserver_ingress") and "webserver_access is public" in found[2]


def test_unknown_access_mode_and_strategy(write_spec):
    found = errors(write_spec(MINIMAL + "    webserver_access: both\n    worker_replacement_strategy: FORCED\n"))
    assert [(line, path) for line, path, _ in found] == [(16, "environments[0].webserver_access"), (17, "environments[0].worker_replacement_strategy")]


def test_public_and_private_needs_the_airflow_version_the_api_names(write_spec):
    # CreateEnvironment, WebserverAccessMode: "PUBLIC_AND_PRIVATE ... is only available for Apache
    # Airflow version 3.2 and later" (botocore 1.44.8's MWAA model); 3.0.6 is the newest accepted.
    path = write_spec(MINIMAL + "    webserver_access: public_and_private\n    airflow_version: '3.0.6'\n")
    (error,) = errors(path)
    assert error[1] == "environments[0].webserver_access"
    assert "needs Apache Airflow 3.2 or later, and airflow_version is 3.0.6" in error[2]
