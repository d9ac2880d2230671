"""The five log groups MWAA writes to, created before the environment so they carry the spec's
retention and key (MWAA itself cannot set a retention: terraform-provider-aws #37910)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from mwaaform.naming import log_group_names


@dataclass(frozen=True)
class LogGroupsArgs:
    env_name: str
    retention_days: int
    tags: Mapping[str, str]
    kms_key_arn: pulumi.Input[str] | None = None
    protect: bool = False
    # Keep it in the account when Pulumi deletes it (removed from the spec, or `pulumi destroy`).
    retain_on_delete: bool = False
    # Adopt existing groups of these names (retained by an earlier environment) instead of creating them.
    adopt_existing: bool = False


class LogGroups(pulumi.ComponentResource):
    groups: list[aws.cloudwatch.LogGroup]
    names: dict[str, str]

    def __init__(self, name: str, args: LogGroupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:logs:LogGroups", name, None, opts)
        self.names = log_group_names(args.env_name)
        self.groups = [
            aws.cloudwatch.LogGroup(
                group_name,
                name=group_name,
                retention_in_days=args.retention_days,
                kms_key_id=args.kms_key_arn,
                tags=dict(args.tags),
                # The provider's own guard as well: never delete the logs of a retained group.
                skip_destroy=args.retain_on_delete,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect,
                    retain_on_delete=args.retain_on_delete,
                    import_=group_name if args.adopt_existing else None,
                ),
            )
            for group_name in self.names.values()
        ]
        self.register_outputs({"names": self.names})
