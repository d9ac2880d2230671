"""The recording monitor answers each registration without the SDK's (asynchronous) serializer,
and runs on the event loop's thread instead of an executor thread: both are pinned here against
what Pulumi's own mock monitor would have answered."""

from __future__ import annotations

import asyncio
import threading

import pulumi
import pulumi_aws as aws
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import rpc

from mwaaform.plan import engine
from mwaaform.plan.engine import run_program
from mwaaform.plan.monitor import RecordingMonitor, answer
from mwaaform.program import build_stack


def _sdk_serialized(state: dict) -> object:
    # Pulumi's MockMonitor serializes the state with the SDK's coroutine on a loop of its own.
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(rpc.serialize_properties(state, {}))))
    thread.start()
    thread.join()
    return result[0]


class _Comparing(RecordingMonitor):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.compared = 0
        self.threads: set[int] = set()

    def RegisterResource(self, request):  # noqa: N802
        self.threads.add(threading.get_ident())
        response = super().RegisterResource(request)
        registration = self.resources.get(response.urn)
        if registration is not None:
            assert response.object == _sdk_serialized(registration.state), response.urn
            self.compared += 1
        return response


@pytest.fixture
def comparing(monkeypatch):
    made: list[_Comparing] = []

    def factory(*args, **kwargs):
        made.append(_Comparing(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(engine, "RecordingMonitor", factory)
    return made


@pytest.mark.parametrize("preview", [False, True], ids=["plan", "first-preview"])
def test_every_example_answer_is_what_the_sdk_serializer_writes(example_stacks, comparing, preview):
    for stack in example_stacks.values():
        plan = run_program(
            lambda stack=stack: build_stack(stack),
            stack=stack.name,
            account_id=stack.spec.account.id,
            region=stack.spec.account.region,
            preview=preview,
        )
        monitor = comparing[-1]
        # Every resource but the stack itself was answered, and compared.
        assert monitor.compared == len(plan.resources) - 1 > 10
        # On the program's own thread: no executor hop per registration.
        assert monitor.threads == {threading.get_ident()}


def test_values_the_mocks_add_are_plain_json_or_refused():
    sent = struct_pb2.Struct()
    sent["name"] = "kept"
    inputs = {"name": "kept"}
    state = {**inputs, "arn": "arn:aws:sns:us-east-1:111122223333:kept", "count": 2, "tags": {"a": "b", "gone": None}, "unset": None}
    wire = answer(sent, inputs, state)
    assert wire == _sdk_serialized(state)
    with pytest.raises(TypeError, match="'asset'"):
        answer(sent, inputs, {**inputs, "asset": pulumi.StringAsset("x")})


def test_a_failing_monitor_call_fails_the_plan_with_its_own_error():
    # The inline executor hands the monitor's exception to the SDK as an executor would.
    def program() -> None:
        aws.s3.get_bucket(bucket="somebody-elses")  # a cloud look-up: refused offline

    with pytest.raises(engine.CloudLookupError, match="getBucket"):
        run_program(program)
