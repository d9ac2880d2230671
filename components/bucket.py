"""The DAG bucket: versioned, encrypted, private, TLS only; with the environment's local files.

MWAA reads DAGs, requirements.txt, plugins.zip and the startup script from it; each file's
object version is pinned in the environment, so a changed file changes the environment
(https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-s3-bucket.html: versioning and blocked
public access are required).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from mwaaform.iam.documents import deny_insecure_transport
from mwaaform.tags import with_name


@dataclass(frozen=True)
class DagBucketArgs:
    bucket_name: str
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str] | None = None
    # bucket key -> local file path
    files: Mapping[str, str] = field(default_factory=dict)
    # The bucket and everything that configures it share these: a retained bucket keeps its
    # versioning, public access block, encryption, ownership, lifecycle and TLS-only policy.
    protect: bool = False
    retain_on_delete: bool = False
    # Adopt a retained bucket of this name and its configuration (Pulumi `import`, each by the
    # bucket name) instead of failing to create them.
    adopt_existing: bool = False
    # Noncurrent object versions expire after this many days (current versions never do).
    noncurrent_version_expiration_days: int = 90
    # Server access logging to this bucket (and key prefix), when set.
    access_log_bucket: str | None = None
    access_log_prefix: str = ""


# Multipart uploads that never complete are billed until aborted.
ABORT_INCOMPLETE_UPLOADS_DAYS = 7


class DagBucket(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    object_versions: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DagBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:bucket:DagBucket", name, None, opts)
        # Every resource of the bucket's group lives and dies with the bucket.
        group = pulumi.ResourceOptions(
            parent=self,
            protect=args.protect,
            retain_on_delete=args.retain_on_delete,
            import_=args.bucket_name if args.adopt_existing else None,
        )
        bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            # Never delete a bucket that still holds objects: DAGs must not be lost by surprise.
            force_destroy=False,
            tags=with_name(args.bucket_name, args.tags),
            opts=group,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=group,
        )
        ownership = aws.s3.BucketOwnershipControls(
            name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=group
        )
        versioning = aws.s3.BucketVersioning(
            name, bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=group
        )
        if args.kms_key_arn is not None:
            default = {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
        else:
            default = {"sse_algorithm": "AES256"}
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": args.kms_key_arn is not None}],
            opts=group,
        )
        policy = aws.s3.BucketPolicy(
            name,
            bucket=bucket.id,
            policy=json.dumps(deny_insecure_transport(args.bucket_name), sort_keys=True),
            # S3 rejects a policy while the public access block is being written.
            opts=pulumi.ResourceOptions.merge(group, pulumi.ResourceOptions(depends_on=[public_access])),
        )
        # Old versions of DAGs and files expire; the current ones (those MWAA is pinned to) never do.
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
        lifecycle = aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=bucket.id,
            rules=[
                {
                    "id": "expire-noncurrent-versions",
                    "status": "Enabled",
                    "filter": {},
                    "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_expiration_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_INCOMPLETE_UPLOADS_DAYS},
                }
            ],
            # S3 recommends versioning be on before rules about noncurrent versions.
            opts=pulumi.ResourceOptions.merge(group, pulumi.ResourceOptions(depends_on=[versioning])),
        )
        configuration = [public_access, ownership, versioning, encryption, policy, lifecycle]
        if args.access_log_bucket:
            # The target bucket must let the S3 logging service write (its owner's policy):
            # https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
            configuration.append(
                aws.s3.BucketLogging(
                    name,
                    bucket=bucket.id,
                    target_bucket=args.access_log_bucket,
                    target_prefix=args.access_log_prefix,
                    opts=group,
                )
            )
        self.object_versions = {}
        for key, path in sorted(args.files.items()):
            obj = aws.s3.BucketObjectv2(
                f"{name}-{key}",
                bucket=bucket.id,
                key=key,
                source=pulumi.FileAsset(path),
                # A version id exists only once versioning is on; encrypt with the bucket's key.
                # Kept with a retained bucket, so the environment's pinned versions stay current.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning, encryption], retain_on_delete=args.retain_on_delete),
            )
            self.object_versions[key] = obj.version_id
        # MWAA checks versioning and blocked public access when it creates the environment: the
        # ARN it is given resolves only once the bucket is fully configured.
        self.arn = pulumi.Output.all(bucket.arn, *[resource.id for resource in configuration]).apply(lambda values: values[0])
        self.bucket_name = bucket.bucket
        self.register_outputs({"arn": self.arn, "bucket_name": self.bucket_name})
