"""Offline plan engine: run the real Pulumi program in-process under Pulumi's mock runtime.

Every registration is recorded with its options and its inputs (engine camelCase, plain JSON
values); the mocks answer with deterministic, realistic ids and state derived from the account,
the region and a hash of the URN, so the same program always gives the same plan.

Mock runtime API: https://www.pulumi.com/docs/iac/guides/testing/unit/
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import massage, run_pulumi_func

STACK_TYPE = "pulumi:pulumi:Stack"
UNKNOWN = "[unknown]"

_log = logging.getLogger(__name__)


class CloudLookupError(RuntimeError):
    """The program looked at the cloud (``aws.get_*``, ``Resource.get``): plans must not."""

    def __init__(self, token: str):
        what = token if token.startswith("read of ") else f"the provider function {token!r}"
        super().__init__(
            f"the program made a cloud look-up ({what}); the offline plan forbids cloud "
            "look-ups: take account, region and availability zones from the spec instead"
        )
        self.token = token


@dataclass(frozen=True)
class RecordedResource:
    """One resource registration as the engine would receive it."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    id: str | None
    parent: str | None
    provider: str | None
    protect: bool = False
    retain_on_delete: bool = False
    # Every resource this one waits for: explicit depends_on and those its inputs come from
    # (what the engine records as "dependencies"); property_dependencies maps each input key
    # to the resources its value came from.
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    # Top-level input keys holding secret values (preview_json masks them as the CLI does).
    secret_inputs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "info", "warning" or "error"
    message: str


class _DiagnosticsHandler(logging.Handler):
    def __init__(self) -> None:
        # Debug messages are the SDK's own tracing; the CLI leaves them out of previews too.
        super().__init__(logging.INFO)
        self.records: list[Diagnostic] = []

    def emit(self, record: logging.LogRecord) -> None:
        severity = {"WARNING": "warning", "ERROR": "error", "CRITICAL": "error"}.get(record.levelname, "info")
        self.records.append(Diagnostic(severity, record.getMessage()))


@dataclass(frozen=True)
class Plan:
    """What one run of a program would create."""

    project: str
    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    # Messages the program logged (pulumi.log.*, SDK deprecation warnings), as the CLI would show.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The stack configuration the program ran with (fully qualified keys).
    config: dict[str, str] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> RecordedResource:
        """The single resource of this type (and logical name, if given)."""
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            wanted = type_ if name is None else f"{type_} named {name!r}"
            raise AssertionError(f"expected exactly one {wanted}, found {len(found)}; {type_} names in plan: {names}")
        return found[0]

    def children_of(self, urn: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == urn]

    def by_urn(self, urn: str) -> RecordedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)


# ---------------------------------------------------------------------------------------------
# Deterministic ids and state


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _uuid_like(h: str) -> str:
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


# EC2 id prefixes, as in the EC2 API reference ("vpc-0123456789abcdef0" style: 17 hex digits).
_EC2_PREFIXES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}

# EC2 resource types whose ARN is arn:aws:ec2:{region}:{account}:{kind}/{id}.
_EC2_ARN_KINDS: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "security-group",
    "aws:ec2/internetGateway:InternetGateway": "internet-gateway",
    "aws:ec2/routeTable:RouteTable": "route-table",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpc-endpoint",
    "aws:ec2/flowLog:FlowLog": "vpc-flow-log",
    "aws:ec2/networkAcl:NetworkAcl": "network-acl",
    "aws:ec2/natGateway:NatGateway": "natgateway",
    "aws:ec2/eip:Eip": "elastic-ip",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security-group-rule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security-group-rule",
}

# Types whose physical name Pulumi auto-names ("{logical}-{7 hex}") when the input is absent:
# https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming
_AUTONAMED: dict[str, str] = {
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:sns/topic:Topic": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:mwaa/environment:Environment": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:sqs/queue:Queue": "name",
}

_S3_OBJECT_TYPES = {"aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"}


