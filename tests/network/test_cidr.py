"""Subnet layout: inside the VPC, disjoint, big enough, stable."""

from __future__ import annotations

import ipaddress
import itertools

import pytest

from mwaaform.network.cidr import LayoutError, check_fits, layout


def test_two_azs_with_nat():
    # /16 in 4 blocks of /18: privates are the first two, publics /24s from the last block.
    got = layout("10.0.0.0/16", 2, public=True)
    assert got.private == ["10.0.0.0/18", "10.0.64.0/18"]
    assert got.public == ["10.0.192.0/24", "10.0.193.0/24"]


def test_three_azs_endpoints_only_has_no_public_subnets():
    got = layout("10.40.0.0/20", 3, public=False)
    assert got.private == ["10.40.0.0/23", "10.40.2.0/23", "10.40.4.0/23"]
    assert got.public == []


@pytest.mark.parametrize(
    ("cidr", "n", "public"),
    [(c, n, p) for c, n, p in itertools.product(["10.0.0.0/16", "172.16.0.0/20", "192.168.8.0/22", "10.1.0.0/23"], range(2, 7), [True, False])],
)
def test_subnets_are_disjoint_inside_the_vpc_and_large_enough(cidr, n, public):
    vpc = ipaddress.IPv4Network(cidr)
    try:
        got = layout(cidr, n, public)
    except LayoutError:
        assert check_fits(cidr, n, public) is not None
        return
    nets = [ipaddress.IPv4Network(c) for c in got.private + got.public]
    assert len(got.private) == n and len(got.public) == (n if public else 0)
    assert all(net.subnet_of(vpc) for net in nets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))
    assert all(net.prefixlen <= 26 for net in map(ipaddress.IPv4Network, got.private))
    # AWS: the smallest subnet is a /28.
    assert all(net.prefixlen <= 28 for net in nets)


def test_too_small_names_the_smallest_that_fits():
    problem = check_fits("10.0.0.0/26", 2, public=True)
    assert problem is not None and "/24 or larger" in problem
    assert check_fits("10.0.0.0/24", 2, public=True) is None


def test_adding_an_az_keeps_the_existing_subnets_when_the_split_does_not_change():
    # 3 and 4 AZs share the same split: the fourth AZ only adds a subnet.
    assert layout("10.0.0.0/16", 4, False).private[:3] == layout("10.0.0.0/16", 3, False).private
