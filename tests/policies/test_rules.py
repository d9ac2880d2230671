"""Every rule of the pack over plans compiled from the example specs: a violating case (the plan
changed the way a careless edit of a component would), a compliant case, and the same cases in the
stack's first preview, where every output of a new resource is unknown.

Each case is one line of CASES; a rule without a line fails ``test_every_rule_has_cases``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest

from mwaaform.plan.engine import UNKNOWN, Plan, RecordedResource
from mwaaform.plan.review import SKIPPED, review
from policies.config import parse
from policies.rules import POLICIES

Change = Callable[[Plan], Plan]


# --- plan edits ---------------------------------------------------------------------------------


def edit(type_: str, change: Callable[[dict], dict], name: str | None = None, **fields) -> Change:
    """Change the inputs (and any other field) of every resource of ``type_`` (named ``name``)."""

    def apply(plan: Plan) -> Plan:
        resources = [
            dataclasses.replace(r, inputs=change(dict(r.inputs)), **fields) if r.type == type_ and name in (None, r.name) else r
            for r in plan.resources
        ]
        return dataclasses.replace(plan, resources=resources)

    return apply


def remove(type_: str) -> Change:
    return lambda plan: dataclasses.replace(plan, resources=[r for r in plan.resources if r.type != type_])


def add(type_: str, name: str, inputs: dict, links: dict[str, str]) -> Change:
    """Add a resource whose input ``key`` came from the (first) resource of type ``links[key]``:
    in a first preview that input is unknown, as the engine would record it."""

    def apply(plan: Plan) -> Plan:
        deps = {key: [plan.of_type(linked)[0].urn] for key, linked in links.items()}
        preview = UNKNOWN in json.dumps([r.inputs for r in plan.resources])
        values = {key: (UNKNOWN if preview and key in deps else value) for key, value in inputs.items()}
        source = plan.of_type(next(iter(links.values())))[0]
        urn = f"urn:pulumi:{plan.stack}::{plan.project}::{type_}::{name}"
        added = RecordedResource(urn, type_, name, True, values, {}, None, source.parent, source.provider,
                                 dependencies=sorted({u for us in deps.values() for u in us}), property_dependencies=deps)
        return dataclasses.replace(plan, resources=[*plan.resources, added])

    return apply


def with_(key: str, value) -> Callable[[dict], dict]:
    return lambda inputs: {**inputs, key: value}


def without(key: str) -> Callable[[dict], dict]:
    return lambda inputs: {k: v for k, v in inputs.items() if k != key}


def document_edit(key: str, change: Callable[[dict], dict]) -> Callable[[dict], dict]:
    return lambda inputs: {**inputs, key: json.dumps(change(json.loads(inputs[key])))}


def add_statement(statement: dict) -> Callable[[dict], dict]:
    return lambda doc: {**doc, "Statement": [*doc["Statement"], statement]}


def unchanged(plan: Plan) -> Plan:
    return plan


BUCKET = "aws:s3/bucket:Bucket"
MWAA = "aws:mwaa/environment:Environment"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
NONCURRENT = {"bucket": "b", "rules": [{"id": "old-versions", "status": "Enabled", "noncurrentVersionExpiration": {"noncurrentDays": 30}}]}
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
LOCKED_DEFAULT_SG = {"vpcId": "vpc", "tags": {"Name": "default", "Environment": "dev"}}

# rule -> (stack, the change that violates it, the change that complies (usually none)).
CASES: dict[str, tuple[str, Change, Change]] = {
    "s3-public-access-block": ("prod-data", edit("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", with_("restrictPublicBuckets", False)), unchanged),
    "s3-bucket-has-public-access-block": ("dev-analytics", remove("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), unchanged),
    "s3-bucket-versioning": ("prod-data", edit("aws:s3/bucketVersioning:BucketVersioning", with_("versioningConfiguration", {"status": "Suspended"})), unchanged),
    "s3-bucket-encryption": ("prod-data", remove("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), unchanged),
    "s3-bucket-tls-only": ("dev-analytics", edit("aws:s3/bucketPolicy:BucketPolicy", document_edit("policy", lambda d: {**d, "Statement": []})), unchanged),
    "s3-noncurrent-version-expiration": ("dev-analytics", remove(LIFECYCLE), unchanged),
    "s3-noncurrent-version-expiration/added": ("dev-analytics", remove(LIFECYCLE), add(LIFECYCLE, "lifecycle", NONCURRENT, {"bucket": BUCKET})),
    "kms-key-rotation": ("prod-data", edit("aws:kms/key:Key", with_("enableKeyRotation", False)), unchanged),
    "log-group-retention": ("prod-data", edit("aws:cloudwatch/logGroup:LogGroup", with_("retentionInDays", 30), name="airflow-ingest-prod-Task"), unchanged),
    "iam-no-wildcard-actions": ("dev-analytics", edit("aws:iam/policy:Policy", document_edit("policy", add_statement(
        {"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::x"}))), unchanged),
    # The same rules, other shapes of the same mistakes.
    "iam-no-wildcard-actions/not-action": ("dev-analytics", edit("aws:iam/policy:Policy", document_edit("policy", add_statement(
        {"Sid": "AllButIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::x"}))), unchanged),
    "log-group-retention/none": ("dev-analytics", edit("aws:cloudwatch/logGroup:LogGroup", without("retentionInDays")), unchanged),
    "sg-no-public-ingress/ipv6": ("prod-data", edit("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                                                    lambda i: {**without("referencedSecurityGroupId")(i), "cidrIpv6": "::/0"}), unchanged),
    "vpc-endpoints-only-no-internet/nat": ("prod-data", add("aws:ec2/natGateway:NatGateway", "nat", {"subnetId": "subnet"},
                                                            {"subnetId": "aws:ec2/subnet:Subnet"}), unchanged),
    "iam-no-wildcard-resources": ("dev-analytics", edit("aws:iam/policy:Policy", document_edit("policy", add_statement(
        {"Sid": "AnyBucket", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))), unchanged),
    "mwaa-execution-role-trust": ("dev-analytics", edit("aws:iam/role:Role", document_edit("assumeRolePolicy", lambda d: {
        **d, "Statement": [{k: v for k, v in s.items() if k != "Condition"} for s in d["Statement"]]})), unchanged),
    "sg-no-public-ingress": ("dev-analytics", edit("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                                                   lambda i: {**without("referencedSecurityGroupId")(i), "cidrIpv4": "0.0.0.0/0"}), unchanged),
    "sg-descriptions": ("partner-eu", edit("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", without("description")), unchanged),
    "vpc-flow-logs": ("prod-data", remove("aws:ec2/flowLog:FlowLog"), unchanged),
    "vpc-default-security-group-locked": ("dev-analytics", remove(DEFAULT_SG), unchanged),
    "vpc-default-security-group-locked/added": ("dev-analytics", remove(DEFAULT_SG),
                                                lambda plan: add(DEFAULT_SG, "default", LOCKED_DEFAULT_SG, {"vpcId": "aws:ec2/vpc:Vpc"})(remove(DEFAULT_SG)(plan))),
    "vpc-endpoints-only-no-internet": ("prod-data", add("aws:ec2/internetGateway:InternetGateway", "igw", {"vpcId": "vpc"}, {"vpcId": "aws:ec2/vpc:Vpc"}), unchanged),
    "prod-single-nat": ("dev-analytics", edit("aws:ec2/vpc:Vpc", with_("tags", {"Name": "network", "Environment": "prod"})), unchanged),
    "mwaa-logs-enabled": ("dev-analytics", edit(MWAA, lambda i: {**i, "loggingConfiguration": {
        **i["loggingConfiguration"], "workerLogs": {"enabled": False}}}), unchanged),
    "mwaa-prod-private-webserver": ("prod-data", edit(MWAA, with_("webserverAccessMode", "PUBLIC_ONLY")), unchanged),
    "mwaa-prod-customer-key": ("prod-data", edit(MWAA, without("kmsKey")), unchanged),
    "mwaa-prod-protected": ("prod-data", edit(MWAA, dict, protect=False), unchanged),
    "mwaa-supported-airflow-version": ("partner-eu", edit(MWAA, with_("airflowVersion", "2.4.3")), unchanged),
    "mwaa-stage-sizing": ("dev-analytics", edit(MWAA, with_("environmentClass", "mw1.large")), unchanged),
    "sns-topic-encryption": ("prod-data", edit("aws:sns/topic:Topic", without("kmsMasterKeyId")), unchanged),
    "sns-topic-encryption/other-key": ("prod-data", lambda plan: edit("aws:sns/topic:Topic", dict, property_dependencies={
        "kmsMasterKeyId": [plan.one("aws:kms/key:Key", "stack-key").urn]})(plan), unchanged),
    "mwaa-prod-alarms": ("prod-data", remove("aws:cloudwatch/metricAlarm:MetricAlarm"), unchanged),
    "required-tags": ("partner-eu", edit("pulumi:providers:aws", with_("defaultTags", json.dumps({"tags": {"Owner": "x"}}))), unchanged),
}


def findings(plan: Plan, rule: str, config=None):
    return [f for f in review(plan, config) if f.rule == rule.split("/")[0]]


# Rules whose cases live elsewhere: the budget rule reads the stack's outputs, which this table's
# plans do not carry (tests/cost/test_budget.py builds them).
TESTED_ELSEWHERE = {"cost-within-budget"}


def test_every_rule_has_cases():
    assert sorted({case.split("/")[0] for case in CASES} | TESTED_ELSEWHERE) == sorted(rule.name for rule in POLICIES)


@pytest.mark.parametrize("preview", [False, True], ids=["up", "first-preview"])
@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_reports_the_violation_and_passes_the_compliant_case(example_plans, rule, preview):
    stack, violate, comply = CASES[rule]
    plan = example_plans[stack, preview]
    found = findings(violate(plan), rule)
    assert found and all(f.level != SKIPPED for f in found), f"{rule} missed its violation"
    assert findings(comply(plan), rule) == []


@pytest.mark.parametrize("stack", ["dev-analytics", "partner-eu", "prod-data"])
def test_no_rule_is_skipped_in_a_first_preview(example_plans, stack):
    """The CLI skips a rule that reads an unknown value ("can't run policy during preview")."""
    assert [f for f in review(example_plans[stack, True]) if f.level == SKIPPED] == []


def _everything_linked_unknown(plan: Plan) -> Plan:
    """Every input that came from another resource unknown: more than any real preview hides."""
    def hide(r: RecordedResource) -> RecordedResource:
        return dataclasses.replace(r, inputs={k: (UNKNOWN if k in r.property_dependencies else v) for k, v in r.inputs.items()})

    return dataclasses.replace(plan, resources=[hide(r) for r in plan.resources])


@pytest.mark.parametrize("stack", ["dev-analytics", "partner-eu", "prod-data"])
def test_no_rule_is_skipped_when_every_output_is_unknown(example_plans, stack):
    plan = _everything_linked_unknown(example_plans[stack, False])
    assert [f for f in review(plan) if f.level == SKIPPED] == []
    # And the verdicts are the ones the known plan gets: links are property dependencies, not ids.
    assert {(f.rule, f.urn) for f in review(plan)} == {(f.rule, f.urn) for f in review(example_plans[stack, False])}


def test_examples_have_no_mandatory_violation(example_plans):
    for (stack, _), plan in example_plans.items():
        assert [str(f) for f in review(plan) if f.level == "mandatory"] == [], stack


# --- configuration -------------------------------------------------------------------------------


def test_retention_floor_per_stage_is_configurable(example_plans):
    plan = example_plans["prod-data", False]
    assert findings(plan, "log-group-retention") == []  # prod floor 90 by default; prod-data keeps 365 days
    config = parse({"log-group-retention": {"minimumRetentionDays": {"prod": 400}}})
    found = findings(plan, "log-group-retention", config)
    groups = sorted(r.inputs["name"] for r in plan.of_type("aws:cloudwatch/logGroup:LogGroup"))
    assert len(groups) == 11  # five per environment, and the flow logs'
    assert sorted(f.message for f in found) == [f"log group {g} keeps logs 365 days, fewer than the 400 required in stage prod" for g in groups]
    assert {f.level for f in found} == {"mandatory"}


def test_enforcement_levels_are_overridable(example_plans):
    plan = remove(LIFECYCLE)(remove(DEFAULT_SG)(example_plans["dev-analytics", False]))
    expected = {("s3-noncurrent-version-expiration", "mandatory"), ("vpc-default-security-group-locked", "mandatory")}
    assert {(f.rule, f.level) for f in review(plan)} == expected
    config = parse({"all": "advisory", "vpc-default-security-group-locked": "disabled"})
    assert {(f.rule, f.level) for f in review(plan, config)} == {("s3-noncurrent-version-expiration", "advisory")}
    config = parse({"s3-noncurrent-version-expiration": {"enforcementLevel": "disabled"}})
    assert {f.rule for f in review(plan, config)} == {"vpc-default-security-group-locked"}


def test_sizing_and_prod_stages_are_configurable(example_plans):
    dev = example_plans["dev-analytics", False]
    config = parse({"mwaa-stage-sizing": {"maxWorkers": {"dev": 2}, "allowedClasses": {"dev": ["mw1.micro"]}}})
    assert sorted(f.message for f in findings(dev, "mwaa-stage-sizing", config)) == [
        "environment analytics-dev is mw1.small; stage dev allows mw1.micro",
        "environment analytics-dev scales to 3 workers; stage dev allows 2",
    ]
    partner = example_plans["partner-eu", False]  # stage "stage": not protected
    config = parse({"mwaa-prod-protected": {"prodStages": ["prod", "stage"]}})
    assert [f.message for f in review(partner, config) if f.level == "mandatory"] == [
        "prod environment partner-stage is not protected (deletion_protection: true)"
    ]


def test_required_tags_are_configurable(example_plans):
    plan = example_plans["partner-eu", False]
    assert findings(plan, "required-tags") == []  # Owner, CostCenter, DataClassification from the provider's default tags
    found = findings(plan, "required-tags", parse({"required-tags": {"requiredTags": ["Compliance", "Team"]}}))
    assert found and all(f.message.endswith("has no Team tag") for f in found)


@pytest.mark.parametrize("rule", ["mwaa-stage-sizing", "prod-single-nat"])  # a resource rule, a stack rule
def test_a_rule_raised_to_remediate_fails_like_mandatory(example_plans, rule):
    # The rules validate and remediate nothing: pulumi-policy reports their violations at
    # "remediate" as mandatory and `pulumi up` refuses, so the offline review says the same.
    stack, violate, _ = CASES[rule]
    plan = violate(example_plans[stack, False])
    assert {f.level for f in findings(plan, rule)} == {"advisory"}
    assert {f.level for f in findings(plan, rule, parse({rule: "remediate"}))} == {"mandatory"}
