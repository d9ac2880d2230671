"""How a retained DAG bucket's live configuration differs from what the plan imports it with.

Pulumi imports a resource only when the program's inputs match what the provider reads back
("inputs to import do not match the existing resource"), and the provider compares each setting
as written: a KMS key given as its id or an alias is not the ARN the program gives, though S3
encrypts with the same key (the provider's S3 encryption resource has no rule that treats them as
equal). Read with S3's Get APIs, each answering one configuration:
GetBucketEncryption, GetBucketVersioning, GetPublicAccessBlock, GetBucketOwnershipControls,
GetBucketLifecycleConfiguration, GetBucketLogging and GetBucketPolicy
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from mwaaform.preflight.facts import AdoptedBucket, PlannedEncryption, PlannedLifecycleRule

# What S3 answers when a bucket has no such configuration.
NOT_CONFIGURED = {
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchPublicAccessBlockConfiguration",
    "OwnershipControlsNotFoundError",
    "NoSuchLifecycleConfiguration",
    "NoSuchBucketPolicy",
}
# The lifecycle actions preflight compares; a live rule with any other is reported as different.
COMPARED_ACTIONS = {"NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload"}


@dataclass(frozen=True)
class Difference:
    setting: str  # "default encryption", "versioning"...
    live: str
    planned: str
    same_key: bool = False  # the same KMS key, written in another form
    unread: bool = False  # S3 refused to answer (``live`` is its error code): not compared

    def describe(self, bucket: str) -> str:
        if self.unread:
            return f"bucket {bucket}: could not read its {self.setting} ({self.live})"
        if self.setting == "tags":
            return f"bucket {bucket}: tags differ from the plan's: {self.live}"
        return f"bucket {bucket}: {self.setting} is {self.live}, the plan imports {self.planned}"


def _get(call, **kwargs) -> dict | None:
    """S3's answer, or None when the bucket has no such configuration."""
    try:
        return call(**kwargs)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in NOT_CONFIGURED:
            return None
        raise


# The permission each compared setting's Get needs (https://docs.aws.amazon.com/AmazonS3/latest/API/, each action's page).
PERMISSIONS = {
    "default encryption": "s3:GetEncryptionConfiguration",
    "versioning": "s3:GetBucketVersioning",
    "public access block": "s3:GetBucketPublicAccessBlock",
    "object ownership": "s3:GetBucketOwnershipControls",
    "lifecycle": "s3:GetLifecycleConfiguration",
    "access logging": "s3:GetBucketLogging",
    "bucket policy": "s3:GetBucketPolicy",
    "tags": "s3:GetBucketTagging",
}


