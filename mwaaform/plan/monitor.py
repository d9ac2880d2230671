"""The recording monitor: Pulumi's mock monitor, plus a record of every registration.

It also refuses cloud look-ups (provider functions, ``Resource.get``): plans must not make any.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks, rpc
from pulumi.runtime.proto import resource_pb2

from mwaaform.plan.durations import timeout_seconds
from mwaaform.plan.mock_state import StateFactory, first_preview_state
from mwaaform.plan.model import STACK_TYPE, CloudLookupError, RecordedResource
from mwaaform.plan.wire import decode_struct, jsonable, plain


class Mocks(pulumi.runtime.Mocks):
    def __init__(self, states: StateFactory, lookups: list[str], preview: bool = False):
        self.states = states
        self.lookups = lookups
        self.preview = preview
        # The URN being registered: the monitor sets it because MockResourceArgs does not carry it
        # (registrations reach the monitor one at a time, on the event loop's thread).
        self.urn: str | None = None

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        urn = self.urn or f"{self.states.stack}::{args.typ}::{args.name}"
        resource_id, state = self.states.make(args, urn)
        if self.preview and args.custom and not args.typ.startswith("pulumi:providers:"):
            return first_preview_state(args.typ, args.inputs, state)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        self.lookups.append(args.token)
        raise CloudLookupError(args.token)


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The mock monitor, plus a record of every registration and of the stack's outputs."""

    def __init__(self, mocks: Mocks, project: str, stack: str):
        super().__init__(mocks)
        self.project = project
        self.stack = stack
        # URN -> position in the program's declaration order. Registrations reach the monitor in
        # the order their inputs resolve (a resource waiting on another's outputs comes later);
        # the declaration order (recorded synchronously as each resource is constructed) is the
        # order of the program's text, which a plan follows.
        self.declared: dict[str, int] = {}
        self._qualified: dict[int, tuple[Any, str]] = {}
        self.taggable: set[str] = set()
        self.order: list[str] = []
        self.records: dict[str, dict[str, Any]] = {}
        self.stack_outputs: dict[str, Any] | None = None

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return urn_of(self.project, self.stack, qualified_type(parent.split("::")[2] if parent else "", type_), name)

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        inputs, secrets = decode_struct(request.object)
        urn = self.make_urn(request.parent, request.type, request.name)
        record = {
            "urn": urn,
            "type": request.type,
            "name": request.name,
            "custom": bool(request.custom),
            "inputs": inputs,
            "parent": request.parent or None,
            "provider": request.provider or None,
            "protect": bool(request.protect),
            "retain_on_delete": bool(request.retainOnDelete),
            # The SDK collects dependencies in sets; sorted, plans do not vary with PYTHONHASHSEED.
            "dependencies": sorted(set(request.dependencies)),
            "property_dependencies": {
                key: sorted(set(deps.urns)) for key, deps in sorted(request.propertyDependencies.items()) if deps.urns
            },
            "delete_before_replace": bool(request.deleteBeforeReplace),
            "ignore_changes": list(request.ignoreChanges),  # program order: a list in the SDK
            "secret_inputs": secrets,
            "import_id": request.importId or None,
            "custom_timeouts": custom_timeouts(request, urn),
        }
        self.order.append(urn)
        self.records[urn] = record
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        # As MockMonitor.RegisterResource, except for the answer: the SDK's serializer is a
        # coroutine (the mock monitor runs an event loop per call to drive it), while the state the
        # mocks answer with is the inputs plus plain values, so the inputs go back as they came.
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=rpc.deserialize_properties(request.object),
            provider=request.provider,
            resource_id=request.importId,
            custom=bool(request.custom),
            transforms=pulumi_mocks._resolve_callbacks(request.transforms) if request.transforms else [],
        )
        self.mocks.urn = urn
        try:
            resource_id, state = self.mocks.new_resource(args)
        finally:
            self.mocks.urn = None
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=answer(request.object, args.inputs, state))

    def ReadResource(self, request):  # noqa: N802 - gRPC method name
        # `Resource.get(...)` and StackReference read existing state from the cloud or a backend.
        token = f"read of {request.type} {request.id!r}"
        self.mocks.lookups.append(token)
        raise CloudLookupError(token)

    def RegisterResourceOutputs(self, request):  # noqa: N802 - gRPC method name
        if request.urn.split("::")[2] == STACK_TYPE:
            outputs = plain(json_format.MessageToDict(request.outputs))
            # set_mocks registers the root's (empty) outputs before the program runs, and that
            # call may arrive after the final one: an empty registration never replaces exports.
            if outputs or self.stack_outputs is None:
                self.stack_outputs = outputs
        return super().RegisterResourceOutputs(request)

    def declare(self, args: pulumi.ResourceTransformationArgs) -> None:
        """A stack transformation that changes nothing and notes each resource's URN and rank."""
        parent = args.opts.parent if args.opts is not None else None
        parent_type = STACK_TYPE if parent is None else self._qualified.get(id(parent), (None, STACK_TYPE))[1]
        qualified = qualified_type(parent_type, args.type_)
        self._qualified[id(args.resource)] = (args.resource, qualified)
        urn = urn_of(self.project, self.stack, qualified, args.name)
        self.declared.setdefault(urn, len(self.declared))
        # pulumi-aws gives every taggable resource a `tags_all` output: the provider's default
        # tags merged with the resource's own.
        if hasattr(type(args.resource), "tags_all"):
            self.taggable.add(urn)

    def recorded(self) -> list[RecordedResource]:
        result = []
        arrival = {urn: i for i, urn in enumerate(self.order)}
        ranked = sorted(self.order, key=lambda u: (u.split("::")[2] != STACK_TYPE, self.declared.get(u, len(self.declared)), arrival[u]))
        for urn in ranked:
            record = self.records[urn]
            registration = self.resources.get(urn)
            outputs: dict[str, Any] = {}
            resource_id = None
            if registration is not None:
                outputs = jsonable(registration.state)
                resource_id = registration.id or None
            elif record["type"] == STACK_TYPE:
                outputs = dict(self.stack_outputs or {})
            if urn in self.taggable:
                outputs["tagsAll"] = {**_default_tags(self.records, record["provider"]), **(record["inputs"].get("tags") or {})}
            result.append(RecordedResource(outputs=outputs, id=resource_id, **record))
        return result


