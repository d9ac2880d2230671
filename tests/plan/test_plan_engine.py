"""The offline engine: what it records, what it synthesizes, and how it isolates runs."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from mwaaform.plan.engine import CloudLookupError, Plan, run_program
from mwaaform.plan.render import preview_json

ACCOUNT = "444455556666"
REGION = "eu-west-1"


class Net(pulumi.ComponentResource):
    """A tiny component: a VPC and one subnet, as the real network component wires them."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.1.0.0/16", enable_dns_hostnames=True, opts=child)
        self.subnet = aws.ec2.Subnet(
            f"{name}-private-eu-west-1a",
            vpc_id=self.vpc.id,
            cidr_block="10.1.0.0/20",
            availability_zone="eu-west-1a",
            opts=child,
        )
        self.register_outputs({"vpcId": self.vpc.id})


def net_program() -> None:
    provider = aws.Provider("aws", region=REGION)
    net = Net("net", opts=pulumi.ResourceOptions(provider=provider))
    pulumi.export("vpcId", net.vpc.id)
    pulumi.export("subnets", [net.subnet.id])


def plan_of(program, **kwargs) -> Plan:
    kwargs.setdefault("account_id", ACCOUNT)
    kwargs.setdefault("region", REGION)
    return run_program(program, **kwargs)


def test_every_registration_is_recorded_with_its_parent_and_provider():
    plan = plan_of(net_program, stack="dev")
    root = plan.one("pulumi:pulumi:Stack")
    provider = plan.one("pulumi:providers:aws")
    component = plan.one("mwaaform:network:Network")
    vpc = plan.one("aws:ec2/vpc:Vpc")
    subnet = plan.one("aws:ec2/subnet:Subnet")

    assert [r.type for r in plan.resources] == [
        "pulumi:pulumi:Stack",
        "pulumi:providers:aws",
        "mwaaform:network:Network",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
    ]
    assert root.name == "mwaaform-dev" and root.parent is None
    assert provider.parent == component.parent == root.urn
    assert vpc.parent == subnet.parent == component.urn
    assert plan.children_of(component.urn) == [vpc, subnet]
    # Children inherit the component's provider; the reference is "<provider urn>::<id>".
    assert vpc.provider == subnet.provider == f"{provider.urn}::{provider.id}"
    assert not component.custom and vpc.custom and vpc.id
    # URNs are built as the engine builds them: root children bare, deeper ones qualified.
    assert component.urn == "urn:pulumi:dev::mwaaform::mwaaform:network:Network::net"
    assert vpc.urn == "urn:pulumi:dev::mwaaform::mwaaform:network:Network$aws:ec2/vpc:Vpc::net-vpc"


def test_inputs_are_engine_camel_case_plain_values():
    plan = plan_of(net_program)
    subnet = plan.one("aws:ec2/subnet:Subnet")
    vpc = plan.one("aws:ec2/vpc:Vpc")
    assert vpc.inputs == {"cidrBlock": "10.1.0.0/16", "enableDnsHostnames": True}
    assert subnet.inputs == {"availabilityZone": "eu-west-1a", "cidrBlock": "10.1.0.0/20", "vpcId": vpc.id}
    assert re.fullmatch(r"vpc-0[0-9a-f]{16}", vpc.id)
    assert re.fullmatch(r"subnet-0[0-9a-f]{16}", subnet.id)
    # The subnet waits for the VPC because its vpcId comes from it.
    assert subnet.dependencies == [vpc.urn]
    assert subnet.property_dependencies == {"vpcId": [vpc.urn]}
    json.dumps([r.inputs for r in plan.resources])  # plain JSON throughout


def test_stack_exports_are_resolved_plain_values():
    plan = plan_of(net_program)
    vpc, subnet = plan.one("aws:ec2/vpc:Vpc"), plan.one("aws:ec2/subnet:Subnet")
    assert plan.outputs == {"vpcId": vpc.id, "subnets": [subnet.id]}


