"""Offline, the SDK's capture of the Python stack at each registration is skipped (the mock
monitor drops it; it cost up to 14 % of a plan), and the SDK is left as it was afterwards."""

from __future__ import annotations

import pulumi_aws as aws
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime.proto import source_pb2

from mwaaform.plan.engine import run_program


def test_no_stack_capture_while_a_program_runs_and_the_sdk_restored_after(monkeypatch):
    calls: list[int] = []

    def capture() -> source_pb2.StackTrace:
        calls.append(1)
        return source_pb2.StackTrace()

    monkeypatch.setattr(pulumi_resource, "_get_stack_trace", capture)
    plan = run_program(lambda: aws.sns.Topic("alarms"))
    assert plan.one("aws:sns/topic:Topic").name == "alarms"
    assert calls == []
    assert pulumi_resource._get_stack_trace is capture
