"""Create it, or bring your own: decided once per environment, before any resource is declared.

Each of an environment's key, bucket and execution role is either created by mwaaform or already
exists in the account (the spec names it). :func:`resolve` reads the spec once and says which, with
the ARN every later part uses: IAM documents, key policies, bucket settings, alarms, exports. The
builder (:mod:`mwaaform.stack`) declares only what is to be created, and the requirements a
brought resource's owner must meet are written by :mod:`mwaaform.iam.byo` from the same record.
Pure: no Pulumi, no cloud.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mwaaform import naming
from mwaaform.spec.models import Account, Environment

# Where each local file lands in a bucket mwaaform creates (MWAA reads them from these keys).
UPLOAD_KEYS = {"requirements": "requirements.txt", "plugins": "plugins.zip", "startup_script": "startup.sh"}


@dataclass(frozen=True)
class ObjectRef:
    """An object MWAA loads: its key in the bucket and the version pinned (known when brought)."""

    key: str
    version: str | None = None  # None: the version of the file mwaaform uploads


@dataclass(frozen=True)
class Resolved:
    """What one environment uses, and which of it mwaaform creates."""

    env: str
    # The key: created (customer_managed without key_arn), brought (key_arn), or AWS-owned (neither).
    create_key: bool
    brought_key_arn: str | None
    bucket_name: str
    create_bucket: bool
    # Spec field (requirements, plugins, startup_script) -> object MWAA loads; local files to upload
    # (bucket key -> spec-relative path) when the bucket is created.
    objects: Mapping[str, ObjectRef] = field(default_factory=dict)
    uploads: Mapping[str, str] = field(default_factory=dict)
    create_role: bool = True
    # The execution role's ARN: the brought one, or the one the created role will have.
    role_arn: str = ""
    managed_policies: tuple[str, ...] = ()
    # The only folder of the bucket the execution role may read objects from (a brought, shared bucket).
    object_prefix: str | None = None

    @property
    def bucket_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket_name}"

    @property
    def customer_managed(self) -> bool:
        return self.create_key or self.brought_key_arn is not None

    @property
    def brings_anything(self) -> bool:
        return self.brought_key_arn is not None or not self.create_bucket or not self.create_role


def role_arn(account_id: str, path: str, name: str) -> str:
    """An IAM role's ARN: arn:aws:iam::ACCOUNT:role{path}{name}
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns)."""
    return f"arn:aws:iam::{account_id}:role{path}{name}"


def resolve(env: Environment, account: Account) -> Resolved:
    encryption = env.encryption
    brought_key = encryption.key_arn
    create_key = encryption.key == "customer_managed" and brought_key is None

    if env.bucket.brought:
        bucket_name = env.bucket.name
        objects = {
            kind: ObjectRef(ref.key, ref.version)
            for kind in UPLOAD_KEYS
            if (ref := getattr(env.bucket, kind)) is not None
        }
        uploads: dict[str, str] = {}
    else:
        bucket_name = naming.bucket_name(env.name, account.id, account.region)
        objects = {kind: ObjectRef(key) for kind, key in UPLOAD_KEYS.items() if getattr(env, kind)}
        uploads = {key: getattr(env, kind) for kind, key in UPLOAD_KEYS.items() if getattr(env, kind)}

    create_role = env.execution_role_arn is None
    arn = env.execution_role_arn or role_arn(account.id, account.role_path, naming.role_name(env.name, account.region))
    return Resolved(
        env=env.name,
        create_key=create_key,
        brought_key_arn=brought_key,
        bucket_name=bucket_name,
        create_bucket=not env.bucket.brought,
        objects=objects,
        uploads=uploads,
        create_role=create_role,
        role_arn=arn,
        managed_policies=tuple(env.access.managed_policies),
        object_prefix=env.bucket.prefix,
    )
