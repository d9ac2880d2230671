"""The egress choices and the break-even, against hand calculations at us-east-1 list prices.

Hand figures: NAT gateway $0.045/hour and $0.045/GB, interface endpoint $0.01 per AZ-hour and
$0.01/GB, public IPv4 $0.005/hour, 730 hours a month (https://aws.amazon.com/vpc/pricing/,
https://aws.amazon.com/privatelink/pricing/).
"""

from __future__ import annotations

import pytest

from mwaaform.cost.egress import break_even_gb, choose_egress, egress_options

HOURS = 730


def _by_choice(options):
    return {o.choice: o for o in options}


def _nat_part(option) -> float:
    return sum(amount for label, amount in option.parts if label.startswith("NAT"))


def test_worked_example_one_environment_two_azs_50_gb():
    options = _by_choice(egress_options("us-east-1", azs=2, traffic_gb=50))
    # One NAT: 0.045 x 730 + 50 x 0.045 = 32.85 + 2.25
    assert _nat_part(options["single_nat"]) == pytest.approx(35.10)
    # A NAT per AZ: 2 x 32.85 + 2.25
    assert _nat_part(options["nat_per_az"]) == pytest.approx(67.95)
    # Nine interface endpoints in two AZs: 9 x 2 x 0.01 x 730, plus 50 x 0.01 of traffic
    endpoints = dict(options["endpoints_only"].parts)
    assert endpoints["interface endpoints (9 in 2 AZs)"] == pytest.approx(131.40)
    assert endpoints["endpoint data processed (50 GB)"] == pytest.approx(0.50)
    assert options["endpoints_only"].monthly == pytest.approx(131.90)
    # Each NAT gateway's public IPv4 address adds 0.005 x 730 = 3.65.
    assert options["single_nat"].monthly == pytest.approx(35.10 + 3.65)
    assert options["nat_per_az"].monthly == pytest.approx(67.95 + 2 * 3.65)


def test_break_even_against_one_nat():
    without_ipv4 = _by_choice(egress_options("us-east-1", azs=2, traffic_gb=50, ipv4=False))
    # (131.40 - 32.85) / (0.045 - 0.01) = 2,815.7 GB a month
    assert break_even_gb(without_ipv4["endpoints_only"], without_ipv4["single_nat"]) == pytest.approx(98.55 / 0.035)
    assert round(98.55 / 0.035) == 2816
    with_ipv4 = _by_choice(egress_options("us-east-1", azs=2, traffic_gb=50))
    # (131.40 - 32.85 - 3.65) / 0.035 = 2,711.4 GB a month
    assert break_even_gb(with_ipv4["endpoints_only"], with_ipv4["single_nat"]) == pytest.approx(94.90 / 0.035)


def test_break_even_is_where_the_costs_cross():
    options = _by_choice(egress_options("us-east-1", azs=3, traffic_gb=0, extra_interface=3))
    gb = break_even_gb(options["endpoints_only"], options["nat_per_az"])
    at = _by_choice(egress_options("us-east-1", azs=3, traffic_gb=gb, extra_interface=3))
    assert at["endpoints_only"].monthly == pytest.approx(at["nat_per_az"].monthly)


def test_extra_interface_endpoints_cost_the_same_in_every_choice():
    base = _by_choice(egress_options("us-east-1", azs=2, traffic_gb=50))
    more = _by_choice(egress_options("us-east-1", azs=2, traffic_gb=50, extra_interface=3))
    for choice in base:
        assert more[choice].monthly - base[choice].monthly == pytest.approx(3 * 2 * 0.01 * HOURS)


def test_unknown_region_prices_are_unknown_not_borrowed():
    options = egress_options("eu-central-1", azs=2, traffic_gb=50)
    assert all(o.monthly is None for o in options)
    assert break_even_gb(options[2], options[0]) is None


def test_auto_picks_the_cheapest_allowed_and_says_why():
    options = egress_options("us-east-1", azs=2, traffic_gb=50)
    decision = choose_egress(options, ["single_nat", "nat_per_az", "endpoints_only"], "internal", ["restricted"])
    assert decision.choice == "single_nat"
    assert "cheapest allowed at 50 GB/month: $38.75" in decision.reason
    prod = choose_egress(options, ["nat_per_az", "endpoints_only"], "internal", ["restricted"])
    assert prod.choice == "nat_per_az" and "auto_egress.allowed is nat_per_az, endpoints_only" in prod.reason


def test_auto_turns_to_endpoints_above_the_break_even():
    options = egress_options("us-east-1", azs=2, traffic_gb=3000)
    assert choose_egress(options, ["single_nat", "nat_per_az", "endpoints_only"], "internal", []).choice == "endpoints_only"


def test_auto_never_gives_restricted_data_an_internet_path():
    options = egress_options("us-east-1", azs=2, traffic_gb=0)
    decision = choose_egress(options, ["single_nat", "nat_per_az", "endpoints_only"], "restricted", ["restricted"])
    assert decision.choice == "endpoints_only"
    assert "restricted may have no internet path" in decision.reason


def test_auto_without_prices_picks_the_most_isolated_allowed_choice():
    options = egress_options("eu-central-1", azs=2, traffic_gb=50)
    decision = choose_egress(options, ["single_nat", "nat_per_az"], "internal", ["restricted"])
    assert decision.choice == "nat_per_az" and "prices unknown" in decision.reason


def test_nat_per_az_is_priced_with_the_gateways_the_network_builds():
    # Three AZs, but nat_per_az builds gateways only in the two the environments use (the third
    # routes through the first): the advisor and `egress: auto` must price two, not three.
    from components.network import nat_zones

    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    gateways = len(nat_zones("nat_per_az", azs))
    assert gateways == 2
    option = _by_choice(egress_options("us-east-1", azs=len(azs), traffic_gb=0))["nat_per_az"]
    assert option.fixed == pytest.approx(gateways * (0.045 + 0.005) * HOURS)  # $73.00