class _StateFactory:
    """Realistic, deterministic (id, state) for a registration."""

    def __init__(self, account_id: str, region: str, project: str, stack: str):
        self.account = account_id
        self.region = region
        self.project = project
        self.stack = stack

    def make(self, args: pulumi_mocks.MockResourceArgs, urn: str) -> tuple[str, dict[str, Any]]:
        """``urn`` seeds every random-looking part, so equal programs give equal plans."""
        typ, name = args.typ, args.name
        h = _digest(urn)
        state: dict[str, Any] = dict(args.inputs)
        autoname = f"{name}-{h[:7]}"
        if typ in _AUTONAMED and not state.get(_AUTONAMED[typ]):
            value = autoname.lower() if typ.startswith("aws:s3/") else autoname
            state[_AUTONAMED[typ]] = value

        if typ.startswith("pulumi:providers:"):
            return _uuid_like(h), state
        if not args.custom:
            return "", state

        acct, region = self.account, self.region
        resource_id = f"{name}-{h[:7]}"

        if typ in _EC2_PREFIXES:
            resource_id = f"{_EC2_PREFIXES[typ]}-0{h[:16]}"
            state["ownerId"] = acct
        if typ in _EC2_ARN_KINDS:
            state["arn"] = f"arn:aws:ec2:{region}:{acct}:{_EC2_ARN_KINDS[typ]}/{resource_id}"

        if typ == "aws:ec2/vpc:Vpc":
            state.update(
                defaultSecurityGroupId=f"sg-0{h[16:32]}",
                defaultRouteTableId=f"rtb-0{h[16:32]}",
                mainRouteTableId=f"rtb-0{h[16:32]}",
                defaultNetworkAclId=f"acl-0{h[16:32]}",
            )
        elif typ == "aws:ec2/eip:Eip":
            # 198.51.100.0/24 is TEST-NET-2 (RFC 5737): never a real address.
            state.update(allocationId=resource_id, publicIp=f"198.51.100.{int(h[:2], 16) % 254 + 1}", domain="vpc")
        elif typ == "aws:ec2/natGateway:NatGateway":
            state.setdefault("connectivityType", "public")
        elif typ == "aws:ec2/vpcEndpoint:VpcEndpoint":
            state.setdefault("vpcEndpointType", "Gateway")
            if state["vpcEndpointType"] == "Gateway":
                state["prefixListId"] = f"pl-{h[16:24]}"
            state["state"] = "available"
        elif typ == "aws:iam/role:Role":
            path = state.get("path") or "/"
            resource_id = state["name"]
            state.update(
                arn=f"arn:aws:iam::{acct}:role{path}{state['name']}",
                path=path,
                uniqueId="AROA" + h[:17].upper(),
            )
        elif typ == "aws:iam/policy:Policy":
            path = state.get("path") or "/"
            state.update(arn=f"arn:aws:iam::{acct}:policy{path}{state['name']}", path=path, policyId="ANPA" + h[:17].upper())
            resource_id = state["arn"]
        elif typ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            bucket = state["bucket"]
            resource_id = bucket
            state.update(
                arn=f"arn:aws:s3:::{bucket}",
                bucketDomainName=f"{bucket}.s3.amazonaws.com",
                bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com",
                region=region,
            )
        elif typ in _S3_OBJECT_TYPES:
            resource_id = str(state.get("key", resource_id))
            # A new version per content, as S3 does: a changed file shows as a changed version id.
            etag = _etag(state.get("source"), h)
            state.update(etag=etag, versionId=_version_id(_digest(urn, etag)))
        elif typ == "aws:kms/key:Key":
            resource_id = _uuid_like(h)
            state.update(keyId=resource_id, arn=f"arn:aws:kms:{region}:{acct}:key/{resource_id}")
        elif typ == "aws:kms/alias:Alias":
            alias = state.get("name") or f"alias/{autoname}"
            resource_id = alias
            state.update(name=alias, arn=f"arn:aws:kms:{region}:{acct}:{alias}")
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            # pulumi-aws v7 reports the log group ARN without the trailing ":*".
            resource_id = state["name"]
            state["arn"] = f"arn:aws:logs:{region}:{acct}:log-group:{state['name']}"
        elif typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            resource_id = state["name"]
            state["arn"] = f"arn:aws:cloudwatch:{region}:{acct}:alarm:{state['name']}"
        elif typ == "aws:sns/topic:Topic":
            state["arn"] = f"arn:aws:sns:{region}:{acct}:{state['name']}"
            resource_id = state["arn"]
        elif typ == "aws:secretsmanager/secret:Secret":
            # Secrets Manager appends a hyphen and six random characters to the secret name.
            state["arn"] = f"arn:aws:secretsmanager:{region}:{acct}:secret:{state['name']}-{h[:6]}"
            resource_id = state["arn"]
        elif typ == "aws:mwaa/environment:Environment":
            env = state["name"]
            resource_id = env
            cell = int(h[8:10], 16) % 4 + 1
            state.update(
                arn=f"arn:aws:airflow:{region}:{acct}:environment/{env}",
                webserverUrl=f"{_uuid_like(h)}.c{cell}.{region}.airflow.amazonaws.com",
                status="AVAILABLE",
                serviceRoleArn=f"arn:aws:iam::{acct}:role/aws-service-role/airflow.amazonaws.com/AWSServiceRoleForAmazonMWAA",
                webserverVpcEndpointService=f"com.amazonaws.vpce.{region}.vpce-svc-0{h[32:48]}",
                databaseVpcEndpointService=f"com.amazonaws.vpce.{region}.vpce-svc-0{h[48:64]}",
            )
        state["id"] = resource_id
        return resource_id, state


