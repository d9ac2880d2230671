"""EnvironmentAlarms and FlowLogs, run through the offline engine: what AWS would be asked to create."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.alarms import EnvironmentAlarms, EnvironmentAlarmsArgs, subscription_name
from components.flow_logs import FlowLogs, FlowLogsArgs
from mwaaform.alarms import alarm_definitions
from mwaaform.plan.engine import run_program
from mwaaform.spec.alarms import Alarms

ACCOUNT, REGION = "111122223333", "eu-west-1"
ENV = "ingest-prod"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:{ENV}-alarms"
COMPONENT = "mwaaform:alarms:EnvironmentAlarms"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def alarms_args(**overrides) -> EnvironmentAlarmsArgs:
    spec = Alarms(enabled=True, emails=["ops@example.com"])
    values = dict(
        env_name=ENV,
        account_id=ACCOUNT,
        region=REGION,
        definitions=alarm_definitions(ENV, spec),
        topic_arn=None,
        emails=["ops@example.com"],
        https_endpoints=["https://hooks.example.com/mwaa"],
        kms_key_arn=KEY,
        tags={"Environment": "prod", "Team": "ingest"},
    )
    values.update(overrides)
    return EnvironmentAlarmsArgs(**values)


def plan_alarms(args: EnvironmentAlarmsArgs):
    def program():
        component = EnvironmentAlarms(f"{ENV}-alarms", args)
        pulumi.export("topic_arn", component.topic_arn)

    return run_program(program, account_id=ACCOUNT, region=REGION)


def test_created_topic_is_encrypted_with_the_environment_key():
    plan = plan_alarms(alarms_args())
    topic = plan.one(SNS_TOPIC)
    assert topic.inputs["name"] == f"{ENV}-alarms"
    assert topic.inputs["kmsMasterKeyId"] == KEY
    assert topic.inputs["tags"] == {"Name": f"{ENV}-alarms", "Environment": "prod", "Team": "ingest"}
    assert plan.outputs["topic_arn"] == TOPIC


def test_without_a_customer_key_the_topic_never_uses_the_aws_managed_sns_key():
    """CloudWatch cannot publish to a topic under alias/aws/sns (its key policy cannot be changed).
    https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services"""
    topic = plan_alarms(alarms_args(kms_key_arn=None)).one(SNS_TOPIC)
    assert "kmsMasterKeyId" not in topic.inputs


def test_topic_policy_lets_only_this_accounts_cloudwatch_alarms_publish():
    plan = plan_alarms(alarms_args())
    policy_resource = plan.one(SNS_POLICY)
    assert policy_resource.inputs["arn"] == TOPIC
    assert plan.one(SNS_TOPIC).urn in policy_resource.dependencies
    document = json.loads(policy_resource.inputs["policy"])
    allows = [s for s in document["Statement"] if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in allows] == [{"Service": "cloudwatch.amazonaws.com"}]
    assert allows[0]["Action"] == "sns:Publish" and allows[0]["Resource"] == TOPIC
    assert allows[0]["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert allows[0]["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ENV}-*"}


def test_one_subscription_per_endpoint():
    plan = plan_alarms(alarms_args(emails=["ops@example.com", "oncall@example.com"]))
    subscriptions = {(s.inputs["protocol"], s.inputs["endpoint"]): s for s in plan.of_type(SUBSCRIPTION)}
    assert set(subscriptions) == {
        ("email", "ops@example.com"),
        ("email", "oncall@example.com"),
        ("https", "https://hooks.example.com/mwaa"),
    }
    assert all(s.inputs["topic"] == TOPIC for s in subscriptions.values())


def test_subscription_names_do_not_depend_on_list_order():
    """Reordering the e-mails must not delete and recreate (and re-confirm) subscriptions."""
    first = plan_alarms(alarms_args(emails=["a@example.com", "b@example.com"]))
    second = plan_alarms(alarms_args(emails=["b@example.com", "a@example.com"]))
    names = lambda plan: {s.inputs["endpoint"]: s.name for s in plan.of_type(SUBSCRIPTION)}  # noqa: E731
    assert names(first) == names(second)
    assert names(first)["a@example.com"] == subscription_name(f"{ENV}-alarms", "email", "a@example.com")


def test_lookalike_endpoints_get_distinct_names():
    assert subscription_name("x", "email", "a.b@example.com") != subscription_name("x", "email", "a-b@example.com")


def test_every_definition_becomes_an_alarm_that_notifies_the_topic():
    args = alarms_args()
    plan = plan_alarms(args)
    alarms = {a.inputs["name"]: a.inputs for a in plan.of_type(ALARM)}
    assert sorted(alarms) == sorted(d.name for d in args.definitions)
    for definition in args.definitions:
        i = alarms[definition.name]
        assert (i["namespace"], i["metricName"], i["dimensions"]) == (
            definition.namespace, definition.metric_name, definition.dimensions)
        assert (i["statistic"], i["period"], i["evaluationPeriods"], i["datapointsToAlarm"]) == (
            definition.statistic, definition.period, definition.evaluation_periods, definition.datapoints_to_alarm)
        assert (i["threshold"], i["comparisonOperator"], i["treatMissingData"]) == (
            definition.threshold, definition.comparison_operator, definition.treat_missing_data)
        assert i["alarmActions"] == [TOPIC] and i["okActions"] == [TOPIC]
        assert i["actionsEnabled"] is True and i["alarmDescription"] == definition.description


def test_heartbeat_alarm_as_aws_receives_it():
    alarm = plan_alarms(alarms_args()).one(ALARM, name=f"{ENV}-alarms-scheduler-heartbeat")
    i = alarm.inputs
    assert i["name"] == "ingest-prod-scheduler-heartbeat"
    assert (i["namespace"], i["metricName"]) == ("AmazonMWAA", "SchedulerHeartbeat")
    assert i["dimensions"] == {"Function": "Scheduler", "Environment": ENV}
    assert (i["statistic"], i["comparisonOperator"], i["threshold"], i["treatMissingData"]) == (
        "Sum", "LessThanThreshold", 1, "breaching")


def test_all_children_belong_to_the_component():
    plan = plan_alarms(alarms_args())
    component = plan.one(COMPONENT)
    children = {r.urn for r in plan.children_of(component.urn)}
    created = [r for r in plan.resources if r.type in (SNS_TOPIC, SNS_POLICY, SUBSCRIPTION, ALARM)]
    assert created and {r.urn for r in created} == children


def test_existing_topic_is_notified_and_left_alone():
    existing = f"arn:aws:sns:{REGION}:444455556666:central-alarms"
    plan = plan_alarms(alarms_args(topic_arn=existing, emails=[], https_endpoints=[], kms_key_arn=None))
    assert plan.of_type(SNS_TOPIC) == [] and plan.of_type(SNS_POLICY) == [] and plan.of_type(SUBSCRIPTION) == []
    assert all(a.inputs["alarmActions"] == [existing] == a.inputs["okActions"] for a in plan.of_type(ALARM))
    assert plan.outputs["topic_arn"] == existing


def test_existing_topic_with_subscriptions_is_refused():
    with pytest.raises(ValueError, match="only created on a topic mwaaform creates"):
        plan_alarms(alarms_args(topic_arn=TOPIC))


def test_no_definitions_means_no_alarms():
    plan = plan_alarms(alarms_args(definitions=[]))
    assert plan.of_type(ALARM) == []


# --- flow logs ------------------------------------------------------------------------------

FLOW = "mwaaform:network:FlowLogs"
GROUP_NAME = "/mwaaform/vpc-flow-logs/data-prod"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{GROUP_NAME}"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"


def flow_args(**overrides) -> FlowLogsArgs:
    values = dict(
        vpc_id="vpc-0123456789abcdef0",
        account_id=ACCOUNT,
        region=REGION,
        retention_days=365,
        traffic_type="REJECT",
        kms_key_arn=KEY,
        tags={"Environment": "prod"},
        role_path="/mwaa/",
        permissions_boundary_arn=BOUNDARY,
        protect=True,
        retain_on_delete=True,
        log_group_name=GROUP_NAME,
    )
    values.update(overrides)
    return FlowLogsArgs(**values)


def plan_flow_logs(args: FlowLogsArgs):
    return run_program(lambda: FlowLogs("flow-logs", args), account_id=ACCOUNT, region=REGION)


def test_log_group_retention_key_and_protection():
    group = plan_flow_logs(flow_args()).one("aws:cloudwatch/logGroup:LogGroup")
    assert (group.inputs["name"], group.inputs["retentionInDays"], group.inputs["kmsKeyId"]) == (GROUP_NAME, 365, KEY)
    assert group.protect and group.retain_on_delete and group.inputs["skipDestroy"] is True


def test_retained_without_protection():
    group = plan_flow_logs(flow_args(protect=False)).one("aws:cloudwatch/logGroup:LogGroup")
    assert not group.protect and group.retain_on_delete


def test_unprotected_log_group():
    group = plan_flow_logs(flow_args(protect=False, retain_on_delete=False, kms_key_arn=None, log_group_name=None)).one(
        "aws:cloudwatch/logGroup:LogGroup"
    )
    assert not group.protect and not group.retain_on_delete
    assert "kmsKeyId" not in group.inputs
    assert group.inputs["name"] == "/mwaaform/vpc-flow-logs/flow-logs"


def test_role_trusts_only_this_accounts_flow_logs():
    role = plan_flow_logs(flow_args()).one("aws:iam/role:Role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc-flow-log/*"}
    assert (role.inputs["path"], role.inputs["permissionsBoundary"]) == ("/mwaa/", BOUNDARY)


def test_role_may_only_write_its_own_log_group():
    plan = plan_flow_logs(flow_args())
    policy = plan.one("aws:iam/rolePolicy:RolePolicy")
    document = json.loads(policy.inputs["policy"])
    scoped = [s for s in document["Statement"] if s["Resource"] != "*"]
    unscoped = [s for s in document["Statement"] if s["Resource"] == "*"]
    assert [s["Resource"] for s in scoped] == [[GROUP_ARN, f"{GROUP_ARN}:log-stream:*"]]
    assert [s["Action"] for s in unscoped] == ["logs:DescribeLogGroups"]
    assert plan.one("aws:iam/role:Role").urn in policy.dependencies


def test_flow_log_delivers_to_the_group_with_the_role():
    plan = plan_flow_logs(flow_args())
    flow_log = plan.one("aws:ec2/flowLog:FlowLog")
    i = flow_log.inputs
    assert (i["vpcId"], i["trafficType"], i["logDestinationType"]) == ("vpc-0123456789abcdef0", "REJECT", "cloud-watch-logs")
    assert i["logDestination"] == GROUP_ARN
    assert i["iamRoleArn"] == plan.one("aws:iam/role:Role").outputs["arn"]
    # The role's permissions exist before delivery starts.
    assert plan.one("aws:iam/rolePolicy:RolePolicy").urn in flow_log.dependencies


def test_flow_logs_children_belong_to_the_component():
    plan = plan_flow_logs(flow_args())
    component = plan.one(FLOW)
    assert {r.type for r in plan.children_of(component.urn)} == {
        "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:ec2/flowLog:FlowLog"}