def differences(s3: Any, kms: Any, planned: AdoptedBucket) -> list[Difference]:
    """Each setting the plan imports that the live bucket does not have as written (a setting the
    plan does not import is not read). A setting S3 refuses to answer (say AccessDenied) is one
    ``unread`` difference; the others are still compared."""
    bucket = planned.name

    def encryption() -> list[Difference]:
        rules = (_get(s3.get_bucket_encryption, Bucket=bucket) or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        return _encryption(kms, planned.encryption, rules[0] if len(rules) == 1 else None)

    def public_access() -> list[Difference]:
        answer = _get(s3.get_public_access_block, Bucket=bucket)
        return _public_access(None if answer is None else answer.get("PublicAccessBlockConfiguration", {}), planned.public_access_block)

    def ownership() -> list[Difference]:
        rules = (_get(s3.get_bucket_ownership_controls, Bucket=bucket) or {}).get("OwnershipControls", {}).get("Rules", [])
        live = rules[0].get("ObjectOwnership") if len(rules) == 1 else None
        return [Difference("object ownership", live or "not set", planned.object_ownership)] if live != planned.object_ownership else []

    def lifecycle() -> list[Difference]:
        answer = _get(s3.get_bucket_lifecycle_configuration, Bucket=bucket) or {}
        return _lifecycle(answer.get("Rules", []), planned.lifecycle) + _minimum_size(answer.get("TransitionDefaultMinimumObjectSize"))

    compared = (
        ("default encryption", planned.encryption, encryption),
        ("versioning", planned.versioning, lambda: _versioning(s3.get_bucket_versioning(Bucket=bucket).get("Status"), planned.versioning)),
        ("public access block", planned.public_access_block, public_access),
        ("object ownership", planned.object_ownership, ownership),
        ("lifecycle", planned.lifecycle, lifecycle),
        ("access logging", planned.logging, lambda: _access_logging(s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled"), planned.logging)),
        ("bucket policy", planned.policy, lambda: _policy((_get(s3.get_bucket_policy, Bucket=bucket) or {}).get("Policy"), planned.policy)),
    )
    found: list[Difference] = []
    for setting, value, compare in compared:
        if value is None:
            continue
        try:
            found += compare()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code") or "an error"
            found.append(Difference(setting, code, "", unread=True))
    return found


def _versioning(status: str | None, planned: str) -> list[Difference]:
    # A bucket never versioned answers no Status.
    return [Difference("versioning", status.lower() if status else "never enabled", planned.lower())] if status != planned else []


def _public_access(live: dict | None, planned: tuple[tuple[str, bool], ...]) -> list[Difference]:
    """``live``: None when the bucket has no public access block."""
    if live is None:
        return [Difference("public access block", "not set", _flags(planned))] if any(on for _, on in planned) else []
    wrong = tuple((flag, on) for flag, on in planned if bool(live.get(flag)) != on)
    return [Difference("public access block", _flags(tuple((f, not on) for f, on in wrong)), _flags(wrong))] if wrong else []


def _lifecycle(rules: list[dict], planned: tuple[PlannedLifecycleRule, ...]) -> list[Difference]:
    live = sorted(_describe_rule(r) for r in rules)
    wanted = sorted(r.describe() for r in planned)
    return [Difference("lifecycle", "; ".join(live) or "not set", "; ".join(wanted) or "no rule")] if live != wanted else []


# What the provider plans for transition_default_minimum_object_size when the program leaves it out,
# as mwaaform's bucket component does (terraform-provider-aws, s3 bucket_lifecycle_configuration:
# transitionDefaultMinimumObjectSizeDefault); S3 answers the bucket's own in GetBucketLifecycleConfiguration.
MINIMUM_SIZE_DEFAULT = "all_storage_classes_128K"


def _minimum_size(live: str | None) -> list[Difference]:
    # A bucket whose rules predate the setting (or chose it) answers varies_by_storage_class: the import plans a change.
    return [Difference("lifecycle minimum object size", live, MINIMUM_SIZE_DEFAULT)] if live and live != MINIMUM_SIZE_DEFAULT else []


def _access_logging(live: dict | None, planned: tuple[str, str]) -> list[Difference]:
    """The target and prefix; grants or a key format the plan does not write differ too (the provider's
    target_grant and target_object_key_format are optional, not computed)."""
    written = (live.get("TargetBucket"), live.get("TargetPrefix", "")) if live else None
    extras = [k for k in ("TargetGrants", "TargetObjectKeyFormat") if live and live.get(k)]
    if written == planned and not extras:
        return []
    described = (_logging(*written) + "".join(f" with {k}" for k in extras)) if written else "off"
    return [Difference("access logging", described, _logging(*planned))]


def _policy(live: str | None, planned: str) -> list[Difference]:
    if live and _equivalent_form(live) == _equivalent_form(planned):
        return []
    otherwise = " written otherwise" if live and _sids(live) == _sids(planned) else ""
    return [Difference("bucket policy", f"a policy with statements {_sids(live)}{otherwise}" if live else "not set",
                       f"a policy with statements {_sids(planned)}")]


def _equivalent_form(document: str) -> tuple | None:
    """A policy in a form two documents share exactly when the provider finds them equivalent (it
    suppresses the difference with hashicorp/awspolicyequivalence's PoliciesAreEquivalent): the same
    Version and Id; statements in any order, each with the same Sid, Effect in any case, Action,
    Resource and their Not forms as sets (a string is a one-element list), Condition values as sets
    of strings (true is "true"), and Principal either both a string or both a map: "*" is not
    {"AWS": "*"}, an account id is its root ARN. None if not a policy."""
    try:
        policy = json.loads(document)
    except ValueError:
        return None
    if not isinstance(policy, dict):
        return None
    statements = policy.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    if not all(isinstance(st, dict) for st in statements):
        return None
    return (str(policy.get("Version", "")), str(policy.get("Id", "")),
            sorted(json.dumps(_statement_form(st), sort_keys=True) for st in statements))


def _strings(value: Any) -> list[str]:
    """The library's string set: a string, bool or number, or a list of them, as sorted strings."""
    def one(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    if value is None:
        return []
    return sorted(one(v) for v in (value if isinstance(value, list) else [value]))


def _principal(value: Any) -> Any:
    def one(p: str) -> str:
        # An account id and its root ARN name the same principal.
        parts = p.split(":")
        if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5] == "root" and parts[4].isdigit():
            return parts[4]
        return p

    if value is None:
        return None
    if isinstance(value, str):
        return ["string", one(value)]
    if isinstance(value, dict):
        return ["map", {k: sorted(one(p) for p in _strings(v)) for k, v in value.items() if _strings(v)}]
    return ["other", value]


def _statement_form(statement: dict) -> dict:
    conditions = statement.get("Condition")
    return {
        "Sid": str(statement.get("Sid", "")),
        "Effect": str(statement.get("Effect", "")).lower(),
        **{key: _strings(statement.get(key)) for key in ("Action", "NotAction", "Resource", "NotResource")},
        "Condition": {op: {k: sorted(set(_strings(v))) for k, v in keys.items()} if isinstance(keys, dict) else keys
                      for op, keys in conditions.items()} if isinstance(conditions, dict) else conditions,
        "Principal": _principal(statement.get("Principal")),
        "NotPrincipal": _principal(statement.get("NotPrincipal")),
    }


def _sids(document: str) -> str:
    try:
        statements = json.loads(document).get("Statement", [])
    except (ValueError, AttributeError):
        return "not JSON"
    statements = statements if isinstance(statements, list) else [statements]
    return ", ".join(str(s.get("Sid", "no Sid")) if isinstance(s, dict) else "?" for s in statements) or "none"


def _flags(flags: tuple[tuple[str, bool], ...]) -> str:
    return ", ".join(f"{flag} {'on' if on else 'off'}" for flag, on in flags)


def _logging(target: str, prefix: str) -> str:
    return f"to {target}" + (f" under {prefix}" if prefix else "")


def _encryption(kms: Any, planned: PlannedEncryption, rule: dict | None) -> list[Difference]:
    """The algorithm, the key (as written) and the bucket key setting."""
    default = (rule or {}).get("ApplyServerSideEncryptionByDefault") or {}
    algorithm, key = default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")
    bucket_key = bool((rule or {}).get("BucketKeyEnabled"))
    want = _sse(planned.algorithm, "the new key the stack creates" if planned.new_key else planned.kms_key)
    if rule is None or not algorithm:
        return [Difference("default encryption", "not set", want)]
    live = _sse(algorithm, key)
    if algorithm != planned.algorithm or planned.new_key:
        return [Difference("default encryption", live, want)]
    found = []
    if (key or None) != planned.kms_key:
        same = bool(key and planned.kms_key and _key_arn(kms, key, planned.kms_key) == planned.kms_key)
        found.append(Difference("default encryption", live + (" (the same key, not written as its ARN)" if same else ""), want, same))
    if bucket_key != planned.bucket_key:
        found.append(Difference("S3 Bucket Key", "on" if bucket_key else "off", "on" if planned.bucket_key else "off"))
    return found


def _sse(algorithm: str, key: str | None) -> str:
    if algorithm == "AES256":
        return "SSE-S3 (AES256)"
    return f"{algorithm} with " + (key or "the AWS managed key aws/s3")


def _key_arn(kms: Any, key: str, planned: str) -> str | None:
    """The ARN of the key S3 names as ``key``: an ARN as it is, a bare key id in the planned key's
    account and region, an alias (name or ARN) resolved by KMS DescribeKey; None if it cannot be."""
    if key.startswith("arn:") and ":key/" in key:
        return key
    if "alias/" not in key:
        return planned.rsplit("/", 1)[0] + "/" + key if ":key/" in planned else None
    try:
        return kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
    except ClientError:
        return None


def _describe_rule(rule: dict) -> str:
    """A live lifecycle rule in the words of :meth:`PlannedLifecycleRule.describe`; a rule that is not
    for the whole bucket, or has other actions, says so (it cannot equal a planned one)."""
    described = PlannedLifecycleRule(
        str(rule.get("ID")), str(rule.get("Status")),
        (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays"),
        (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation"),
    ).describe()
    # The provider writes the plan's empty filter as Filter {Prefix: ""} and reads a rule without one,
    # or with an empty Filter, as no filter block: only {Prefix: ""} imports as planned.
    scope = rule.get("Filter")
    if scope is None:
        described += f" (no Filter, the old top-level Prefix {rule.get('Prefix', '')!r})"
    elif scope == {}:
        described += " (an empty Filter, not the plan's Prefix '')"
    elif scope != {"Prefix": ""}:
        described += f" (only for {scope})"
    others = sorted(k for k, v in rule.items() if k not in COMPARED_ACTIONS | {"ID", "Status", "Filter", "Prefix"} and v)
    extra = sorted(k for k in ("NewerNoncurrentVersions",) if (rule.get("NoncurrentVersionExpiration") or {}).get(k))
    if others or extra:
        described += f" (and {', '.join(others + extra)})"
    return described
