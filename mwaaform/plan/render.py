"""Plans rendered as `pulumi preview` shows them: a JSON digest, and a readable tree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mwaaform.plan.durations import timeout_seconds
from mwaaform.plan.engine import STACK_TYPE, Plan, RecordedResource

SECRET = "[secret]"

# The inputs worth reading in a tree, per resource type; everything else (ids, documents,
# tags) is in the JSON digest. Add a type here to show its properties.
SHOWN_PROPERTIES: dict[str, tuple[str, ...]] = {
    "pulumi:providers:aws": ("region",),
    "aws:ec2/vpc:Vpc": ("cidrBlock", "enableDnsHostnames", "enableDnsSupport"),
    "aws:ec2/subnet:Subnet": ("cidrBlock", "availabilityZone", "mapPublicIpOnLaunch"),
    "aws:ec2/natGateway:NatGateway": ("connectivityType",),
    "aws:ec2/route:Route": ("destinationCidrBlock",),
    "aws:ec2/securityGroup:SecurityGroup": ("name", "description"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("ipProtocol", "fromPort", "toPort", "cidrIpv4"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("ipProtocol", "fromPort", "toPort", "cidrIpv4"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("serviceName", "vpcEndpointType", "privateDnsEnabled"),
    "aws:ec2/flowLog:FlowLog": ("trafficType", "logDestinationType"),
    "aws:mwaa/environment:Environment": (
        "name",
        "airflowVersion",
        "environmentClass",
        "minWorkers",
        "maxWorkers",
        "schedulers",
        "webserverAccessMode",
    ),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("name", "metricName", "comparisonOperator", "threshold"),
    "aws:s3/bucket:Bucket": ("bucket",),
    "aws:s3/bucketVersioning:BucketVersioning": ("versioningConfiguration",),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": ("key", "source"),
    "aws:iam/role:Role": ("name", "path"),
    "aws:iam/policy:Policy": ("name",),
    "aws:kms/key:Key": ("description", "enableKeyRotation", "deletionWindowInDays"),
    "aws:kms/alias:Alias": ("name",),
    "aws:sns/topic:Topic": ("name",),
}

_GREEN, _BLUE, _YELLOW, _DIM, _RESET = "\x1b[32m", "\x1b[94m", "\x1b[33m", "\x1b[2m", "\x1b[0m"


def operation(resource: RecordedResource) -> str:
    """What `pulumi up` does with a resource of a plan: import one with an import id, create the rest."""
    return "import" if resource.import_id else "create"


def _masked(resource: RecordedResource) -> dict[str, Any]:
    # As `pulumi preview --json` does without --show-secrets.
    return {k: (SECRET if k in resource.secret_inputs else v) for k, v in resource.inputs.items()}


def preview_json(plan: Plan, stack: str) -> dict[str, Any]:
    """The plan in the shape of `pulumi preview --json`: a create step per resource, an import step
    for one with an import id (``importID`` in its new state), ``changeSummary`` counting each op.

    Shape: pulumi/pulumi pkg/backend/display/json.go (ShowPreviewDigest) and apitype.ResourceV3
    (sdk/go/common/apitype/core.go); ``customTimeouts`` as the engine stores them (seconds, keys
    create/update/delete, each left out when zero, the whole left out when empty:
    sdk/go/common/resource/custom_timeouts.go, pkg/resource/stack/deployment.go SerializeResource).
    """
    steps = []
    summary: dict[str, int] = {}
    for resource in plan.resources:
        state: dict[str, Any] = {
            "urn": resource.urn,
            "type": resource.type,
            "custom": resource.custom,
            "parent": resource.parent,
            "provider": resource.provider,
            "inputs": _masked(resource),
            "protect": resource.protect,
            "retainOnDelete": resource.retain_on_delete,
            "dependencies": list(resource.dependencies),
        }
        if resource.property_dependencies:
            state["propertyDependencies"] = {k: list(v) for k, v in resource.property_dependencies.items()}
        if resource.delete_before_replace:
            state["deleteBeforeReplace"] = True
        if resource.ignore_changes:
            state["ignoreChanges"] = list(resource.ignore_changes)
        if timeouts := timeout_seconds(resource.custom_timeouts):
            state["customTimeouts"] = timeouts
        if resource.import_id:
            state["importID"] = resource.import_id
        if resource.type == STACK_TYPE:
            state["outputs"] = dict(plan.outputs)
        op = operation(resource)
        summary[op] = summary.get(op, 0) + 1
        step: dict[str, Any] = {"op": op, "urn": resource.urn}
        if resource.provider:
            step["provider"] = resource.provider
        step["newState"] = state
        steps.append(step)
    return {
        "stack": stack,
        "config": dict(plan.config),
        "steps": steps,
        "outputs": dict(plan.outputs),
        "diagnostics": [{"severity": d.severity, "message": d.message} for d in plan.diagnostics],
        "changeSummary": summary,
    }


def _value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


def _flags(resource: RecordedResource) -> list[str]:
    flags = []
    if resource.protect:
        flags.append("protected")
    if resource.retain_on_delete:
        flags.append("retain")
    if resource.delete_before_replace:
        flags.append("delete-before-replace")
    if resource.ignore_changes:
        flags.append("ignore-changes: " + ", ".join(resource.ignore_changes))
    if resource.custom_timeouts:
        flags.append("timeouts: " + ", ".join(f"{op} {value}" for op, value in resource.custom_timeouts.items()))
    return flags


def render_tree(plan: Plan, stack: str, *, color: bool = False) -> str:
    """A `pulumi preview`-like tree: `+ type name` (`= type name import <id>` for an import), key
    properties, flags, counts and exports."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    known = {r.urn for r in plan.resources}
    children: dict[str | None, list[RecordedResource]] = {}
    for resource in plan.resources:
        parent = resource.parent if resource.parent in known else None
        children.setdefault(parent, []).append(resource)

    lines = [f"Previewing update ({stack}):"]

    def walk(resource: RecordedResource, depth: int) -> None:
        indent = "    " * (depth + 1)
        flags = "".join(" " + paint(_YELLOW, f"[{flag}]") for flag in _flags(resource))
        if resource.import_id:
            imported = " " + paint(_BLUE, f"import {resource.import_id}")
            lines.append(f"{indent}{paint(_BLUE, '=')} {resource.type} {resource.name}{imported}{flags}")
        else:
            lines.append(f"{indent}{paint(_GREEN, '+')} {resource.type} {resource.name}{flags}")
        if resource.custom:
            masked = _masked(resource)
            for key in SHOWN_PROPERTIES.get(resource.type, ()):
                if key in masked:
                    lines.append(f"{indent}      {paint(_DIM, key + ':')} {_value(masked[key])}")
        for child in children.get(resource.urn, []):
            walk(child, depth + 1)

    for top in children.get(None, []):
        walk(top, 0)

    if plan.diagnostics:
        lines += ["", "Diagnostics:"]
        lines += [f"    {d.severity}: {d.message}" for d in plan.diagnostics]
    if plan.outputs:
        lines += ["", "Outputs:"]
        lines += _outputs(plan.outputs)
    imports = sum(1 for r in plan.resources if r.import_id)
    lines += ["", "Resources:", f"    {paint(_GREEN, '+')} {len(plan.resources) - imports} to create"]
    if imports:
        lines.append(f"    {paint(_BLUE, '=')} {imports} to import")
    return "\n".join(lines) + "\n"


def _outputs(outputs: Mapping[str, Any]) -> list[str]:
    width = max(len(k) for k in outputs)
    return [f"    {key:<{width}}: {_value(outputs[key])}" for key in sorted(outputs)]
