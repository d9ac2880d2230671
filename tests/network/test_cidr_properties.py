"""Properties of the subnet layout for every VPC size and AZ set: disjoint, inside the VPC, within
AWS's subnet sizes, and a "too small" message that names a size that really fits.

AWS: subnets are /16 to /28 (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
Ours: a private subnet is at least a /26, a public one (it holds only a NAT gateway) at most a /24.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mwaaform.network.cidr import LayoutError, environment_zones, layout

ZONES = [f"us-east-1{letter}" for letter in "abcdef"]

# VPC blocks of every size a VPC may have (/16 to /28), at a few places in the private ranges.
vpc_blocks = st.builds(
    lambda base, prefix, index: str(ipaddress.ip_network((int(ipaddress.ip_address(base)) + index * 2 ** (32 - prefix), prefix))),
    st.sampled_from(["10.0.0.0", "10.200.0.0", "172.16.0.0", "192.168.0.0"]),
    st.integers(16, 28),
    st.integers(0, 3),
)
zone_sets = st.lists(st.sampled_from(ZONES), min_size=1, max_size=6, unique=True)


def subnets(vpc: str, zones: list[str], public: bool) -> tuple[list[str], list[str]]:
    """(private, public) CIDRs; NAT gateways (public subnets) sit in the environments' two AZs."""
    got = layout(vpc, zones, environment_zones(zones) if public else ())
    return list(got.private.values()), list(got.public.values())


@given(vpc=vpc_blocks, zones=zone_sets, public=st.booleans())
def test_every_layout_is_disjoint_inside_the_vpc_and_sized_as_aws_allows(vpc, zones, public):
    network = ipaddress.ip_network(vpc)
    try:
        private, public_subnets = subnets(vpc, zones, public)
    except LayoutError as error:
        assert network.prefixlen > 16, error  # never refused when the VPC is the largest AWS allows
        return
    nets = [ipaddress.ip_network(c) for c in private + public_subnets]
    assert len(private) == len(zones) and len(public_subnets) == (min(2, len(zones)) if public else 0)
    assert all(net.subnet_of(network) for net in nets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))
    assert all(16 <= net.prefixlen <= 28 for net in nets)
    assert all(ipaddress.ip_network(c).prefixlen <= 26 for c in private)
    assert all(ipaddress.ip_network(c).prefixlen >= 24 for c in public_subnets)


@given(prefix=st.integers(17, 28), zones=zone_sets, public=st.booleans())
def test_too_small_names_a_size_that_fits_and_nothing_smaller_fits(prefix, zones, public):
    vpc = f"10.0.0.0/{prefix}"
    try:
        subnets(vpc, zones, public)
    except LayoutError as error:
        smallest = int(str(error).split("use a /")[1].split(" ")[0])
        assert smallest < prefix
        subnets(f"10.0.0.0/{smallest}", zones, public)  # fits
        with pytest.raises(LayoutError):
            subnets(f"10.0.0.0/{smallest + 1}", zones, public)
    else:
        subnets(f"10.0.0.0/{prefix - 1}", zones, public)  # a VPC that fits also fits twice as large


@given(zones=zone_sets, extra=st.sampled_from(ZONES), public=st.booleans())
def test_adding_an_az_only_adds_and_order_changes_nothing(zones, extra, public):
    before = layout("10.0.0.0/16", zones, environment_zones(zones) if public else ())
    again = layout("10.0.0.0/16", list(reversed(zones)), environment_zones(list(reversed(zones))) if public else ())
    assert (again.private, again.public) == (before.private, before.public)
    more = [*zones, extra] if extra not in zones else zones
    after = layout("10.0.0.0/16", more, environment_zones(more) if public else ())
    assert all(after.private[z] == cidr for z, cidr in before.private.items())