def _arn_program() -> None:
    doc = json.dumps({"Version": "2012-10-17", "Statement": []})
    role = aws.iam.Role("exec", path="/service-role/", assume_role_policy=doc)
    named = aws.iam.Role("named", name="my-role", assume_role_policy=doc)
    policy = aws.iam.Policy("pol", policy=doc)
    bucket = aws.s3.Bucket("dags")
    key = aws.kms.Key("key")
    logs = aws.cloudwatch.LogGroup("logs", name="airflow-dev-Task", retention_in_days=30)
    topic = aws.sns.Topic("alerts", name="alerts")
    alarm = aws.cloudwatch.MetricAlarm(
        "alarm", name="dev-queue", comparison_operator="GreaterThanThreshold", evaluation_periods=1
    )
    env = aws.mwaa.Environment(
        "env",
        name="dev",
        dag_s3_path="dags",
        execution_role_arn=role.arn,
        source_bucket_arn=bucket.arn,
        network_configuration={"security_group_ids": ["sg-1"], "subnet_ids": ["subnet-1", "subnet-2"]},
    )
    pulumi.export("arns", [role.arn, named.arn, policy.arn, bucket.arn, key.arn, logs.arn, topic.arn, alarm.arn, env.arn])


def test_synthesized_arns_use_the_given_account_and_region():
    plan = plan_of(_arn_program)
    out = {r.name: r.outputs for r in plan.resources}
    exec_name = plan.one("aws:iam/role:Role", "exec").outputs["name"]
    assert out["exec"]["arn"] == f"arn:aws:iam::{ACCOUNT}:role/service-role/{exec_name}"
    assert out["named"]["arn"] == f"arn:aws:iam::{ACCOUNT}:role/my-role"
    assert out["pol"]["arn"] == f"arn:aws:iam::{ACCOUNT}:policy/{out['pol']['name']}"
    assert out["dags"]["arn"] == f"arn:aws:s3:::{out['dags']['bucket']}"
    assert out["dags"]["bucketRegionalDomainName"] == f"{out['dags']['bucket']}.s3.{REGION}.amazonaws.com"
    assert re.fullmatch(rf"arn:aws:kms:{REGION}:{ACCOUNT}:key/[0-9a-f-]{{36}}", out["key"]["arn"])
    assert out["key"]["arn"].endswith(out["key"]["keyId"])
    # pulumi-aws v7: the log group ARN has no trailing ":*".
    assert out["logs"]["arn"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:airflow-dev-Task"
    assert out["alerts"]["arn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
    assert out["alarm"]["arn"] == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:dev-queue"
    env = out["env"]
    assert env["arn"] == f"arn:aws:airflow:{REGION}:{ACCOUNT}:environment/dev"
    assert re.fullmatch(rf"[0-9a-f-]{{36}}\.c\d\.{REGION}\.airflow\.amazonaws\.com", env["webserverUrl"])
    assert env["status"] == "AVAILABLE"
    # Outputs flow into inputs: the environment received the role's and the bucket's ARNs.
    env_inputs = plan.one("aws:mwaa/environment:Environment").inputs
    assert env_inputs["executionRoleArn"] == out["exec"]["arn"]
    assert env_inputs["sourceBucketArn"] == out["dags"]["arn"]
    assert plan.outputs["arns"][0] == out["exec"]["arn"]


def test_missing_physical_names_are_auto_named_like_pulumi():
    plan = plan_of(_arn_program)
    assert re.fullmatch(r"exec-[0-9a-f]{7}", plan.one("aws:iam/role:Role", "exec").outputs["name"])
    assert plan.one("aws:iam/role:Role", "named").outputs["name"] == "my-role"
    assert re.fullmatch(r"dags-[0-9a-f]{7}", plan.one("aws:s3/bucket:Bucket").outputs["bucket"])
    # The auto-name is an output only: inputs stay what the program declared.
    assert "name" not in plan.one("aws:iam/role:Role", "exec").inputs


def test_same_program_gives_identical_plans():
    first = plan_of(_arn_program, stack="dev")
    second = plan_of(_arn_program, stack="dev")
    assert json.dumps(preview_json(first, "dev"), sort_keys=True) == json.dumps(preview_json(second, "dev"), sort_keys=True)
    assert [(r.urn, r.id, r.outputs) for r in first.resources] == [(r.urn, r.id, r.outputs) for r in second.resources]


def test_stacks_planned_in_one_process_do_not_leak_into_each_other():
    def only_bucket() -> None:
        aws.s3.Bucket("b")

    big = plan_of(_arn_program, stack="one")
    small = plan_of(only_bucket, stack="two")
    assert [r.type for r in small.resources] == ["pulumi:pulumi:Stack", "aws:s3/bucket:Bucket"]
    assert all(r.urn.startswith("urn:pulumi:two::mwaaform::") for r in small.resources)
    assert small.outputs == {}
    assert len(big.resources) == 10  # the stack and the nine resources _arn_program declares
    # Names differ per stack, as Pulumi's random suffixes would.
    assert small.one("aws:s3/bucket:Bucket").outputs["bucket"] != plan_of(only_bucket, stack="one").one("aws:s3/bucket:Bucket").outputs["bucket"]


def test_a_cloud_lookup_fails_the_plan_naming_the_function():
    def looks_up() -> None:
        aws.get_caller_identity()

    with pytest.raises(CloudLookupError, match="getCallerIdentity"):
        run_program(looks_up)


def test_a_cloud_lookup_fails_the_plan_even_if_the_program_swallows_the_error():
    def swallows() -> None:
        try:
            aws.get_availability_zones()
        except Exception:  # noqa: BLE001 - the point of the test
            pass
        aws.s3.Bucket("b")

    with pytest.raises(CloudLookupError, match="getAvailabilityZones"):
        run_program(swallows)


def test_an_interrupt_after_a_swallowed_lookup_stays_an_interrupt():
    # Ctrl-C while the plan runs (here in an apply) ends it as an interrupt, whatever was looked up
    # before. (An error the program itself raises gives way to the look-up's in the SDK.)
    def stop(_: object) -> None:
        raise KeyboardInterrupt

    def interrupted() -> None:
        try:
            aws.get_availability_zones()
        except Exception:  # noqa: BLE001 - the point of the test
            pass
        aws.s3.Bucket("b").arn.apply(stop)

    with pytest.raises(KeyboardInterrupt):
        run_program(interrupted)
    assert len(run_program(lambda: aws.s3.Bucket("b")).resources) == 2  # the next plan runs as usual


def test_a_cloud_lookup_inside_an_apply_fails_the_plan():
    def in_apply() -> None:
        vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
        pulumi.export("az", vpc.id.apply(lambda _: aws.get_availability_zones().names))

    with pytest.raises(CloudLookupError):
        run_program(in_apply)


class Broken(pulumi.ComponentResource):
    def __init__(self, name: str):
        super().__init__("mwaaform:test:Broken", name)
        raise ValueError("workers.max must be >= workers.min")


def test_program_exceptions_propagate_with_their_type():
    with pytest.raises(ValueError, match="workers.max"):
        run_program(lambda: Broken("x"))


def test_exceptions_inside_apply_propagate_with_their_type():
    def bad() -> None:
        vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
        pulumi.export("x", vpc.id.apply(lambda _: {}["missing"]))

    with pytest.raises(KeyError, match="missing"):
        run_program(bad)


def test_a_failed_run_leaves_nothing_behind_for_the_next():
    with pytest.raises(ValueError):
        run_program(lambda: (aws.s3.Bucket("left-over"), Broken("x")))
    plan = run_program(lambda: aws.s3.Bucket("fresh"))
    assert [r.name for r in plan.resources if r.custom] == ["fresh"]


def test_resource_options_are_recorded():
    def program() -> None:
        role = aws.iam.Role("role", assume_role_policy="{}", opts=pulumi.ResourceOptions(protect=True))
        aws.s3.Bucket(
            "bucket",
            opts=pulumi.ResourceOptions(
                retain_on_delete=True, depends_on=[role], delete_before_replace=True, ignore_changes=["tags"]
            ),
        )

    plan = run_program(program)
    role, bucket = plan.one("aws:iam/role:Role"), plan.one("aws:s3/bucket:Bucket")
    assert role.protect and not role.retain_on_delete
    assert bucket.retain_on_delete and not bucket.protect
    assert bucket.dependencies == [role.urn]
    assert bucket.delete_before_replace
    assert bucket.ignore_changes == ["tags"]
    assert not role.delete_before_replace and role.ignore_changes == [] and role.dependencies == []


def test_import_ids_and_custom_timeouts_are_recorded_as_the_program_wrote_them():
    def program() -> None:
        aws.cloudwatch.LogGroup("adopted", name="airflow-e-Task", opts=pulumi.ResourceOptions(import_="airflow-e-Task"))
        aws.cloudwatch.LogGroup(
            "timed", name="t", opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="3h", delete="1h30m"))
        )
        aws.cloudwatch.LogGroup("plain", name="p")

    plan = run_program(program)
    adopted, timed, plain = (plan.one("aws:cloudwatch/logGroup:LogGroup", n) for n in ("adopted", "timed", "plain"))
    assert adopted.import_id == "airflow-e-Task" and adopted.custom_timeouts == {}
    # Only the operations given: the SDK sends "" for update, which is no timeout.
    assert timed.custom_timeouts == {"create": "3h", "delete": "1h30m"} and timed.import_id is None
    assert plain.import_id is None and plain.custom_timeouts == {}