def custom_timeouts(request: resource_pb2.RegisterResourceRequest, urn: str) -> dict[str, str]:
    """The request's non-empty create/update/delete timeouts (the SDK sends "" for one not set)."""
    if not request.HasField("customTimeouts"):
        return {}
    sent = request.customTimeouts
    timeouts = {op: value for op in ("create", "update", "delete") if (value := getattr(sent, op))}
    try:
        timeout_seconds(timeouts)
    except ValueError as error:  # the engine refuses the registration, so does the plan
        raise ValueError(f"{urn}: {error} (a Go duration such as 90m or 3h)") from None
    return timeouts


def answer(sent: struct_pb2.Struct, inputs: Mapping[str, Any], state: Mapping[str, Any]) -> struct_pb2.Struct:
    """The wire form of ``state``: what was ``sent`` for the values kept from ``inputs``, the rest
    (ids, ARNs, names, the first preview's unknowns) set as plain JSON values, as the SDK's
    serializer writes them (a top-level ``None`` left out, a nested one kept as null)."""
    result = struct_pb2.Struct()
    for key, value in state.items():
        if key in inputs and value is inputs[key]:
            result.fields[key].CopyFrom(sent.fields[key])
        elif value is not None:
            result[key] = _plain_json(value, key)
    return result


def _plain_json(value: Any, key: str) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain_json(v, key) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain_json(v, key) for k, v in value.items()}
    raise TypeError(f"mock state {key!r}: {type(value).__name__} is not a plain JSON value")


def _default_tags(records: dict[str, dict[str, Any]], provider: str | None) -> dict[str, str]:
    """The ``default_tags`` of the provider reference ``urn::id`` (providers send objects as JSON)."""
    record = records.get(provider.rsplit("::", 1)[0]) if provider else None
    value = (record or {}).get("inputs", {}).get("defaultTags")
    if isinstance(value, str):
        value = json.loads(value)
    tags = (value or {}).get("tags") if isinstance(value, dict) else None
    return dict(tags or {})


def qualified_type(parent_type: str, type_: str) -> str:
    # As the engine builds URNs: children of the root stack have their bare type, deeper
    # resources their parent's qualified type, "$", their own (pulumi sdk/go/common/resource/urn.go).
    if not parent_type or parent_type == STACK_TYPE or type_ == STACK_TYPE:
        return type_
    return f"{parent_type}${type_}"


def urn_of(project: str, stack: str, qualified: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"

