"""Every preflight check passes and fails where it should, against moto's EC2, S3, KMS and STS.

moto has no MWAA API: the environment-name check (and an assume-role denial, which moto never
answers) is tested with botocore's Stubber instead.
"""

from __future__ import annotations

import dataclasses
import os
import textwrap

import boto3
import pytest
from botocore.stub import Stubber

from mwaaform.preflight import checks
from mwaaform.preflight.checks import Clients
from mwaaform.preflight.command import StackReport, assume, facts_of, failures, render, run_checks
from mwaaform.preflight.facts import Facts, PlannedRule
from mwaaform.spec.loader import load
from tests.preflight.conftest import ACCOUNT, REGION, add_endpoints, build_network

ROLE = f"arn:aws:iam::{ACCOUNT}:role/mwaaform-deploy"


def spec_text(net) -> str:
    subnets = "\n".join(f"      - {{id: {s}, availability_zone: {z}}}" for s, z in net.subnets.items())
    return textwrap.dedent(f"""\
        account:
          id: "{ACCOUNT}"
          region: {REGION}
          deploy_role_arn: {ROLE}
          external_id: preflight-test
        tags: {{Owner: platform, CostCenter: "CC-1", DataClassification: internal}}
        network:
          existing:
            vpc_id: {net.vpc}
            private_subnets:
        """) + subnets + f"\n    security_group_ids: [{net.group}]\n" + textwrap.dedent("""\
        environments:
          - name: preflight-dev
            team: platform
            stage: dev
        """)


@pytest.fixture(scope="module")
def facts(networks, tmp_path_factory) -> Facts:
    """Facts of a spec over the good NAT network, from its real offline plan (once per module)."""
    path = tmp_path_factory.mktemp("spec") / "preflight-stack.yaml"
    path.write_text(spec_text(networks["nat"]))
    result = load([path])
    assert result.ok, result.diagnostics
    return facts_of(result.stacks[0])


@pytest.fixture(scope="module")
def aws(moto_server) -> Clients:
    return Clients(*(boto3.client(name, region_name=REGION) for name in ("ec2", "s3", "kms", "mwaa")))


def on(facts: Facts, net, **changes) -> Facts:
    return dataclasses.replace(facts, vpc_id=net.vpc, subnets=dict(net.subnets), existing_security_groups=(net.group,), **changes)


def test_facts_come_from_the_recorded_plan(facts, networks):
    net = networks["nat"]
    assert facts.stack == "preflight-stack" and facts.account == ACCOUNT and facts.region == REGION
    assert (facts.deploy_role_arn, facts.external_id) == (ROLE, "preflight-test")
    assert facts.vpc_id == net.vpc and facts.subnets == net.subnets
    assert facts.existing_security_groups == (net.group,)
    groups = facts.environment_security_groups["preflight-dev"]
    assert net.group in groups and len(groups) == 2  # the stack's own group, then the existing one
    assert facts.environments == ("preflight-dev",)
    assert len(facts.buckets) == 1 and facts.buckets[0].startswith("airflow-preflight-dev-")
    assert (facts.imported_buckets, facts.imported_log_groups) == ((), ())  # no adopt_retained: nothing to import
    assert facts.referenced_keys == ()


def test_a_good_network_passes_every_check(facts, moto_server):
    results = run_checks(facts)
    failed = [c for c in results if c.status == "fail"]
    # Only MWAA (no moto API) cannot be checked against the emulator.
    assert [c.name for c in failed] == ["environment names"], render(StackReport(facts, results))
    assert {c.name: c.status for c in results}["deploy role"] == "pass"
    assert "with its external id" in results[0].detail


def test_account_fails_when_the_credentials_are_of_another_account(facts, moto_server):
    session, results = assume(dataclasses.replace(facts, account="111122223333", deploy_role_arn=None))
    assert session is None and results[-1].status == "fail"
    assert "credentials are of account 123456789012, the spec's is 111122223333" in results[-1].detail


def test_deploy_role_denied_names_the_trust_policy(facts):
    # moto grants every AssumeRole: a denial is stubbed.
    sts = boto3.client("sts", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(sts)
    stub.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "UserId": "AID"})
    stub.add_client_error("assume_role", "AccessDenied", "not authorized to perform sts:AssumeRole", 403)
    stub.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "UserId": "AID"})

    class Base:
        def client(self, *args, **kwargs):
            return sts

    with stub:
        session, results = assume(facts, Base())
    assert session is None and [c.status for c in results] == ["fail"]
    assert "AccessDenied" in results[0].detail
    assert results[0].fix == f"the role's trust policy must allow arn:aws:iam::{ACCOUNT}:user/ci with the spec's external id"


