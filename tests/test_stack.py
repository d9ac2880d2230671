"""The whole stack as the program declares it, from example-like specs, under the mock engine."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mwaaform.plan.engine import run_program
from mwaaform.program import build_stack
from mwaaform.spec.loader import load

ROOT = Path(__file__).resolve().parents[1]
MWAA = "aws:mwaa/environment:Environment"


@pytest.fixture(scope="module")
def plans():
    # File assets are relative to the project root, as under `pulumi up`.
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        result = load([ROOT / "environments"])
        assert result.ok, result.diagnostics
        return {
            stack.name: run_program(
                lambda stack=stack: build_stack(stack),
                stack=stack.name,
                account_id=stack.spec.account.id,
                region=stack.spec.account.region,
            )
            for stack in result.stacks
        }
    finally:
        os.chdir(previous)


def test_one_provider_locked_to_the_spec_account_and_used_everywhere(plans):
    plan = plans["prod-data"]
    (provider,) = plan.of_type("pulumi:providers:aws")
    # Provider inputs travel JSON-encoded, as the engine sends them.
    assert json.loads(provider.inputs["allowedAccountIds"]) == ["222233334444"]
    assert provider.inputs["region"] == "us-east-1"
    (assume,) = json.loads(provider.inputs["assumeRoles"])
    assert assume == {"roleArn": "arn:aws:iam::222233334444:role/mwaaform-deploy", "externalId": "data-platform-prod", "sessionName": "mwaaform"}
    for resource in plan.resources:
        if resource.custom and not resource.type.startswith("pulumi:providers"):
            assert resource.provider and provider.urn in resource.provider, resource.urn


def test_default_tags_carry_the_spec_tags(plans):
    (provider,) = plans["dev-analytics"].of_type("pulumi:providers:aws")
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert tags["Owner"] == "analytics-platform" and tags["CostCenter"] == "CC-1042"
    assert tags["DataClassification"] == "internal" and tags["Project"] == "clickstream"
    assert tags["ManagedBy"] == "mwaaform" and tags["Stack"] == "dev-analytics"


def test_environment_fields_from_the_spec(plans):
    env = plans["prod-data"].one(MWAA, name="ingest-prod")
    i = env.inputs
    assert (i["name"], i["environmentClass"], i["airflowVersion"]) == ("ingest-prod", "mw1.large", "2.10.3")
    assert (i["minWorkers"], i["maxWorkers"], i["schedulers"]) == (2, 20, 3)
    assert (i["minWebservers"], i["maxWebservers"]) == (2, 2)
    assert i["webserverAccessMode"] == "PRIVATE_ONLY"
    assert i["weeklyMaintenanceWindowStart"] == "TUE:03:30"
    assert i["tags"]["Environment"] == "prod" and i["tags"]["Team"] == "data-platform"
    assert i["kmsKey"].startswith("arn:aws:kms:us-east-1:222233334444:key/")
    assert len(i["networkConfiguration"]["subnetIds"]) == 2  # MWAA takes exactly two subnets
    logging = i["loggingConfiguration"]
    assert logging["taskLogs"] == {"enabled": True, "logLevel": "INFO"}
    assert set(logging) == {"dagProcessingLogs", "schedulerLogs", "taskLogs", "webserverLogs", "workerLogs"}


def test_stage_defaults_reach_the_resources(plans):
    reporting = plans["prod-data"].one(MWAA, name="reporting-prod").inputs
    assert reporting["environmentClass"] == "mw1.medium"  # prod default
    assert reporting["loggingConfiguration"]["taskLogs"]["logLevel"] == "WARNING"  # the spec's override
    groups = [g for g in plans["prod-data"].of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs["name"].startswith("airflow-")]
    assert {g.inputs["retentionInDays"] for g in groups} == {365}
    dev_groups = plans["dev-analytics"].of_type("aws:cloudwatch/logGroup:LogGroup")
    assert {g.inputs["retentionInDays"] for g in dev_groups} == {14}


def test_files_uploaded_and_pinned_by_version(plans):
    plan = plans["prod-data"]
    env = plan.one(MWAA, name="ingest-prod").inputs
    objects = {o.inputs["key"]: o for o in plan.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
    for kind, key in (("requirements", "requirements.txt"), ("plugins", "plugins.zip"), ("startup_script", "startup.sh")):
        camel = {"requirements": "requirements", "plugins": "plugins", "startup_script": "startupScript"}[kind]
        assert env[f"{camel}S3Path"] == key
        assert env[f"{camel}S3ObjectVersion"] == objects[key].outputs["versionId"]


def test_environment_waits_for_its_log_groups_and_endpoints(plans):
    plan = plans["prod-data"]
    env = plan.one(MWAA, name="ingest-prod")
    groups = {g.urn for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup") if "ingest-prod" in g.inputs["name"]}
    mwaa_set = {f"com.amazonaws.us-east-1.{s}" for s in ("s3", "monitoring", "ecr.dkr", "ecr.api", "logs", "sqs", "kms", "airflow.api", "airflow.env", "airflow.ops")}
    endpoints = {e.urn for e in plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if e.inputs["serviceName"] in mwaa_set}
    assert len(groups) == 5 and len(endpoints) == 10
    assert groups <= set(env.dependencies) and endpoints <= set(env.dependencies)


def test_prod_stateful_resources_are_protected_dev_are_not(plans):
    stateful = ("aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup")
    for resource in plans["prod-data"].resources:
        if resource.type in stateful:
            assert resource.protect, resource.urn
    for resource in plans["dev-analytics"].resources:
        if resource.type in stateful:
            assert not resource.protect, resource.urn
    for bucket in plans["dev-analytics"].of_type("aws:s3/bucket:Bucket"):
        assert not bucket.inputs.get("forceDestroy")


def test_customer_key_only_where_asked(plans):
    assert {k.name for k in plans["prod-data"].of_type("aws:kms/key:Key")} == {"ingest-prod-key", "reporting-prod-key", "stack-key"}
    # dev-analytics keeps AWS-owned keys for the environment; only its logs use the stack key.
    dev = plans["dev-analytics"]
    (stack_key,) = dev.of_type("aws:kms/key:Key")
    assert stack_key.name == "stack-key"
    assert "kmsKey" not in dev.one(MWAA).inputs
    assert "kmsMasterKeyId" not in json.dumps(dev.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs)
    groups = [g for g in dev.of_type("aws:cloudwatch/logGroup:LogGroup") if g.name.startswith("airflow-")]
    assert len(groups) == 5 and all(g.inputs["kmsKeyId"] == stack_key.outputs["arn"] for g in groups)


def test_existing_network_creates_only_security_groups(plans):
    plan = plans["partner-eu"]
    for kind in ("vpc", "subnet", "natGateway", "internetGateway", "vpcEndpoint", "routeTable"):
        assert plan.of_type(f"aws:ec2/{kind}:{kind[0].upper()}{kind[1:]}") == [], kind
    env = plan.one(MWAA).inputs
    assert env["networkConfiguration"]["subnetIds"] == ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"]
    assert "sg-0123456789abcdef0" in env["networkConfiguration"]["securityGroupIds"]
    assert env["endpointManagement"] == "CUSTOMER"


def test_exports_per_environment(plans):
    plan = plans["prod-data"]
    outputs = plan.outputs
    ingest = outputs["ingest-prod"]
    env = plan.one(MWAA, name="ingest-prod")
    assert (ingest["arn"], ingest["webserver_url"]) == (env.outputs["arn"], env.outputs["webserverUrl"])
    assert ingest["execution_role_arn"] == plan.one("aws:iam/role:Role", name="ingest-prod-role").outputs["arn"]
    assert ingest["bucket"] == plan.one("aws:s3/bucket:Bucket", name="ingest-prod-bucket").inputs["bucket"]
    assert set(ingest["log_groups"].values()) == {f"airflow-ingest-prod-{t}" for t in ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")}
    assert outputs["network"]["vpc_id"] == plan.one("aws:ec2/vpc:Vpc").id


def test_no_cloud_lookups(plans):
    # run_program raises CloudLookupError on any provider function call: a recorded plan proves none.
    assert plans["dev-analytics"].resources


def test_plans_are_identical_across_processes_with_different_hash_seeds():
    """Sets of strings iterate in a per-process order (PYTHONHASHSEED): only two processes can
    show one leaking into a name, a document or the order of resources."""
    import os
    import subprocess
    import sys

    def plan(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "mwaaform", "plan", "environments/prod-data.yaml", "--json", "--no-cache", "--jobs", "1"]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    assert plan("1") == plan("2")


def test_prod_pages_on_call_and_records_flow_logs_dev_does_neither(plans):
    prod, dev = plans["prod-data"], plans["dev-analytics"]
    alarms = prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    heartbeats = {a.inputs["dimensions"]["Environment"] for a in alarms if a.inputs["metricName"] == "SchedulerHeartbeat"}
    assert heartbeats == {"ingest-prod", "reporting-prod"}
    assert all(a.inputs["alarmActions"] for a in alarms)
    (flow_log,) = prod.of_type("aws:ec2/flowLog:FlowLog")
    assert flow_log.inputs["vpcId"] == prod.one("aws:ec2/vpc:Vpc").id
    group = prod.one("aws:cloudwatch/logGroup:LogGroup", name="flow-logs")
    assert group.inputs["retentionInDays"] == 365 and group.protect and group.retain_on_delete
    for kind in ("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic", "aws:ec2/flowLog:FlowLog"):
        assert dev.of_type(kind) == [], kind


def test_an_existing_topic_gets_no_new_topic(plans):
    topics = plans["prod-data"].of_type("aws:sns/topic:Topic")
    assert [t.inputs["name"] for t in topics] == ["ingest-prod-alarms"]
    reporting = [a for a in plans["prod-data"].of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs["name"].startswith("reporting-prod")]
    assert {tuple(a.inputs["alarmActions"]) for a in reporting} == {("arn:aws:sns:us-east-1:222233334444:reporting-oncall",)}


def test_prod_environments_are_protected_dev_are_not(plans):
    assert all(env.protect for env in plans["prod-data"].of_type(MWAA))
    assert not plans["dev-analytics"].one(MWAA).protect


def test_alarms_wait_for_the_environment_so_a_deploy_does_not_page(plans):
    plan = plans["prod-data"]
    env = plan.one(MWAA, name="ingest-prod")
    alarms = [a for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs["name"].startswith("ingest-prod-")]
    assert alarms and all(env.urn in a.dependencies for a in alarms)


def test_only_a_key_that_encrypts_an_alarm_topic_lets_cloudwatch_use_it(plans):
    keys = {k.name: json.loads(k.inputs["policy"]) for k in plans["prod-data"].of_type("aws:kms/key:Key")}
    sids = {name: {s["Sid"] for s in policy["Statement"]} for name, policy in keys.items()}
    assert "CloudWatchAlarmsPublish" in sids["ingest-prod-key"]  # its topic is encrypted with it
    assert "CloudWatchAlarmsPublish" not in sids["reporting-prod-key"]  # notifies an existing topic
    topic = plans["prod-data"].one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == plans["prod-data"].one("aws:kms/key:Key", name="ingest-prod-key").outputs["arn"]


def test_environment_waits_for_the_bucket_configuration(plans):
    plan = plans["prod-data"]
    env = plan.one(MWAA, name="reporting-prod")  # no uploaded files: only the bucket ARN links them
    for kind in ("bucketVersioning:BucketVersioning", "bucketPublicAccessBlock:BucketPublicAccessBlock"):
        (config,) = [r for r in plan.of_type(f"aws:s3/{kind}") if r.name == "reporting-prod-bucket"]
        assert config.urn in env.dependencies, kind


def test_customer_endpoint_management_exports_the_services_to_connect(plans):
    partner = plans["partner-eu"].outputs["partner-stage"]
    env = plans["partner-eu"].one(MWAA).outputs
    assert partner["database_vpc_endpoint_service"] == env["databaseVpcEndpointService"]
    assert partner["webserver_vpc_endpoint_service"] == env["webserverVpcEndpointService"]
    assert "database_vpc_endpoint_service" not in plans["prod-data"].outputs["ingest-prod"]


def test_flow_logs_are_encrypted_with_the_stack_key_when_the_spec_says_so(plans):
    plan = plans["prod-data"]
    key = plan.one("aws:kms/key:Key", name="stack-key")
    assert key.inputs["enableKeyRotation"] is True
    group = plan.one("aws:cloudwatch/logGroup:LogGroup", name="flow-logs")
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    # The key lets CloudWatch Logs use it for this account's log groups.
    sids = {s["Sid"] for s in json.loads(key.inputs["policy"])["Statement"]}
    assert "CloudWatchLogsUse" in sids


def test_the_partner_stack_brings_its_key_and_bucket(plans):
    plan = plans["partner-eu"]
    key = "arn:aws:kms:eu-central-1:999988887777:key/2f6c1a0e-8d3b-4c57-9e41-7a5b0c3d2e19"
    bucket = "arn:aws:s3:::partner-integrations-airflow-eu-central-1"
    assert not [r for r in plan.resources if r.type.startswith(("aws:kms/", "aws:s3/"))]
    env = plan.one(MWAA).inputs
    assert (env["kmsKey"], env["sourceBucketArn"]) == (key, bucket)
    (base,) = [json.loads(p.inputs["policy"]) for p in plan.of_type("aws:iam/policy:Policy")]
    statements = {s["Sid"]: s for s in base["Statement"]}
    assert statements["UseEnvironmentKey"]["Resource"] == key
    # The role reads only the environment's folder of the shared bucket (bucket.prefix).
    assert statements["ReadDagBucket"]["Resource"] == [bucket, f"{bucket}/partner-stage/*"]
    assert {g.inputs["kmsKeyId"] for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup")} == {key}
    assert plan.outputs["partner-stage"]["owner_requirements"]["key"]["key_arn"] == key


def test_customer_endpoint_management_says_the_stack_waits_for_the_owner(plans):
    warnings = [d.message for d in plans["partner-eu"].diagnostics if d.severity == "warning"]
    (warning,) = [w for w in warnings if "endpoint_management is customer" in w]
    assert "partner-stage" in warning and "create-vpc-endpoint" in warning and "vpc-0a1b2c3d4e5f60718" in warning