def test_a_timeout_the_engine_cannot_parse_fails_the_plan_naming_the_resource():
    def program() -> None:
        aws.s3.Bucket("slow", opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="3 hours")))

    with pytest.raises(ValueError, match=r"aws:s3/bucket:Bucket::slow: unable to parse customTimeout Value 3 hours"):
        run_program(program)


def test_file_assets_are_recorded_relative_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "dags").mkdir()
    dag = tmp_path / "dags" / "hello.py"
    dag.write_text("print('hi')\n")
    monkeypatch.chdir(tmp_path)

    def program() -> None:
        bucket = aws.s3.Bucket("dags")
        aws.s3.BucketObjectv2("hello", bucket=bucket.bucket, key="dags/hello.py", source=pulumi.FileAsset(str(dag)))

    obj = run_program(program).one("aws:s3/bucketObjectv2:BucketObjectv2")
    # The content's SHA-256 travels with the path: a changed file is a changed input.
    assert obj.inputs["source"] == {"$asset": {"path": "dags/hello.py", "sha256": hashlib.sha256(b"print('hi')\n").hexdigest()}}
    # S3's ETag of a single-part, non-KMS upload is the MD5 of the content.
    assert obj.outputs["etag"] == hashlib.md5(dag.read_bytes()).hexdigest()  # noqa: S324
    assert re.fullmatch(r"[A-Za-z0-9._]{32}", obj.outputs["versionId"])
    assert obj.id == "dags/hello.py"


