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
    protect: bool = False


class DagBucket(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    object_versions: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DagBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:bucket:DagBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            # Never delete a bucket that still holds objects: DAGs must not be lost by surprise.
            force_destroy=False,
            tags=with_name(args.bucket_name, args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            name, bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
        )
        versioning = aws.s3.BucketVersioning(
            name, bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        if args.kms_key_arn is not None:
            default = {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
        else:
            default = {"sse_algorithm": "AES256"}
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": args.kms_key_arn is not None}],
            opts=child,
        )
        policy = aws.s3.BucketPolicy(
            name,
            bucket=bucket.id,
            policy=json.dumps(deny_insecure_transport(args.bucket_name), sort_keys=True),
            # S3 rejects a policy while the public access block is being written.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )
        self.object_versions = {}
        for key, path in sorted(args.files.items()):
            obj = aws.s3.BucketObjectv2(
                f"{name}-{key}",
                bucket=bucket.id,
                key=key,
                source=pulumi.FileAsset(path),
                # A version id exists only once versioning is on; encrypt with the bucket's key.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning, encryption]),
            )
            self.object_versions[key] = obj.version_id
        # MWAA checks versioning and blocked public access when it creates the environment: the
        # ARN it is given resolves only once the bucket is fully configured.
        self.arn = pulumi.Output.all(bucket.arn, public_access.id, versioning.id, encryption.id, policy.id).apply(
            lambda values: values[0]
        )
        self.bucket_name = bucket.bucket
        self.register_outputs({"arn": self.arn, "bucket_name": self.bucket_name})
