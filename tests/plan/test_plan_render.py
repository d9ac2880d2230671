"""Renderers: the `pulumi preview --json`-shaped digest and the readable tree."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from mwaaform.plan.engine import run_program
from mwaaform.plan.render import SHOWN_PROPERTIES, preview_json, render_tree


class Net(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:network:Network", name, None, opts)
        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(parent=self))
        aws.ec2.Subnet(
            f"{name}-private-us-east-1a",
            vpc_id=vpc.id,
            cidr_block="10.0.0.0/19",
            availability_zone="us-east-1a",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


def program() -> None:
    provider = aws.Provider("aws", region="us-east-1")
    Net("net", opts=pulumi.ResourceOptions(provider=provider))
    logs = aws.cloudwatch.LogGroup(
        "task-logs",
        name="airflow-dev-Task",
        retention_in_days=731,
        opts=pulumi.ResourceOptions(provider=provider, protect=True, retain_on_delete=True),
    )
    aws.iam.Policy(
        "policy",
        name="dev-exec",
        policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    aws.secretsmanager.SecretVersion(
        "token", secret_id="s", secret_string=pulumi.Output.secret("hunter2"), opts=pulumi.ResourceOptions(provider=provider)
    )
    pulumi.export("logGroup", logs.name)
    pulumi.export("retention", logs.retention_in_days)


def test_tree_shows_the_hierarchy_key_properties_flags_count_and_exports():
    text = render_tree(run_program(program, stack="dev"), "dev")
    assert text == (
        "Previewing update (dev):\n"
        "    + pulumi:pulumi:Stack mwaaform-dev\n"
        "        + pulumi:providers:aws aws\n"
        '              region: "us-east-1"\n'
        "        + mwaaform:network:Network net\n"
        "            + aws:ec2/vpc:Vpc net-vpc\n"
        '                  cidrBlock: "10.0.0.0/16"\n'
        "            + aws:ec2/subnet:Subnet net-private-us-east-1a\n"
        '                  cidrBlock: "10.0.0.0/19"\n'
        '                  availabilityZone: "us-east-1a"\n'
        "        + aws:cloudwatch/logGroup:LogGroup task-logs [protected] [retain]\n"
        '              name: "airflow-dev-Task"\n'
        "              retentionInDays: 731\n"
        "        + aws:iam/policy:Policy policy\n"
        '              name: "dev-exec"\n'
        "        + aws:secretsmanager/secretVersion:SecretVersion token\n"
        "\n"
        "Outputs:\n"
        '    logGroup : "airflow-dev-Task"\n'
        "    retention: 731\n"
        "\n"
        "Resources:\n"
        "    + 8 to create\n"
    )


def test_tree_never_dumps_policy_documents():
    text = render_tree(run_program(program), "test")
    assert "s3:GetObject" not in text
    assert "policy" not in SHOWN_PROPERTIES["aws:iam/policy:Policy"]


def test_tree_in_color_marks_creates_green():
    text = render_tree(run_program(program), "test", color=True)
    assert "\x1b[32m+\x1b[0m aws:ec2/vpc:Vpc net-vpc" in text
    assert "\x1b[" not in render_tree(run_program(program), "test")


def test_tree_shows_a_secret_only_masked():
    def secret_program() -> None:
        aws.ec2.Vpc("v", cidr_block=pulumi.Output.secret("10.9.0.0/16"))

    text = render_tree(run_program(secret_program), "test")
    assert 'cidrBlock: "[secret]"' in text and "10.9.0.0" not in text


def test_preview_json_has_the_shape_of_pulumi_preview_json():
    plan = run_program(program, stack="dev", config={"aws:region": "us-east-1"})
    document = preview_json(plan, "dev")
    assert set(document) == {"stack", "config", "steps", "outputs", "diagnostics", "changeSummary"}
    assert document["stack"] == "dev"
    assert document["config"] == {"aws:region": "us-east-1"}
    assert document["changeSummary"] == {"create": len(plan.resources)} == {"create": 8}
    assert all(step["op"] == "create" for step in document["steps"])
    assert [s["urn"] for s in document["steps"]] == [r.urn for r in plan.resources]

    root = document["steps"][0]["newState"]
    assert root["type"] == "pulumi:pulumi:Stack" and root["parent"] is None and root["custom"] is False
    assert root["outputs"] == document["outputs"] == {"logGroup": "airflow-dev-Task", "retention": 731}

    by_type = {s["newState"]["type"]: s for s in document["steps"]}
    logs = by_type["aws:cloudwatch/logGroup:LogGroup"]
    provider = plan.one("pulumi:providers:aws")
    assert logs["provider"] == logs["newState"]["provider"] == f"{provider.urn}::{provider.id}"
    assert logs["newState"]["protect"] is True and logs["newState"]["retainOnDelete"] is True
    assert logs["newState"]["inputs"] == {"name": "airflow-dev-Task", "retentionInDays": 731}
    assert {"urn", "type", "custom", "parent", "provider", "inputs", "protect", "retainOnDelete", "dependencies"} <= set(
        logs["newState"]
    )
    subnet = by_type["aws:ec2/subnet:Subnet"]["newState"]
    vpc_urn = plan.one("aws:ec2/vpc:Vpc").urn
    assert subnet["dependencies"] == [vpc_urn]
    assert subnet["propertyDependencies"] == {"vpcId": [vpc_urn]}
    json.dumps(document)  # serialisable as is


def adopting_program() -> None:
    provider = aws.Provider("aws", region="us-east-1")
    aws.cloudwatch.LogGroup("task", name="airflow-e-Task", opts=pulumi.ResourceOptions(provider=provider, import_="airflow-e-Task"))
    aws.mwaa.Environment(
        "e",
        name="e",
        dag_s3_path="dags",
        execution_role_arn="arn:aws:iam::111122223333:role/r",
        source_bucket_arn="arn:aws:s3:::b",
        network_configuration={"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
        opts=pulumi.ResourceOptions(provider=provider, custom_timeouts=pulumi.CustomTimeouts(create="3h", update="1.5h", delete="90m")),
    )


def test_preview_json_has_import_steps_and_timeouts_in_seconds_as_the_cli_does():
    plan = run_program(adopting_program, stack="dev")
    document = preview_json(plan, "dev")
    steps = {s["newState"]["type"]: s for s in document["steps"]}
    task = steps["aws:cloudwatch/logGroup:LogGroup"]
    assert task["op"] == "import" and task["newState"]["importID"] == "airflow-e-Task"
    assert "customTimeouts" not in task["newState"]
    env = steps["aws:mwaa/environment:Environment"]
    assert env["op"] == "create" and "importID" not in env["newState"]
    # apitype.ResourceV3.customTimeouts: seconds (Go float64), keys create/update/delete.
    assert env["newState"]["customTimeouts"] == {"create": 10800, "update": 5400, "delete": 5400}
    # Stack, provider and environment are created; the log group is imported.
    assert document["changeSummary"] == {"create": 3, "import": 1}
    assert '"customTimeouts": {"create": 10800,' in json.dumps(document)


def test_tree_marks_an_import_with_its_id_and_shows_timeouts_among_the_flags():
    text = render_tree(run_program(adopting_program, stack="dev"), "dev")
    assert "        = aws:cloudwatch/logGroup:LogGroup task import airflow-e-Task\n" in text
    assert "        + aws:mwaa/environment:Environment e [timeouts: create 3h, update 1.5h, delete 90m]\n" in text
    assert text.endswith("Resources:\n    + 3 to create\n    = 1 to import\n")
    colored = render_tree(run_program(adopting_program, stack="dev"), "dev", color=True)
    assert "\x1b[94m=\x1b[0m aws:cloudwatch/logGroup:LogGroup task \x1b[94mimport airflow-e-Task\x1b[0m" in colored


def test_preview_json_masks_secrets_as_the_cli_does():
    document = preview_json(run_program(program), "test")
    token = next(s for s in document["steps"] if s["newState"]["type"] == "aws:secretsmanager/secretVersion:SecretVersion")
    assert token["newState"]["inputs"]["secretString"] == "[secret]"
    assert "hunter2" not in json.dumps(document)


def test_preview_json_carries_diagnostics():
    def warns() -> None:
        pulumi.log.warn("deprecated setting")

    document = preview_json(run_program(warns), "test")
    assert document["diagnostics"] == [{"severity": "warning", "message": "deprecated setting"}]