def test_config_is_visible_to_the_program():
    def program() -> None:
        pulumi.export("team", pulumi.Config().require("team"))
        pulumi.export("region", pulumi.Config("aws").require("region"))
        pulumi.export("sizes", pulumi.Config().require_object("sizes"))

    plan = run_program(program, config={"team": "data", "aws:region": "eu-west-1", "sizes": [1, 2]})
    assert plan.outputs == {"team": "data", "region": "eu-west-1", "sizes": [1, 2]}
    assert plan.config["mwaaform:team"] == "data"


def test_secret_inputs_are_recorded_plain_and_flagged():
    def program() -> None:
        aws.secretsmanager.SecretVersion("v", secret_id="s", secret_string=pulumi.Output.secret("hunter2"))

    version = run_program(program).one("aws:secretsmanager/secretVersion:SecretVersion")
    assert version.inputs["secretString"] == "hunter2"
    assert version.secret_inputs == ["secretString"]


def test_log_messages_become_diagnostics_not_stderr(capfd):
    def program() -> None:
        pulumi.log.warn("mind the gap")

    plan = run_program(program)
    assert [(d.severity, d.message) for d in plan.diagnostics] == [("warning", "mind the gap")]
    assert capfd.readouterr().err == ""


def test_resources_come_in_declaration_order():
    # The subnet waits for the VPC's id, so it registers after the buckets declared after it;
    # the plan still lists resources as the program declared them, so plans are stable.
    names = [f"b{i}" for i in range(8)]

    def program() -> None:
        Net("net")
        for name in names:
            aws.s3.Bucket(name)

    plan = run_program(program)
    assert [r.name for r in plan.resources] == ["mwaaform-test", "net", "net-vpc", "net-private-eu-west-1a", *names]


def test_one_names_what_it_found():
    plan = run_program(lambda: [aws.s3.Bucket("a"), aws.s3.Bucket("b")])
    with pytest.raises(AssertionError, match=r"found 2.*\['a', 'b'\]"):
        plan.one("aws:s3/bucket:Bucket")
    assert plan.one("aws:s3/bucket:Bucket", name="b").name == "b"


