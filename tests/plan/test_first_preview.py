"""``run_program(preview=True)``: the first ``pulumi preview`` of a new stack, where the provider
knows a new resource's inputs (and its autonamed name) but none of its computed outputs."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from mwaaform.plan.engine import UNKNOWN, run_program


def program() -> None:
    topic = aws.sns.Topic("alarms")  # autonamed: the name is known before the topic exists
    key = aws.kms.Key("key", enable_key_rotation=True)
    aws.sns.TopicPolicy(
        "alarms",
        arn=topic.arn,
        policy=pulumi.Output.json_dumps({"Statement": [{"Effect": "Allow", "Resource": topic.arn}]}),
    )
    aws.cloudwatch.LogGroup("logs", name=topic.name.apply(lambda n: f"/x/{n}"), kms_key_id=key.arn, retention_in_days=30)
    pulumi.export("topic", topic.arn)


def test_outputs_of_new_resources_are_unknown_inputs_and_names_are_not():
    plan = run_program(program, preview=True)
    policy = plan.one("aws:sns/topicPolicy:TopicPolicy")
    assert policy.inputs["arn"] == UNKNOWN and policy.inputs["policy"] == UNKNOWN  # built from the ARN
    logs = plan.one("aws:cloudwatch/logGroup:LogGroup")
    assert logs.inputs["kmsKeyId"] == UNKNOWN
    assert logs.inputs["name"].startswith("/x/alarms-") and logs.inputs["retentionInDays"] == 30
    assert plan.outputs["topic"] == UNKNOWN
    # Property dependencies are recorded all the same: rules link resources through them.
    assert policy.property_dependencies["arn"] == [plan.one("aws:sns/topic:Topic").urn]


def test_without_preview_every_value_is_known():
    plan = run_program(program)
    assert UNKNOWN not in json.dumps([r.inputs for r in plan.resources])
    assert plan.one("aws:sns/topicPolicy:TopicPolicy").inputs["arn"].startswith("arn:aws:sns:us-east-1:111122223333:alarms-")


def test_plan_stack_reviews_the_first_preview_only_when_asked(monkeypatch):
    from pathlib import Path

    from mwaaform.plan import run as plan_run
    from mwaaform.plan.review import SKIPPED, Finding
    from mwaaform.spec.loader import load

    (stack,) = load([Path(__file__).resolve().parents[2] / "environments" / "partner-eu.yaml"]).stacks
    passes: list[bool] = []
    real_run, real_review = plan_run.run_program, plan_run.review

    def run_program(*args, **kwargs):
        passes.append(kwargs["preview"])
        return real_run(*args, **kwargs)

    def review(plan, config=None):
        # A rule that reads an id: skipped where the first preview leaves it unknown.
        unknown = UNKNOWN in json.dumps([r.inputs for r in plan.resources])
        return real_review(plan, config) + ([Finding(SKIPPED, "reads-an-id", "urn", "can't run during preview")] if unknown else [])

    monkeypatch.setattr(plan_run, "run_program", run_program)
    monkeypatch.setattr(plan_run, "review", review)
    assert [f for f in plan_run.plan_stack(stack).violations if f.level == SKIPPED] == []
    assert passes == [False]
    skipped = [f for f in plan_run.plan_stack(stack, first_preview=True).violations if f.level == SKIPPED]
    assert passes == [False, False, True]
    assert [f.policy for f in skipped] == ["reads-an-id"]