def test_vpc(aws, facts, networks):
    assert checks.vpc(aws, facts).status == "pass"
    missing = checks.vpc(aws, dataclasses.replace(facts, vpc_id="vpc-0000000000000000a"))
    assert missing.status == "fail" and "does not exist" in missing.detail


def test_vpc_checks_skip_a_managed_network(aws, facts):
    managed = dataclasses.replace(facts, vpc_id=None, subnets={}, existing_security_groups=())
    assert {c(aws, managed).status for c in (checks.vpc, checks.subnets, checks.private, checks.egress, checks.network_acls,
                                              checks.security_groups, checks.security_group_rules)} == {"skip"}


def test_subnets(aws, facts):
    assert checks.subnets(aws, facts).status == "pass"
    first, second = facts.subnets
    wrong_zone = checks.subnets(aws, dataclasses.replace(facts, subnets={first: "us-east-1a", second: "us-east-1c"}))
    assert wrong_zone.status == "fail" and f"{second} is in us-east-1b, the spec says us-east-1c" in wrong_zone.detail
    one_zone = checks.subnets(aws, dataclasses.replace(facts, subnets={first: "us-east-1a"}))
    assert one_zone.status == "fail" and "MWAA needs two" in one_zone.detail
    gone = checks.subnets(aws, dataclasses.replace(facts, subnets={first: "us-east-1a", "subnet-0000000000000000a": "us-east-1b"}))
    assert gone.status == "fail" and "subnet-0000000000000000a does not exist" in gone.detail


def test_private_subnets(aws, facts, networks):
    assert checks.private(aws, facts).status == "pass"
    public = checks.private(aws, on(facts, networks["public"]))
    assert public.status == "fail" and "routes 0.0.0.0/0 to igw-" in public.detail and "NAT gateway" in public.fix


def test_way_out_through_nat_or_every_endpoint(aws, facts, networks):
    nat = checks.egress(aws, facts)
    assert nat.status == "pass" and "via nat-" in nat.detail
    endpoints = checks.egress(aws, on(facts, networks["endpoints"]))
    assert endpoints.status == "pass" and "via VPC endpoints" in endpoints.detail
    closed = checks.egress(aws, on(facts, networks["closed"]))
    assert closed.status == "fail" and "s3 (gateway), monitoring, ecr.dkr" in closed.detail


def test_way_out_needs_private_dns_and_every_endpoint(aws, facts, moto_server):
    net = build_network("10.6.0.0/16", way_out="none")
    add_endpoints(net.vpc, net.route_table, list(net.subnets), net.group, skip=("airflow.env",))
    one_missing = checks.egress(aws, on(facts, net))
    assert one_missing.status == "fail" and one_missing.detail.count("lacks endpoints: airflow.env") == 2
    no_dns = build_network("10.7.0.0/16", way_out="none")
    add_endpoints(no_dns.vpc, no_dns.route_table, list(no_dns.subnets), no_dns.group, private_dns=False)
    assert checks.egress(aws, on(facts, no_dns)).status == "fail"


def test_security_groups(aws, facts, networks):
    assert checks.security_groups(aws, facts).status == "pass"
    elsewhere = checks.security_groups(aws, dataclasses.replace(facts, existing_security_groups=(networks["public"].group,)))
    assert elsewhere.status == "fail" and f"is in {networks['public'].vpc}, not {facts.vpc_id}" in elsewhere.detail
    gone = checks.security_groups(aws, dataclasses.replace(facts, existing_security_groups=("sg-0000000000000000a",)))
    assert gone.status == "fail" and "does not exist" in gone.detail


def test_security_group_rules(aws, facts, networks):
    # The stack's own group carries MWAA's self-referencing rule: the plan's rules pass.
    assert checks.security_group_rules(aws, facts).status == "pass"
    # An existing group with a self-referencing rule passes on its own ...
    alone = dataclasses.replace(facts, planned_rules=(), environment_security_groups={"e": (networks["nat"].group,)})
    assert checks.security_group_rules(aws, alone).status == "pass"
    # ... one without rules does not, and the failure names the ports and directions.
    bare = networks["bare-groups"]
    bare_facts = on(facts, bare, planned_rules=(), environment_security_groups={"e": (bare.group,)})
    result = checks.security_group_rules(aws, bare_facts)
    assert result.status == "fail"
    assert result.detail.split("; ") == [f"e: no {d} rule for TCP {p} between its members" for p in (443, 5432) for d in ("ingress", "egress")]
    # Rules on the ports alone are enough.
    ports = tuple(PlannedRule(d, bare.group, "tcp", p, p, peer_group=bare.group) for d in ("ingress", "egress") for p in (443, 5432))
    assert checks.security_group_rules(aws, dataclasses.replace(bare_facts, planned_rules=ports)).status == "pass"


