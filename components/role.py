"""The execution role: the documented base policy, the compiled grants, nothing else."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from mwaaform import naming
from mwaaform.iam.documents import execution_role_policy, trust_policy


@dataclass(frozen=True)
class ExecutionRoleArgs:
    env_name: str
    account_id: str
    region: str
    bucket_name: str
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str] | None = None
    permissions_boundary_arn: str | None = None
    path: str = "/"
    # (purpose, policy JSON) of each extra managed policy: the compiled grants.
    extra_policies: Sequence[tuple[str, str]] = field(default_factory=tuple)
    # Existing managed policies (ARNs) attached as they are (access.managed_policies).
    managed_policy_arns: Sequence[str] = ()
    # The only folder of the bucket whose objects the role may read (None: the whole bucket).
    object_prefix: str | None = None


class ExecutionRole(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: ExecutionRoleArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:role:ExecutionRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        env, account, region = args.env_name, args.account_id, args.region
        role = aws.iam.Role(
            name,
            name=naming.role_name(env, region),
            path=args.path,
            description=f"Execution role of the MWAA environment {env}",
            assume_role_policy=json.dumps(trust_policy(env, account, region), sort_keys=True),
            permissions_boundary=args.permissions_boundary_arn,
            tags=dict(args.tags),
            opts=child,
        )
        base = pulumi.Output.from_input(args.kms_key_arn).apply(
            lambda key_arn: json.dumps(execution_role_policy(env, account, region, args.bucket_name, key_arn, args.object_prefix), sort_keys=True)
        )
        attachments = []
        for purpose, document in [("base", base), *args.extra_policies]:
            policy = aws.iam.Policy(
                f"{name}-{purpose}",
                name=naming.policy_name(env, region, purpose),
                path=args.path,
                description=f"MWAA environment {env}: {purpose}",
                policy=document,
                tags=dict(args.tags),
                opts=child,
            )
            attachments.append(
                aws.iam.RolePolicyAttachment(f"{name}-{purpose}", role=role.name, policy_arn=policy.arn, opts=child)
            )
        for arn in args.managed_policy_arns:
            attachments.append(
                aws.iam.RolePolicyAttachment(f"{name}-{naming.attachment_suffix(arn)}", role=role.name, policy_arn=arn, opts=child)
            )
        # The ARN resolves only once every policy is attached: MWAA checks the role's permissions
        # while it creates the environment, so the environment must wait for them.
        self.arn = pulumi.Output.all(role.arn, *[a.id for a in attachments]).apply(lambda values: values[0])
        self.register_outputs({"arn": self.arn})