def test_no_event_loop_noise_at_exit_and_same_plan_whatever_the_hash_seed():
    # A failed plan then a good one per process (a failed program leaves failed futures behind);
    # the SDK keeps dependencies in sets, so vary PYTHONHASHSEED too.
    script = textwrap.dedent(
        """
        import json
        import pulumi, pulumi_aws as aws
        from mwaaform.plan.engine import run_program
        from mwaaform.plan.render import preview_json

        def program():
            a, b, c = (aws.s3.Bucket(n) for n in "abc")
            aws.s3.Bucket("d", opts=pulumi.ResourceOptions(depends_on=[c, a, b]))
            pulumi.export("names", [a.bucket, b.bucket])

        def fails():
            vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
            aws.ec2.Subnet("s", vpc_id=vpc.id.apply(lambda _: {}["boom"]), cidr_block="10.0.0.0/24")

        try:
            run_program(fails, stack="one")
        except KeyError:
            pass
        print(json.dumps(preview_json(run_program(program, stack="two"), "two"), sort_keys=True))
        """
    )
    root = Path(__file__).parents[2]
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("1", "2")
    ]
    for result in runs:
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    assert runs[0].stdout == runs[1].stdout
    document = json.loads(runs[0].stdout)
    assert len(document["steps"][-1]["newState"]["dependencies"]) == 3


def test_reading_an_existing_resource_is_a_cloud_lookup():
    with pytest.raises(CloudLookupError, match="aws:s3/bucket:Bucket 'existing-bucket'"):
        run_program(lambda: aws.s3.Bucket.get("imported", "existing-bucket"))


def test_a_replacing_input_gives_a_resource_a_new_id_and_the_change_reaches_its_users():
    def program(cidr: str, tags: dict) -> None:
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", tags=tags)
        aws.ec2.Subnet("a", vpc_id=vpc.id, cidr_block=cidr, availability_zone="us-east-1a")

    base = run_program(lambda: program("10.0.0.0/24", {"Team": "a"}))
    retagged = run_program(lambda: program("10.0.0.0/24", {"Team": "b"}))
    moved = run_program(lambda: program("10.0.1.0/24", {"Team": "a"}))
    subnet = "aws:ec2/subnet:Subnet"
    # A tag is updated in place: same ids. A new CIDR (force-new) is a new subnet: a new id.
    assert retagged.one(subnet).id == base.one(subnet).id
    assert retagged.one("aws:ec2/vpc:Vpc").id == base.one("aws:ec2/vpc:Vpc").id
    assert moved.one(subnet).id != base.one(subnet).id
    assert moved.one("aws:ec2/vpc:Vpc").id == base.one("aws:ec2/vpc:Vpc").id


def test_a_major_airflow_upgrade_changes_the_environment_id_a_minor_one_does_not():
    def program(version: str) -> None:
        aws.mwaa.Environment(
            "env",
            name="env",
            airflow_version=version,
            dag_s3_path="dags/",
            execution_role_arn="arn:aws:iam::111122223333:role/r",
            source_bucket_arn="arn:aws:s3:::b",
            network_configuration={"security_group_ids": ["sg-1"], "subnet_ids": ["subnet-1", "subnet-2"]},
        )

    arns = {v: run_program(lambda v=v: program(v)).one("aws:mwaa/environment:Environment").outputs["webserverUrl"] for v in ("2.9.2", "2.10.3", "3.0.6")}
    assert arns["2.9.2"] == arns["2.10.3"]
    assert arns["3.0.6"] != arns["2.10.3"]


def test_the_providers_default_tags_are_expanded_onto_taggable_resources():
    def program() -> None:
        provider = aws.Provider("aws", region="us-east-1", default_tags={"tags": {"Owner": "team", "Stage": "dev"}})
        opts = pulumi.ResourceOptions(provider=provider)
        aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", tags={"Stage": "prod", "Name": "vpc"}, opts=opts)
        aws.s3.BucketPolicy("policy", bucket="b", policy="{}", opts=opts)

    plan = run_program(program)
    # The resource's own tag wins over the default, as in the provider.
    assert plan.one("aws:ec2/vpc:Vpc").outputs["tagsAll"] == {"Owner": "team", "Stage": "prod", "Name": "vpc"}
    assert "tagsAll" not in plan.one("aws:s3/bucketPolicy:BucketPolicy").outputs