def test_network_acls(aws, facts, moto_server):
    assert checks.network_acls(aws, facts).status == "pass"
    net = build_network("10.8.0.0/16")
    ec2 = boto3.client("ec2", region_name=REGION)
    acl = ec2.create_network_acl(VpcId=net.vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=50, Protocol="6", RuleAction="deny", Egress=egress,
                                     CidrBlock="10.8.0.0/16", PortRange={"From": 5432, "To": 5432})
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=egress, CidrBlock="0.0.0.0/0")
    subnet = next(iter(net.subnets))
    association = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"][0]
    current = next(a["NetworkAclAssociationId"] for a in association["Associations"] if a["SubnetId"] == subnet)
    ec2.replace_network_acl_association(AssociationId=current, NetworkAclId=acl)
    blocked = checks.network_acls(aws, on(facts, net))
    assert blocked.status == "fail"
    assert blocked.detail == f"{acl} of {subnet} denies inbound TCP 5432 (rule 50); {acl} of {subnet} denies outbound TCP 5432 (rule 50)"


def test_dag_bucket_names(aws, facts, moto_server):
    assert checks.buckets(aws, facts).detail == f"{facts.buckets[0]} is free"
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="airflow-ours-1")
    s3.put_bucket_tagging(Bucket="airflow-ours-1", Tagging={"TagSet": [{"Key": "ManagedBy", "Value": "mwaaform"}, {"Key": "Stack", "Value": facts.stack}]})
    ours = checks.buckets(aws, dataclasses.replace(facts, buckets=("airflow-ours-1",)))
    assert ours.status == "pass" and "already this stack's" in ours.detail
    s3.create_bucket(Bucket="airflow-someone-else")
    taken = checks.buckets(aws, dataclasses.replace(facts, buckets=("airflow-someone-else",)))
    assert taken.status == "fail" and "is not this stack's" in taken.detail


def test_referenced_keys(aws, facts, moto_server):
    assert checks.keys(aws, facts).status == "skip"
    kms = boto3.client("kms", region_name=REGION)
    enabled = kms.create_key()["KeyMetadata"]["Arn"]
    key = kms.create_key()["KeyMetadata"]
    kms.disable_key(KeyId=key["KeyId"])
    disabled = key["Arn"]
    assert checks.keys(aws, dataclasses.replace(facts, referenced_keys=(enabled,))).status == "pass"
    result = checks.keys(aws, dataclasses.replace(facts, referenced_keys=(enabled, disabled)))
    assert result.status == "fail" and result.detail == f"{disabled} is Disabled"


