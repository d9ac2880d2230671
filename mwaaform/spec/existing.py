"""Spec types for what an account already has: a KMS key, a DAG bucket and its objects.

Brownfield accounts bring their own key (a landing zone's central key), bucket (fed by an
artifact pipeline) or execution role (kept by a security team). These types check the form of
each reference at ``validate`` time; whether it belongs to the stack's account and region is a
cross-field rule (:mod:`mwaaform.spec.rules`), and what mwaaform then creates or not is decided
once, in :mod:`mwaaform.resolve`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from mwaaform.spec.base import SpecModel

# KMS key ARNs: arn:PARTITION:kms:REGION:ACCOUNT:key/KEY_ID, the key id a UUID or, for a
# multi-Region key, mrk- and 32 hex digits.
# https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
KMS_KEY_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z]{2}(-[a-z]+)+-\d):(?P<account>\d{12}):"
    r"key/(?P<key_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)
KMS_ALIAS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias/")


def kms_key_arn(value: str) -> str:
    if KMS_ALIAS_ARN.match(value) or value.startswith("alias/"):
        # An alias ARN in a policy's Resource grants nothing on the key it points to, and
        # CloudWatch Logs associates log groups with a key ARN only.
        # https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
        # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html
        raise ValueError(
            f"{value!r} is an alias: give the ARN of the key it points to (aws kms describe-key --key-id {value} "
            "--query KeyMetadata.Arn), because IAM policies and CloudWatch Logs need the key ARN"
        )
    if not KMS_KEY_ARN.match(value):
        raise ValueError(f"{value!r} is not a KMS key ARN: expected arn:aws:kms:REGION:ACCOUNT_ID:key/KEY_ID")
    return value


# S3 bucket names. https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_or_arn(value: str) -> str:
    """An S3 bucket name, or its ARN (``arn:aws:s3:::NAME``); the result is the bare name."""
    name = value
    if value.startswith("arn:"):
        match = re.match(r"^arn:aws[a-z-]*:s3:::([^/]+)$", value)
        if not match:
            raise ValueError(f"{value!r} is not an S3 bucket ARN: expected arn:aws:s3:::BUCKET_NAME")
        name = match[1]
    problem = _bucket_name_problem(name)
    if problem:
        raise ValueError(f"{value!r} is not a valid S3 bucket name: {problem}")
    return name


def _bucket_name_problem(name: str) -> str | None:
    if not _BUCKET_NAME.match(name):
        return "3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"
    if ".." in name:
        return "no two adjacent periods"
    try:
        ipaddress.IPv4Address(name)
        return "not formatted as an IP address"
    except ValueError:
        pass
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return "a prefix or suffix S3 reserves"
    return None


BucketName = Annotated[str, AfterValidator(bucket_name_or_arn)]
# S3 object keys: 1 to 1024 bytes of UTF-8; MWAA takes a path relative to the bucket root.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
ObjectKey = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^[^/\s][^\s]*$")]
# S3 version ids are opaque strings of at most 1024 bytes; "null" names an object written while
# versioning was off, which MWAA cannot pin.
ObjectVersion = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^[A-Za-z0-9._+/=-]+$")]


class ObjectRef(SpecModel):
    """An object already in the brought bucket, pinned by version (MWAA loads exactly that version)."""

    key: ObjectKey = Field(description="Object key in the bucket, no leading '/' (e.g. `partner/requirements.txt`).")
    version: ObjectVersion = Field(
        description="S3 version id of the object (`aws s3api list-object-versions`); a new upload needs a new version here."
    )

    @model_validator(mode="after")
    def _versioned(self) -> ObjectRef:
        if self.version == "null":
            raise ValueError("version 'null' is an object written while versioning was off: MWAA needs a versioned object")
        return self


class ExistingBucket(SpecModel):
    """A DAG bucket that already exists (fed by an artifact pipeline); mwaaform creates no bucket.

    MWAA requires it in the stack's region, versioned, with all public access blocked. The
    environment's `dag_path` is the DAG folder in it; the execution role may read the whole bucket,
    or with `prefix` only the objects under that folder.
    """

    name: BucketName = Field(description="Bucket name, or its ARN `arn:aws:s3:::NAME`.")
    prefix: Annotated[str, StringConstraints(pattern=r"^[\w.\-]+(/[\w.\-]+)*$", max_length=512)] | None = Field(
        default=None,
        description="The folder of a shared bucket this environment owns (no leading or trailing '/'): the execution "
        "role reads only objects under it, so `dag_path` and the object keys below must be in it.",
    )
    requirements: ObjectRef | None = Field(default=None, description="requirements.txt already in the bucket.")
    plugins: ObjectRef | None = Field(default=None, description="plugins.zip already in the bucket.")
    startup_script: ObjectRef | None = Field(default=None, description="Startup shell script already in the bucket.")

    @field_validator("plugins")
    @classmethod
    def _plugins_zip(cls, value: ObjectRef | None) -> ObjectRef | None:
        # MWAA loads plugins from a .zip file. https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-dag-import-plugins.html
        if value is not None and not value.key.endswith(".zip"):
            raise ValueError(f"plugins.key {value.key!r} must be a .zip file")
        return value