def first_preview_state(type_: str, inputs: Mapping[str, Any], state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What the engine knows of a resource still to be created, during its first ``pulumi preview``.

    The provider's preview of a create returns the checked inputs (autonaming has filled in the
    physical name) and marks every other output, the id included, as unknown; every value
    computed from those outputs is unknown too, so the rules see exactly what a real first
    preview shows them.
    """
    known = set(inputs)
    if type_ in _AUTONAMED:
        known.add(_AUTONAMED[type_])
    return "", {key: (value if key in known else rpc.UNKNOWN) for key, value in state.items() if key != "id"}


def _etag(source: Any, h: str) -> str:
    # For a single-part upload without SSE-KMS, S3's ETag is the MD5 of the content, so it
    # changes with the file; otherwise fall back to the URN hash.
    path = getattr(source, "path", None)
    if isinstance(path, str) and os.path.isfile(path):
        with open(path, "rb") as handle:
            return hashlib.md5(handle.read()).hexdigest()  # noqa: S324 - mirrors S3's ETag, not security
    text = getattr(source, "text", None)
    if isinstance(text, str):
        return hashlib.md5(text.encode()).hexdigest()  # noqa: S324
    return h[:32]


def _version_id(h: str) -> str:
    # S3 version ids are 32 URL-safe characters.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
    n = int(h, 16)
    chars = []
    for _ in range(32):
        n, r = divmod(n, len(alphabet))
        chars.append(alphabet[r])
    return "".join(chars)


# ---------------------------------------------------------------------------------------------
# Plain-JSON decoding of the wire format (secrets, assets, resource references, unknowns)


def _plain(value: Any, secret_found: list[bool] | None = None) -> Any:
    """Decode a wire value (from ``MessageToDict`` of a protobuf Struct) into plain JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return UNKNOWN if value == rpc.UNKNOWN else value
    if isinstance(value, list):
        return [_plain(v, secret_found) for v in value]
    if not isinstance(value, dict):
        return value
    sig = value.get(rpc._special_sig_key)
    if sig == rpc._special_secret_sig:
        if secret_found is not None:
            secret_found.append(True)
        return _plain(value.get("value"), secret_found)
    if sig == rpc._special_asset_sig:
        return {"$asset": _asset_fields(value)}
    if sig == rpc._special_archive_sig:
        fields = _asset_fields(value)
        if "assets" in value:
            fields = {"assets": {k: _plain(v, secret_found) for k, v in sorted(value["assets"].items())}}
        return {"$archive": fields}
    if sig == rpc._special_resource_sig:
        # The engine hands AWS resources the referenced resource's id (its urn for components).
        return value.get("id") or value.get("urn")
    if sig == rpc._special_output_value_sig:
        if value.get("secret") and secret_found is not None:
            secret_found.append(True)
        return _plain(value["value"], secret_found) if "value" in value else UNKNOWN
    return {k: _plain(value[k], secret_found) for k in sorted(value)}


def _asset_fields(value: Mapping[str, Any]) -> dict[str, Any]:
    if "path" in value:
        return {"path": _relative(value["path"])}
    if "text" in value:
        return {"text": value["text"]}
    if "uri" in value:
        return {"uri": value["uri"]}
    return {}


def _relative(path: str) -> str:
    """Paths relative to the working directory, so plans do not depend on the checkout location."""
    if not os.path.isabs(path):
        return path.replace(os.sep, "/")
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _decode_struct(struct: Any) -> tuple[dict[str, Any], list[str]]:
    raw = json_format.MessageToDict(struct)
    inputs: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in sorted(raw.items()):
        found: list[bool] = []
        inputs[key] = _plain(value, found)
        if found:
            secrets.append(key)
    return inputs, secrets


