"""A recorded plan as a Terraform plan JSON, so tools that read Terraform plans judge it.

pulumi-aws is generated from terraform-provider-aws: each Pulumi type has a Terraform resource
type, and each input its Terraform attribute (snake case; nested blocks as lists of objects).
This module does that mapping for the resource types mwaaform declares, from the recorded plan
alone, so that ``checkov -f plan.json --framework terraform_plan`` reads it. References between
resources (what checkov's graph checks follow) come from the recorded property dependencies.

Terraform's JSON output format: https://developer.hashicorp.com/terraform/internals/json-format
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mwaaform.plan.engine import RecordedResource

FORMAT_VERSION = "1.2"
# Pulumi types whose Terraform name does not follow aws_<module>_<snake name> (ec2 drops its module).
TYPE_EXCEPTIONS = {"aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object"}
# Pulumi renames some Terraform blocks to plurals: the Terraform attribute, per Terraform type.
BLOCK_NAMES = {
    "aws_s3_bucket_lifecycle_configuration": {"rules": "rule"},
    "aws_s3_bucket_server_side_encryption_configuration": {"rules": "rule"},
}
# Terraform attributes that are maps, not nested blocks.
MAP_ATTRIBUTES = {"tags", "tags_all", "airflow_configuration_options", "dimensions"}


def terraform_type(pulumi_type: str) -> str | None:
    """``aws:s3/bucketVersioning:BucketVersioning`` -> ``aws_s3_bucket_versioning``; None for
    types that are not AWS resources (components, providers)."""
    if pulumi_type in TYPE_EXCEPTIONS:
        return TYPE_EXCEPTIONS[pulumi_type]
    match = re.fullmatch(r"aws:([a-z0-9]+)/([a-zA-Z0-9]+):[A-Za-z0-9]+", pulumi_type)
    if not match:
        return None
    module, name = match.groups()
    snake = _snake(name)
    return f"aws_{snake}" if module == "ec2" else f"aws_{module}_{snake}"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _values(value: Any, key: str = "", renames: dict[str, str] | None = None) -> Any:
    if key in MAP_ATTRIBUTES:  # a map: its keys are data, not attribute names
        return value
    if isinstance(value, dict):
        converted = {}
        for k, v in value.items():
            attribute = _snake(k)
            attribute = (renames or {}).get(attribute, attribute)
            converted[attribute] = _values(v, attribute, renames)
        # A nested object is a block: Terraform lists it.
        return [converted] if key else converted
    if isinstance(value, list):
        return [_values(v, "", renames) for v in value]
    return value


def _address(tf_type: str, name: str, taken: set[str]) -> str:
    base = f"{tf_type}.{re.sub(r'[^A-Za-z0-9_-]', '_', name)}"
    address, n = base, 1
    while address in taken:
        n += 1
        address = f"{base}_{n}"
    taken.add(address)
    return address


def to_terraform_plan(resources: Iterable[RecordedResource]) -> dict:
    """The Terraform plan JSON of ``resources`` (every AWS resource created)."""
    addresses: dict[str, str] = {}
    converted: list[tuple[RecordedResource, str, str]] = []
    taken: set[str] = set()
    for resource in resources:
        tf_type = terraform_type(resource.type) if resource.custom else None
        if tf_type is None:
            continue
        address = _address(tf_type, resource.name, taken)
        addresses[resource.urn] = address
        converted.append((resource, tf_type, address))

    planned, configured, changes = [], [], []
    for resource, tf_type, address in converted:
        renames = BLOCK_NAMES.get(tf_type, {})
        values = _values(resource.inputs, "", renames)
        if resource.id and "id" not in values:
            values["id"] = resource.id
        name = address.split(".", 1)[1]
        planned.append(
            {"address": address, "mode": "managed", "type": tf_type, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values}
        )
        expressions: dict[str, Any] = {}
        for key, urns in resource.property_dependencies.items():
            refs = [ref for urn in urns if urn in addresses for ref in (f"{addresses[urn]}.id", addresses[urn])]
            if refs:
                expressions[renames.get(_snake(key), _snake(key))] = {"references": refs}
        configured.append(
            {"address": address, "mode": "managed", "type": tf_type, "name": name, "provider_config_key": "aws", "expressions": expressions, "schema_version": 0}
        )
        changes.append(
            {"address": address, "mode": "managed", "type": tf_type, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {}}}
        )
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}}, "root_module": {"resources": configured}},
    }
