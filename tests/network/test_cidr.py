"""Subnet layout: inside the VPC, disjoint, big enough, within AWS's subnet sizes.

AWS: subnets are /16 to /28 (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
Ours: a private subnet is at least a /26, a public one (it holds only a NAT gateway) at most a /24.

The properties go through :func:`subnets`, which calls ``layout`` with a count of AZs or with
their names, whichever its signature takes, and reads private and public subnets as lists in
AZ order or as mappings keyed by AZ name.
"""

from __future__ import annotations

import inspect
import ipaddress
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mwaaform.network import cidr
from mwaaform.network.cidr import LayoutError, check_fits, layout

ZONES = [f"us-east-1{letter}" for letter in "abcdef"]


def subnets(vpc: str, n: int, public: bool) -> tuple[list[str], list[str]]:
    """(private, public) subnet CIDRs of the first ``n`` zones, in zone order."""
    second = list(inspect.signature(cidr.layout).parameters.values())[1]
    zones = ZONES[:n]
    got = cidr.layout(vpc, n if second.annotation in (int, "int") else zones, public)

    def ordered(value) -> list[str]:
        return [value[zone] for zone in zones if zone in value] if isinstance(value, dict) else list(value)

    return ordered(got.private), ordered(got.public)


# VPC blocks of every size a VPC may have (/16 to /28), at a few places in the private ranges.
vpc_blocks = st.builds(
    lambda base, prefix, index: str(ipaddress.ip_network((int(ipaddress.ip_address(base)) + index * 2 ** (32 - prefix), prefix))),
    st.sampled_from(["10.0.0.0", "10.200.0.0", "172.16.0.0", "192.168.0.0"]),
    st.integers(16, 28),
    st.integers(0, 3),
)


@given(vpc=vpc_blocks, n=st.integers(1, 6), public=st.booleans())
def test_every_layout_is_disjoint_inside_the_vpc_and_sized_as_aws_allows(vpc, n, public):
    network = ipaddress.ip_network(vpc)
    try:
        private, public_subnets = subnets(vpc, n, public)
    except LayoutError as error:
        # Never refused when the VPC is the largest AWS allows, and what the message promises holds.
        assert network.prefixlen > 16, error
        return
    nets = [ipaddress.ip_network(c) for c in private + public_subnets]
    assert len(private) == n and len(public_subnets) == (n if public else 0)
    assert all(net.subnet_of(network) for net in nets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))
    assert all(16 <= net.prefixlen <= 28 for net in nets)
    assert all(ipaddress.ip_network(c).prefixlen <= 26 for c in private)
    assert all(ipaddress.ip_network(c).prefixlen >= 24 for c in public_subnets)


@given(prefix=st.integers(17, 28), n=st.integers(2, 6), public=st.booleans())
def test_too_small_names_a_size_that_fits_and_nothing_smaller_fits(prefix, n, public):
    vpc = f"10.0.0.0/{prefix}"
    try:
        subnets(vpc, n, public)
    except LayoutError as error:
        if "or larger" not in str(error):
            return  # the private subnets fit; the public ones do not (see below)
        smallest = int(str(error).split("use a /")[1].split(" ")[0])
        assert smallest < prefix
        subnets(f"10.0.0.0/{smallest}", n, False)  # fits
        with pytest.raises(LayoutError):
            subnets(f"10.0.0.0/{smallest + 1}", n, False)
    else:
        # A VPC that fits also fits when it is twice as large.
        subnets(f"10.0.0.0/{prefix - 1}", n, public)


def test_two_azs_with_nat():
    # /16 in 4 blocks of /18: privates are the first two, publics /24s from the last block.
    got = layout("10.0.0.0/16", 2, public=True)
    assert got.private == ["10.0.0.0/18", "10.0.64.0/18"]
    assert got.public == ["10.0.192.0/24", "10.0.193.0/24"]


def test_three_azs_endpoints_only_has_no_public_subnets():
    got = layout("10.40.0.0/20", 3, public=False)
    assert got.private == ["10.40.0.0/23", "10.40.2.0/23", "10.40.4.0/23"]
    assert got.public == []


def test_public_subnets_of_exactly_a_28_fit_and_smaller_ones_are_refused():
    # /23 with 4 AZs: private /26s, and the last /26 holds four /28 public subnets.
    private, public = subnets("10.0.0.0/23", 4, True)
    assert private == ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]
    assert public == ["10.0.1.192/28", "10.0.1.208/28", "10.0.1.224/28", "10.0.1.240/28"]
    # /22 with 5 AZs: private /26s fit, but five public subnets would be /29s.
    with pytest.raises(LayoutError, match=r"leaves no room for 5 public subnets of at least /28"):
        subnets("10.0.0.0/22", 5, True)
    assert check_fits("10.0.0.0/22", 5, public=False) is None
    assert "no room for 5 public subnets" in check_fits("10.0.0.0/22", 5, public=True)


def test_one_zone_is_one_subnet_and_no_zone_is_an_error():
    assert [len(side) for side in subnets("10.0.0.0/16", 1, True)] == [1, 1]
    with pytest.raises(LayoutError, match=r"^at least one availability zone is needed$"):
        subnets("10.0.0.0/16", 0, False)


def test_too_small_names_the_smallest_that_fits():
    problem = check_fits("10.0.0.0/26", 2, public=True)
    assert problem is not None and "use a /24 or larger" in problem
    assert check_fits("10.0.0.0/24", 2, public=True) is None
    assert check_fits("10.0.0.0/25", 2, public=True) is not None


def test_adding_an_az_keeps_the_existing_subnets_when_the_split_does_not_change():
    # 3 and 4 AZs share the same split: the fourth AZ only adds a subnet.
    assert layout("10.0.0.0/16", 4, False).private[:3] == layout("10.0.0.0/16", 3, False).private
