"""Ways in to a private web server: HTTPS rules on the environment's security group.

A private MWAA web server is reached through a VPC endpoint that carries the environment's
security groups; users reach it only when one of them admits their traffic on 443
(https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-networking.html). Each source gets
its own rule, named after the source (never its position), so adding one changes nothing else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

HTTPS = 443


@dataclass(frozen=True)
class WebserverIngressArgs:
    env_name: str
    security_group_id: pulumi.Input[str]
    cidrs: Sequence[str] = ()
    prefix_lists: Sequence[str] = ()
    security_groups: Sequence[str] = ()


def rule_name(prefix: str, source: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    return f"{prefix}-https-from-{slug}-{hashlib.sha256(source.encode()).hexdigest()[:6]}"


class WebserverIngress(pulumi.ComponentResource):
    def __init__(self, name: str, args: WebserverIngressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mwaaform:network:WebserverIngress", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        sources: list[tuple[str, dict[str, str]]] = []
        for cidr in args.cidrs:
            sources.append((cidr, {"cidr_ipv6": cidr} if ":" in cidr else {"cidr_ipv4": cidr}))
        sources += [(pl, {"prefix_list_id": pl}) for pl in args.prefix_lists]
        sources += [(sg, {"referenced_security_group_id": sg}) for sg in args.security_groups]
        for source, target in sources:
            aws.vpc.SecurityGroupIngressRule(
                rule_name(name, source),
                security_group_id=args.security_group_id,
                ip_protocol="tcp",
                from_port=HTTPS,
                to_port=HTTPS,
                description=f"MWAA {args.env_name}: web server (HTTPS) from {source}",
                opts=child,
                **target,
            )
        self.register_outputs({})
