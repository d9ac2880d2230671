"""Wire decoding: the values the SDK sends to the engine, and the mocks' state, as plain JSON.

Secrets are unwrapped (and the keys holding them noted), assets and archives become ``{"$asset": ...}``
and ``{"$archive": ...}``, resource references become the referenced id, unknowns ``[unknown]``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import rpc

UNKNOWN = "[unknown]"


def plain(value: Any, secret_found: list[bool] | None = None) -> Any:
    """Decode a wire value (from ``MessageToDict`` of a protobuf Struct) into plain JSON."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return UNKNOWN if value == rpc.UNKNOWN else value
    if isinstance(value, list):
        return [plain(v, secret_found) for v in value]
    if not isinstance(value, dict):
        return value
    sig = value.get(rpc._special_sig_key)
    if sig == rpc._special_secret_sig:
        if secret_found is not None:
            secret_found.append(True)
        return plain(value.get("value"), secret_found)
    if sig == rpc._special_asset_sig:
        return {"$asset": _asset_fields(value)}
    if sig == rpc._special_archive_sig:
        fields = _asset_fields(value)
        if "assets" in value:
            fields = {"assets": {k: plain(v, secret_found) for k, v in sorted(value["assets"].items())}}
        return {"$archive": fields}
    if sig == rpc._special_resource_sig:
        # The engine hands AWS resources the referenced resource's id (its urn for components).
        return value.get("id") or value.get("urn")
    if sig == rpc._special_output_value_sig:
        if value.get("secret") and secret_found is not None:
            secret_found.append(True)
        return plain(value["value"], secret_found) if "value" in value else UNKNOWN
    return {k: plain(value[k], secret_found) for k in sorted(value)}


def _asset_fields(value: Mapping[str, Any]) -> dict[str, Any]:
    if "path" in value:
        return _file_fields(value["path"])
    if "text" in value:
        return {"text": value["text"]}
    if "uri" in value:
        return {"uri": value["uri"]}
    return {}


def _file_fields(path: str) -> dict[str, Any]:
    # The content's hash, as the engine records one in an asset's state: a changed file shows as
    # a changed hash, not only as a new object version further down the plan.
    fields = {"path": relative_path(path)}
    digest = content_hash(path)
    if digest:
        fields["sha256"] = digest
    return fields


def content_hash(path: str) -> str | None:
    """SHA-256 of a file, or of a folder's files (names and contents, sorted); None if absent."""
    if os.path.isfile(path):
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    if os.path.isdir(path):
        digest = hashlib.sha256()
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                digest.update(os.path.relpath(full, path).replace(os.sep, "/").encode() + b"\x00")
                digest.update((content_hash(full) or "").encode())
        return digest.hexdigest()
    return None


def relative_path(path: str) -> str:
    """Paths relative to the working directory, so plans do not depend on the checkout location."""
    if not os.path.isabs(path):
        return path.replace(os.sep, "/")
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def decode_struct(struct: Any) -> tuple[dict[str, Any], list[str]]:
    raw = json_format.MessageToDict(struct)
    inputs: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in sorted(raw.items()):
        found: list[bool] = []
        inputs[key] = plain(value, found)
        if found:
            secrets.append(key)
    return inputs, secrets


def jsonable(value: Any) -> Any:
    """Mock state (python objects the mocks returned) as plain JSON."""
    if isinstance(value, Mapping):
        if rpc.is_rpc_secret(value):
            return jsonable(rpc.unwrap_rpc_secret(value))
        return {str(k): jsonable(value[k]) for k in sorted(value) if value[k] is not None}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, pulumi.FileAsset) or isinstance(value, pulumi.FileArchive):
        key = "$asset" if isinstance(value, pulumi.Asset) else "$archive"
        return {key: _file_fields(value.path)}
    if isinstance(value, pulumi.StringAsset):
        return {"$asset": {"text": value.text}}
    if isinstance(value, (pulumi.RemoteAsset, pulumi.RemoteArchive)):
        key = "$asset" if isinstance(value, pulumi.Asset) else "$archive"
        return {key: {"uri": value.uri}}
    if isinstance(value, pulumi.AssetArchive):
        return {"$archive": {"assets": {k: jsonable(v) for k, v in sorted(value.assets.items())}}}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