# ---------------------------------------------------------------------------------------------
# Runtime hooks


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, states: _StateFactory, lookups: list[str], preview: bool = False):
        self.states = states
        self.lookups = lookups
        self.preview = preview
        # The monitor sets the URN being registered here (per thread: registrations run on the
        # event loop's executor threads) because MockResourceArgs does not carry it.
        self.current = threading.local()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        urn = getattr(self.current, "urn", None) or f"{self.states.stack}::{args.typ}::{args.name}"
        resource_id, state = self.states.make(args, urn)
        if self.preview and args.custom and not args.typ.startswith("pulumi:providers:"):
            return first_preview_state(args.typ, args.inputs, state)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        self.lookups.append(args.token)
        raise CloudLookupError(args.token)


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """The mock monitor, plus a record of every registration and of the stack's outputs."""

    def __init__(self, mocks: _Mocks, project: str, stack: str):
        super().__init__(mocks)
        self.project = project
        self.stack = stack
        # URN -> position in the program's declaration order. Registrations reach the monitor from
        # the event loop's executor threads in an order that can vary from run to run; the
        # declaration order (recorded synchronously as each resource is constructed) does not.
        self.declared: dict[str, int] = {}
        self._qualified: dict[int, tuple[Any, str]] = {}
        self.order: list[str] = []
        self.records: dict[str, dict[str, Any]] = {}
        self.stack_outputs: dict[str, Any] | None = None
        self._lock = threading.Lock()
        # MockMonitor makes an event loop in each executor thread that calls it and never closes
        # it; collected at interpreter exit, such a loop prints "Exception ignored ... Invalid file
        # descriptor". The monitor makes them itself, and run_program closes them.
        self.thread_loops: list[asyncio.AbstractEventLoop] = []

    def _ensure_thread_loop(self) -> None:
        if threading.current_thread() is threading.main_thread():
            return
        try:
            asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            with self._lock:
                self.thread_loops.append(loop)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return _urn(self.project, self.stack, _qualified_type(parent.split("::")[2] if parent else "", type_), name)

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        self._ensure_thread_loop()
        inputs, secrets = _decode_struct(request.object)
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
        }
        with self._lock:
            self.order.append(urn)
            self.records[urn] = record
        self.mocks.current.urn = urn
        try:
            return super().RegisterResource(request)
        finally:
            self.mocks.current.urn = None

    def ReadResource(self, request):  # noqa: N802 - gRPC method name
        # `Resource.get(...)` and StackReference read existing state from the cloud or a backend.
        token = f"read of {request.type} {request.id!r}"
        self.mocks.lookups.append(token)
        raise CloudLookupError(token)

    def RegisterResourceOutputs(self, request):  # noqa: N802 - gRPC method name
        self._ensure_thread_loop()
        if request.urn.split("::")[2] == STACK_TYPE:
            outputs = _plain(json_format.MessageToDict(request.outputs))
            # set_mocks registers the root's (empty) outputs before the program runs, and that
            # call may arrive after the final one: an empty registration never replaces exports.
            with self._lock:
                if outputs or self.stack_outputs is None:
                    self.stack_outputs = outputs
        return super().RegisterResourceOutputs(request)

    def declare(self, args: pulumi.ResourceTransformationArgs) -> None:
        """A stack transformation that changes nothing and notes each resource's URN and rank."""
        parent = args.opts.parent if args.opts is not None else None
        parent_type = STACK_TYPE if parent is None else self._qualified.get(id(parent), (None, STACK_TYPE))[1]
        qualified = _qualified_type(parent_type, args.type_)
        self._qualified[id(args.resource)] = (args.resource, qualified)
        self.declared.setdefault(_urn(self.project, self.stack, qualified, args.name), len(self.declared))

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
                outputs = _jsonable(registration.state)
                resource_id = registration.id or None
            elif record["type"] == STACK_TYPE:
                outputs = dict(self.stack_outputs or {})
            result.append(RecordedResource(outputs=outputs, id=resource_id, **record))
        return result


def _qualified_type(parent_type: str, type_: str) -> str:
    # As the engine builds URNs: children of the root stack have their bare type, deeper
    # resources their parent's qualified type, "$", their own (pulumi sdk/go/common/resource/urn.go).
    if not parent_type or parent_type == STACK_TYPE or type_ == STACK_TYPE:
        return type_
    return f"{parent_type}${type_}"


