"""Subnet layout of a managed VPC: a pure function of the VPC CIDR and the AZ *names*.

Each subnet's CIDR is keyed by its AZ's letter, never by its position in the spec's list, so
adding an AZ only adds a subnet and reordering the list changes nothing:

* the VPC is cut into 8 equal blocks; the private subnet of AZ ``<region>a`` is block 0, of
  ``<region>b`` block 1, ... up to ``f`` (block 5): room for every AZ a region has;
* block 6 stays free (for growth, e.g. a second subnet tier);
* block 7 is cut into 8 public slots (each that share or a /24, whichever is smaller); the
  public subnet of AZ letter *i* is slot *i*. Public subnets exist only with NAT gateways and
  hold nothing else.

Sizes: AWS regions have at most six AZs (us-east-1 has ``a`` to ``f``:
https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
Subnets are /16 to /28 and AWS reserves 5 addresses in each
(https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

# AZ letters a region may have, in slot order (the most any region has is six).
AZ_LETTERS = "abcdef"
# The VPC is cut into 2**3 = 8 blocks: six private slots, one free, one for the public subnets.
BLOCK_BITS = 3
PUBLIC_BLOCK = 7
# AWS: the smallest subnet is a /28.
SMALLEST_SUBNET_PREFIX = 28
# Our floor for a private subnet: a /26 leaves 59 usable addresses per AZ for the environments'
# workers, schedulers, web servers and the interface endpoints' network interfaces.
SMALLEST_PRIVATE_PREFIX = 26
# Public subnets hold only a NAT gateway: a /24 is plenty, never more.
LARGEST_PUBLIC_PREFIX = 24
# How many environments' subnets: MWAA takes exactly two, in different AZs.
ENVIRONMENT_SUBNETS = 2


@dataclass(frozen=True)
class SubnetLayout:
    # AZ name -> CIDR
    private: dict[str, str]
    public: dict[str, str]


class LayoutError(ValueError):
    """The VPC CIDR cannot hold the subnets it must."""


def az_slot(az: str) -> int:
    """The slot of an AZ: its letter's place in ``a..f``."""
    letter = az[-1:]
    if not letter or letter not in AZ_LETTERS:
        raise LayoutError(f"availability zone {az!r} does not end in one of the letters {AZ_LETTERS[0]}-{AZ_LETTERS[-1]}")
    return AZ_LETTERS.index(letter)


def environment_zones(azs: Sequence[str]) -> list[str]:
    """The two AZs whose private subnets the environments use: the first two by name, so
    reordering the spec's list changes nothing and adding a later AZ keeps them."""
    return sorted(azs)[:ENVIRONMENT_SUBNETS]


def layout(cidr: str, azs: Sequence[str], public_azs: Sequence[str] = ()) -> SubnetLayout:
    """Private subnet CIDRs for ``azs`` and public ones for ``public_azs`` (the NAT gateways' AZs)."""
    if not azs:
        raise LayoutError("at least one availability zone is needed")
    vpc = ipaddress.IPv4Network(cidr)
    private_prefix = vpc.prefixlen + BLOCK_BITS
    if private_prefix > SMALLEST_PRIVATE_PREFIX:
        # The size to suggest is one that holds everything asked for, public subnets included.
        smallest = SMALLEST_PRIVATE_PREFIX - BLOCK_BITS
        if public_azs:
            smallest = min(smallest, SMALLEST_SUBNET_PREFIX - 2 * BLOCK_BITS)
        raise LayoutError(
            f"{cidr} is too small for private subnets of at least /{SMALLEST_PRIVATE_PREFIX} "
            f"(one of 8 slots each): use a /{smallest} or larger"
        )
    blocks = list(vpc.subnets(new_prefix=private_prefix))
    private = {az: str(blocks[az_slot(az)]) for az in azs}
    public: dict[str, str] = {}
    if public_azs:
        spare = blocks[PUBLIC_BLOCK]
        public_prefix = max(spare.prefixlen + BLOCK_BITS, LARGEST_PUBLIC_PREFIX)
        if public_prefix > SMALLEST_SUBNET_PREFIX:
            smallest = SMALLEST_SUBNET_PREFIX - 2 * BLOCK_BITS
            raise LayoutError(
                f"{cidr} leaves no room for public subnets of at least /{SMALLEST_SUBNET_PREFIX} for the NAT gateways: "
                f"use a /{smallest} or larger"
            )
        slots = list(spare.subnets(new_prefix=public_prefix))
        public = {az: str(slots[az_slot(az)]) for az in public_azs}
    return SubnetLayout(private=private, public=public)


def check_fits(cidr: str, azs: Sequence[str] | int, public: bool) -> str | None:
    """``None`` when the layout fits, else the reason (for the spec's cross-field rules).
    ``azs`` may be a count (the layout's size does not depend on it) or the AZ names."""
    names = list(AZ_LETTERS[: max(1, azs)]) if isinstance(azs, int) else list(azs)
    try:
        layout(cidr, names, names[:1] if public else ())
    except LayoutError as exc:
        return str(exc)
    return None
