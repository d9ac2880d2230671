"""Subnet layout of a managed VPC: a pure function of the VPC CIDR, the AZ count and the egress.

Layout (stable: adding nothing changes nothing; the same spec always gives the same subnets):

* the VPC is cut into ``2 ** (ceil(log2(n_azs)) + 1)`` equal blocks; private subnet *i* is
  block *i*, so private subnets take (at least) the first half of the VPC, in spec AZ order;
* public subnets (only with a NAT gateway) are carved from the *last* block: one per AZ, each
  the block's share or a /24, whichever is smaller. They hold nothing but NAT gateways.

AWS limits: subnets are /16 to /28 and AWS reserves 5 addresses in each
(https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass

# AWS: the smallest subnet is a /28.
SMALLEST_SUBNET_PREFIX = 28
# Our floor for a private subnet: a /26 leaves 59 usable addresses per AZ for the environments'
# workers, schedulers, web servers and the interface endpoints' network interfaces.
SMALLEST_PRIVATE_PREFIX = 26
# Public subnets hold only a NAT gateway: a /24 is plenty, never more.
LARGEST_PUBLIC_PREFIX = 24


@dataclass(frozen=True)
class SubnetLayout:
    private: list[str]
    public: list[str]


class LayoutError(ValueError):
    """The VPC CIDR cannot hold the subnets it must."""


def _split_bits(n_azs: int) -> int:
    return math.ceil(math.log2(n_azs)) + 1


def layout(cidr: str, n_azs: int, public: bool) -> SubnetLayout:
    """Private (and, with NAT, public) subnet CIDRs, one per AZ in order."""
    if n_azs < 1:
        raise LayoutError("at least one availability zone is needed")
    vpc = ipaddress.IPv4Network(cidr)
    bits = _split_bits(n_azs)
    private_prefix = vpc.prefixlen + bits
    if private_prefix > SMALLEST_PRIVATE_PREFIX:
        smallest_vpc = SMALLEST_PRIVATE_PREFIX - bits
        raise LayoutError(
            f"{cidr} is too small for {n_azs} private subnets of at least /{SMALLEST_PRIVATE_PREFIX}: "
            f"use a /{smallest_vpc} or larger"
        )
    blocks = list(vpc.subnets(new_prefix=private_prefix))
    private = [str(block) for block in blocks[:n_azs]]
    public_subnets: list[str] = []
    if public:
        spare = blocks[-1]
        public_prefix = max(spare.prefixlen + math.ceil(math.log2(n_azs)), LARGEST_PUBLIC_PREFIX)
        if public_prefix > SMALLEST_SUBNET_PREFIX:
            raise LayoutError(f"{cidr} leaves no room for {n_azs} public subnets of at least /{SMALLEST_SUBNET_PREFIX}")
        public_subnets = [str(block) for block in list(spare.subnets(new_prefix=public_prefix))[:n_azs]]
    return SubnetLayout(private=private, public=public_subnets)


def check_fits(cidr: str, n_azs: int, public: bool) -> str | None:
    """``None`` when the layout fits, else the reason (for the spec's cross-field rules)."""
    try:
        layout(cidr, n_azs, public)
    except LayoutError as exc:
        return str(exc)
    return None