def _urn(project: str, stack: str, qualified_type: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{qualified_type}::{name}"


def _jsonable(value: Any) -> Any:
    """Mock state (python objects the mocks returned) as plain JSON."""
    if isinstance(value, Mapping):
        if rpc.is_rpc_secret(value):
            return _jsonable(rpc.unwrap_rpc_secret(value))
        return {str(k): _jsonable(value[k]) for k in sorted(value) if value[k] is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, pulumi.FileAsset) or isinstance(value, pulumi.FileArchive):
        key = "$asset" if isinstance(value, pulumi.Asset) else "$archive"
        return {key: {"path": _relative(value.path)}}
    if isinstance(value, pulumi.StringAsset):
        return {"$asset": {"text": value.text}}
    if isinstance(value, (pulumi.RemoteAsset, pulumi.RemoteArchive)):
        key = "$asset" if isinstance(value, pulumi.Asset) else "$archive"
        return {key: {"uri": value.uri}}
    if isinstance(value, pulumi.AssetArchive):
        return {"$archive": {"assets": {k: _jsonable(v) for k, v in sorted(value.assets.items())}}}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def run_program(
    program: Callable[[], Any],
    *,
    project: str = "mwaaform",
    stack: str = "test",
    account_id: str = "111122223333",
    region: str = "us-east-1",
    config: Mapping[str, Any] | None = None,
    preview: bool = False,
) -> Plan:
    """Run ``program`` under Pulumi's mocks and return what it would create.

    ``config`` keys may be bare (``key``, qualified with the project) or fully qualified
    (``aws:region``). Raises ``CloudLookupError`` if the program invoked a provider function, and
    re-raises whatever the program (or one of its ``apply`` callbacks) raised.

    ``preview=True`` runs it as the first ``pulumi preview`` of a new stack: outputs that only
    exist once a resource is created (ids, ARNs, computed attributes) are unknown, recorded as
    ``UNKNOWN`` in the inputs that use them (see :func:`first_preview_state`).
    """
    lookups: list[str] = []
    mocks = _Mocks(_StateFactory(account_id, region, project, stack), lookups, preview)
    monitor = _RecordingMonitor(mocks, project, stack)
    full_config = {(k if ":" in k else f"{project}:{k}"): _config_value(v) for k, v in (config or {}).items()}

    # The engine's log messages go to the plan, not to the root logger (whose last-resort
    # handler would print them on stderr).
    handler = _DiagnosticsHandler()
    logger = logging.Logger(f"mwaaform.plan.{stack}", logging.INFO)
    logger.addHandler(handler)
    # A fresh context isolates the runtime's context variables (settings, root stack, config)
    # from the caller and from the previous run; a fresh event loop, closed afterwards, keeps
    # its executor threads and self-pipe from leaking into the next run or into interpreter exit.
    context = contextvars.Context()
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_unretrieved)
    try:
        context.run(_run, program, project, stack, full_config, mocks, monitor, logger, loop, preview)
    except BaseException as exc:
        if lookups and not isinstance(exc, CloudLookupError):
            raise CloudLookupError(lookups[0]) from exc
        raise
    finally:
        _close(loop)
        for thread_loop in monitor.thread_loops:
            thread_loop.close()
    if lookups:
        raise CloudLookupError(lookups[0])
    return Plan(
        project=project,
        stack=stack,
        resources=monitor.recorded(),
        outputs=monitor.stack_outputs or {},
        diagnostics=handler.records,
        config=dict(sorted(full_config.items())),
    )


def _quiet_unretrieved(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # When a program fails, the SDK fails every output future of the resources it was building;
    # nobody awaits them, and asyncio would print each one to stderr when it is collected. The
    # run already raised the first error, so these echoes are only logged at debug level.
    if "never retrieved" in context.get("message", ""):
        _log.debug("%s: %r", context["message"], context.get("exception"))
        return
    loop.default_exception_handler(context)


def _config_value(value: Any) -> str:
    # The engine passes configuration as strings; structured values as JSON.
    return value if isinstance(value, str) else json.dumps(value)


def _run(
    program: Callable[[], Any],
    project: str,
    stack: str,
    config: dict[str, str],
    mocks: _Mocks,
    monitor: _RecordingMonitor,
    logger: logging.Logger,
    loop: asyncio.AbstractEventLoop,
    preview: bool = False,
) -> None:
    asyncio.set_event_loop(loop)
    # Fresh settings (own RPC manager, pending-outputs set, lock, package refs) and no root
    # stack yet; set_mocks then installs the mock monitor and registers a new root stack.
    pulumi_settings.reset_options(project=project, stack=stack, preview=preview)
    pulumi.runtime.set_all_config(config, [])
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, logger=logger, monitor=monitor)
    root = pulumi_settings.get_root_resource()

    def declare(args: pulumi.ResourceTransformationArgs) -> None:
        monitor.declare(args)
        return None

    pulumi.runtime.register_stack_transformation(declare)

    def main() -> None:
        program()
        # set_mocks registered the root stack's (empty) outputs before the program ran; register
        # the exports now, as the CLI's entry point does once the program returns.
        root.register_outputs(massage(root.outputs, []))

    loop.run_until_complete(run_pulumi_func(main))


def _close(loop: asyncio.AbstractEventLoop) -> None:
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
