"""The stack's AWS provider: the one door every resource goes through.

Pinned to the spec's account (``allowed_account_ids``: the provider refuses credentials of any
other account, so a stack can never deploy into the wrong one), its region, the deploy role it
assumes, and the tags every resource gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AccountArgs:
    account_id: str
    region: str
    deploy_role_arn: str | None = None
    external_id: str | None = None
    default_tags: Mapping[str, str] = field(default_factory=dict)


def account_provider(name: str, args: AccountArgs, opts: pulumi.ResourceOptions | None = None) -> aws.Provider:
    assume_roles = None
    if args.deploy_role_arn:
        assume_roles = [
            aws.ProviderAssumeRoleArgs(role_arn=args.deploy_role_arn, external_id=args.external_id, session_name="mwaaform")
        ]
    return aws.Provider(
        name,
        region=args.region,
        allowed_account_ids=[args.account_id],
        assume_roles=assume_roles,
        default_tags=aws.ProviderDefaultTagsArgs(tags=dict(args.default_tags)),
        opts=opts,
    )