def _mwaa_stub(pages, environments):
    mwaa = boto3.client("mwaa", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(mwaa)
    for index, names in enumerate(pages):
        response = {"Environments": names}
        if index + 1 < len(pages):
            response["NextToken"] = f"t{index}"
        stub.add_response("list_environments", response, {"NextToken": f"t{index - 1}"} if index else {})
    for name, tags in environments:
        stub.add_response("get_environment", {"Environment": {"Name": name, "Tags": tags}}, {"Name": name})
    return mwaa, stub


def test_environment_names_with_stubbed_mwaa(facts):
    # moto has no MWAA API: ListEnvironments and GetEnvironment are stubbed with botocore's Stubber.
    mwaa, stub = _mwaa_stub([["other"], []], [])
    with stub:
        free = checks.environment_names(Clients(None, None, None, mwaa), facts)
    assert free.status == "pass" and free.detail == "preflight-dev is free"

    ours_tags = {"ManagedBy": "mwaaform", "Stack": facts.stack}
    mwaa, stub = _mwaa_stub([["a"], ["preflight-dev"]], [("preflight-dev", ours_tags)])
    with stub:
        ours = checks.environment_names(Clients(None, None, None, mwaa), facts)
    assert ours.status == "pass" and "already this stack's" in ours.detail

    mwaa, stub = _mwaa_stub([["preflight-dev"]], [("preflight-dev", {"Stack": "someone-else"})])
    with stub:
        taken = checks.environment_names(Clients(None, None, None, mwaa), facts)
        stub.assert_no_pending_responses()
    assert taken.status == "fail" and "taken by an environment that is not this stack's" in taken.detail


def test_rollout_gets_each_failing_stack_with_its_failed_checks(facts):
    reports = [
        StackReport(facts, [checks.Check("vpc", "pass", "ok"), checks.Check("private subnets", "fail", "subnet-1 routes to igw-1", "fix")]),
        StackReport(dataclasses.replace(facts, stack="other"), [checks.Check("vpc", "skip", "managed")]),
    ]
    assert failures(reports) == [(facts.stack, "private subnets: subnet-1 routes to igw-1")]
    text = render(reports[0])
    assert "  FAIL  private subnets  subnet-1 routes to igw-1" in text and "fix: fix" in text


def test_preflight_command_as_a_user_runs_it(networks, tmp_path, moto_server):
    import subprocess
    import sys

    spec = tmp_path / "public-stack.yaml"
    spec.write_text(spec_text(networks["public"]))
    done = subprocess.run([sys.executable, "-m", "mwaaform", "preflight", str(spec)], capture_output=True, text=True,
                          timeout=180, env={**os.environ, **moto_server})
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().endswith("checks failed")
    assert "  FAIL  private subnets" in done.stdout and "fix: MWAA needs private subnets" in done.stdout
    assert "  pass  deploy role" in done.stdout and "  pass  vpc" in done.stdout


def test_a_bucket_of_another_account_fails(facts):
    # moto ignores ExpectedBucketOwner; S3 answers 403 when the bucket is another account's: stubbed.
    s3 = boto3.client("s3", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(s3)
    stub.add_client_error("head_bucket", "403", "Forbidden", 403,
                          expected_params={"Bucket": facts.buckets[0], "ExpectedBucketOwner": ACCOUNT})
    with stub:
        result = checks.buckets(Clients(None, s3, None, None), facts)
    assert result.status == "fail" and result.detail == (
        f"{facts.buckets[0]} belongs to another account, or the deploy role may not list it (s3:ListBucket): S3 answers 403 to both")


def test_a_stack_that_cannot_be_planned_fails_its_preflight_without_a_traceback(monkeypatch, tmp_path):
    from mwaaform.preflight import command
    from tests.conftest import MINIMAL

    path = tmp_path / "unplannable.yaml"
    path.write_text(MINIMAL)
    stack = load([path]).stacks[0]

    def missing(_stack):
        raise FileNotFoundError("files/requirements.txt")

    monkeypatch.setattr(command, "facts_of", missing)
    [report] = command.preflight([stack])
    assert [(c.name, c.status) for c in report.checks] == [("plan", "fail")]
    assert "cannot plan the stack: files/requirements.txt" in report.checks[0].detail


def test_brought_buckets_must_exist_in_the_region_versioned_and_closed(aws, facts, moto_server):
    # What MWAA checks of a DAG bucket and mwaaform cannot set on one it does not own.
    assert checks.brought_buckets(aws, facts).status == "skip"
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="brought-good")
    s3.put_bucket_versioning(Bucket="brought-good", VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket="brought-good", PublicAccessBlockConfiguration={flag: True for flag in checks.PUBLIC_ACCESS_FLAGS})
    good = checks.brought_buckets(aws, dataclasses.replace(facts, brought_buckets=("brought-good",)))
    assert (good.status, good.detail) == ("pass", "brought-good is versioned and blocks public access")
    s3.create_bucket(Bucket="brought-open")
    s3.create_bucket(Bucket="brought-elsewhere", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    bad = checks.brought_buckets(aws, dataclasses.replace(facts, brought_buckets=("brought-elsewhere", "brought-missing", "brought-open")))
    assert bad.status == "fail" and bad.detail.split("; ", 2) == [
        f"brought-elsewhere is in eu-west-1, not {REGION}",
        "brought-missing does not exist",
        "brought-open: not versioned; public access not blocked "
        "(BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off)",
    ]


def test_a_brought_bucket_is_told_from_a_created_one_by_the_plan():
    # partner-eu brings its bucket (bucket.name): nothing to create, everything to check.
    from tests.conftest import ROOT

    partner, dev = load([ROOT / "environments" / "partner-eu.yaml", ROOT / "environments" / "dev-analytics.yaml"]).stacks
    brings = facts_of(partner)
    assert brings.buckets == () and brings.brought_buckets == ("partner-integrations-airflow-eu-central-1",)
    creates = facts_of(dev)  # its own bucket: checked as a name to take, not as one to use
    assert creates.brought_buckets == () and len(creates.buckets) == 1
