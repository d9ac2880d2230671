"""The environment component passes every argument to aws.mwaa.Environment unchanged."""

from __future__ import annotations

import pulumi_aws as aws

from components.environment import AirflowEnvironment, AirflowEnvironmentArgs, LogSetting, S3Object
from mwaaform.plan.engine import run_program

MWAA = "aws:mwaa/environment:Environment"


def args(**overrides) -> AirflowEnvironmentArgs:
    values = dict(
        name="analytics-dev",
        environment_class="mw1.small",
        airflow_version="2.10.3",
        min_workers=1,
        max_workers=4,
        schedulers=2,
        min_webservers=2,
        max_webservers=3,
        webserver_access_mode="PRIVATE_ONLY",
        endpoint_management="SERVICE",
        execution_role_arn="arn:aws:iam::111122223333:role/r",
        source_bucket_arn="arn:aws:s3:::airflow-b",
        dag_s3_path="dags",
        subnet_ids=["subnet-1", "subnet-2"],
        security_group_ids=["sg-1"],
        logging={"task_logs": LogSetting(True, "INFO"), "scheduler_logs": LogSetting(False, "WARNING")},
        tags={"Environment": "dev", "Team": "analytics"},
    )
    values.update(overrides)
    return AirflowEnvironmentArgs(**values)


def test_every_argument_reaches_the_resource():
    plan = run_program(
        lambda: AirflowEnvironment(
            "analytics-dev",
            args(
                kms_key="arn:aws:kms:us-east-1:111122223333:key/k",
                airflow_configuration_options={"core.default_task_retries": "2"},
                requirements=S3Object("requirements.txt", "v1"),
                weekly_maintenance_window_start="SUN:02:00",
            ),
        )
    )
    env = plan.one(MWAA)
    i = env.inputs
    assert (i["name"], i["environmentClass"], i["airflowVersion"]) == ("analytics-dev", "mw1.small", "2.10.3")
    assert (i["minWorkers"], i["maxWorkers"], i["schedulers"], i["minWebservers"], i["maxWebservers"]) == (1, 4, 2, 2, 3)
    assert (i["webserverAccessMode"], i["endpointManagement"]) == ("PRIVATE_ONLY", "SERVICE")
    assert i["networkConfiguration"] == {"subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"]}
    assert i["loggingConfiguration"] == {
        "taskLogs": {"enabled": True, "logLevel": "INFO"},
        "schedulerLogs": {"enabled": False, "logLevel": "WARNING"},
    }
    assert (i["requirementsS3Path"], i["requirementsS3ObjectVersion"]) == ("requirements.txt", "v1")
    assert "pluginsS3Path" not in i and "startupScriptS3Path" not in i
    assert i["kmsKey"].endswith(":key/k") and i["weeklyMaintenanceWindowStart"] == "SUN:02:00"
    assert i["airflowConfigurationOptions"] == {"core.default_task_retries": "2"}
    assert i["tags"] == {"Name": "analytics-dev", "Environment": "dev", "Team": "analytics"}
    component = plan.one("mwaaform:environment:AirflowEnvironment")
    assert env.parent == component.urn


def test_depends_on_is_passed():
    def program():
        first = aws.cloudwatch.LogGroup("dep", name="airflow-e-Task")
        AirflowEnvironment("e", args(depends_on=[first]))

    plan = run_program(program)
    dep = plan.one("aws:cloudwatch/logGroup:LogGroup")
    assert dep.urn in plan.one(MWAA).dependencies


def test_custom_timeouts_reach_the_resource():
    timed = run_program(lambda: AirflowEnvironment("analytics-dev", args(timeouts=("3h", "4h", "90m")))).one(MWAA)
    assert timed.custom_timeouts == {"create": "3h", "update": "4h", "delete": "90m"}
    assert run_program(lambda: AirflowEnvironment("analytics-dev", args())).one(MWAA).custom_timeouts == {}
