"""Subnet layout: inside the VPC, disjoint, big enough, and keyed by AZ name (stable under change)."""

from __future__ import annotations

import ipaddress
import itertools

import pytest

from mwaaform.network.cidr import LayoutError, check_fits, environment_zones, layout

AZS = [f"us-east-1{letter}" for letter in "abcdef"]


def test_two_azs_with_nat():
    # /16 in 8 blocks of /19: a and b are blocks 0 and 1; publics are /24s from block 7.
    got = layout("10.0.0.0/16", AZS[:2], AZS[:1])
    assert got.private == {"us-east-1a": "10.0.0.0/19", "us-east-1b": "10.0.32.0/19"}
    assert got.public == {"us-east-1a": "10.0.224.0/24"}


def test_three_azs_endpoints_only_has_no_public_subnets():
    got = layout("10.40.0.0/20", AZS[:3])
    assert got.private == {"us-east-1a": "10.40.0.0/23", "us-east-1b": "10.40.2.0/23", "us-east-1c": "10.40.4.0/23"}
    assert got.public == {}


def test_a_subnet_is_keyed_by_its_az_letter_not_its_position():
    # ap-northeast-1 has a, c and d: c keeps the slot of c, whatever else is listed.
    got = layout("10.0.0.0/16", ["ap-northeast-1c", "ap-northeast-1a"])
    assert got.private["ap-northeast-1c"] == "10.0.64.0/19"
    assert layout("10.0.0.0/16", ["ap-northeast-1a", "ap-northeast-1c"]) == got


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.0.0/20", "192.168.8.0/22", "10.1.0.0/23"])
@pytest.mark.parametrize("public", [True, False])
def test_subnets_are_disjoint_inside_the_vpc_and_large_enough(cidr, public):
    vpc = ipaddress.IPv4Network(cidr)
    try:
        got = layout(cidr, AZS, AZS if public else ())
    except LayoutError:
        assert check_fits(cidr, 6, public) is not None
        return
    nets = [ipaddress.IPv4Network(c) for c in [*got.private.values(), *got.public.values()]]
    assert len(got.private) == 6 and len(got.public) == (6 if public else 0)
    assert all(net.subnet_of(vpc) for net in nets)
    assert not any(a.overlaps(b) for a, b in itertools.combinations(nets, 2))
    assert all(ipaddress.IPv4Network(c).prefixlen <= 26 for c in got.private.values())
    # AWS: the smallest subnet is a /28.
    assert all(net.prefixlen <= 28 for net in nets)


def test_too_small_names_the_smallest_that_fits():
    problem = check_fits("10.0.0.0/24", 2, public=False)
    assert problem is not None and "/23 or larger" in problem
    assert check_fits("10.0.0.0/23", 2, public=False) is None
    # With NAT the public slots must be /28 at least: a /22.
    problem = check_fits("10.0.0.0/23", 2, public=True)
    assert problem is not None and "/22 or larger" in problem
    assert check_fits("10.0.0.0/22", ["us-east-1a", "us-east-1f"], public=True) is None


@pytest.mark.parametrize("before", [2, 3, 4, 5])
def test_adding_an_az_only_adds_a_subnet(before):
    old = layout("10.0.0.0/16", AZS[:before], AZS[:before])
    new = layout("10.0.0.0/16", AZS[: before + 1], AZS[: before + 1])
    assert {az: new.private[az] for az in old.private} == old.private
    assert {az: new.public[az] for az in old.public} == old.public


def test_an_az_letter_outside_a_to_f_is_refused():
    with pytest.raises(LayoutError, match="does not end in one of the letters a-f"):
        layout("10.0.0.0/16", ["us-east-1a", "us-east-1g"])


def test_environments_use_the_first_two_azs_by_name():
    assert environment_zones(["us-east-1c", "us-east-1a", "us-east-1b"]) == ["us-east-1a", "us-east-1b"]
    # Adding an AZ that sorts later keeps them.
    assert environment_zones(["us-east-1a", "us-east-1b", "us-east-1d"]) == ["us-east-1a", "us-east-1b"]
