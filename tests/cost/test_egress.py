"""The egress choices and the break-even, against hand calculations at us-east-1 list prices.

Hand figures: NAT gateway $0.045/hour and $0.045/GB, interface endpoint $0.01 per AZ-hour and
$0.01/GB, public IPv4 $0.005/hour, 730 hours a month (https://aws.amazon.com/vpc/pricing/,
https://aws.amazon.com/privatelink/pricing/).
"""

from __future__ import annotations

import pytest

from mwaaform.cost.egress import break_even_gb, choose_egress, egress_options

HOURS = 730
UNPRICED = "sa-east-1"  # a region mwaaform/data/prices.yaml does not list


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
    options = egress_options(UNPRICED, azs=2, traffic_gb=50)
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
    options = egress_options(UNPRICED, azs=2, traffic_gb=50)
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


# --- Every figure and sentence a reader sees, from the same hand calculations (us-east-1).

from mwaaform.cost.egress import EgressOption, extra_interface_count  # noqa: E402


def test_each_choice_itemised_as_the_cost_report_prints_it():
    options = _by_choice(egress_options("us-east-1", azs=3, traffic_gb=12.4, extra_interface=2))
    # Two extra endpoints in two AZs: 2 x 2 x 0.01 x 730 = 29.20; 12.4 GB x 0.045 = 0.558; x 0.01 = 0.124.
    assert options["single_nat"].as_dict() == {
        "choice": "single_nat",
        "monthly": 66.26,  # 32.85 + 0.558 + 3.65 + 29.20
        "fixed": 65.70,
        "perGb": 0.045,
        "parts": {"NAT gateway hours (1)": 32.85, "NAT data processed (12.4 GB)": 0.56, "public IPv4 addresses (1)": 3.65,
                  "extra interface endpoints (2)": 29.20},
        "availability": "one NAT gateway in one AZ: if that AZ fails, every environment loses its way out",
        "isolation": "internet path out (PyPI reachable; data can leave to any address)",
    }
    per_az = options["nat_per_az"].as_dict()
    # Three AZs, but a NAT gateway only in the two the environments use: 2 x 0.045 x 730 = 65.70,
    # 2 x 0.005 x 730 = 7.30; fixed 65.70 + 7.30 + 29.20 = 102.20, plus 0.558 of traffic.
    assert per_az["parts"] == {"NAT gateway hours (2)": 65.70, "NAT data processed (12.4 GB)": 0.56, "public IPv4 addresses (2)": 7.30,
                               "extra interface endpoints (2)": 29.20}
    assert (per_az["fixed"], per_az["monthly"]) == (102.20, 102.76)
    assert per_az["availability"] == "a NAT gateway in each environment AZ: an AZ failure takes out only that AZ's path"
    assert per_az["isolation"] == "internet path out (PyPI reachable; data can leave to any address)"
    endpoints = options["endpoints_only"].as_dict()
    # MWAA's nine interface endpoints and the two extra, each in two AZs: 11 x 2 x 0.01 x 730 = 160.60
    assert endpoints["parts"] == {"interface endpoints (11 in 2 AZs)": 160.60, "endpoint data processed (12.4 GB)": 0.12}
    assert (endpoints["fixed"], endpoints["perGb"], endpoints["monthly"]) == (160.60, 0.01, 160.72)
    assert endpoints["availability"] == "endpoints in both environment subnets: no single point of failure"
    assert endpoints["isolation"] == "no internet path: only AWS services with an endpoint; requirements ship as wheels"


def test_without_extra_endpoints_there_is_no_extra_line_and_ipv4_can_be_left_out():
    options = _by_choice(egress_options("us-east-1", azs=2, traffic_gb=50, ipv4=False))
    assert [label for label, _ in options["single_nat"].parts] == [
        "NAT gateway hours (1)", "NAT data processed (50 GB)", "public IPv4 addresses (1)"
    ]
    assert dict(options["single_nat"].parts)["public IPv4 addresses (1)"] == 0.0
    assert options["single_nat"].fixed == pytest.approx(32.85)
    assert options["nat_per_az"].fixed == pytest.approx(65.70)


def test_unknown_prices_show_as_none_in_the_report():
    option = _by_choice(egress_options(UNPRICED, azs=2, traffic_gb=50))["nat_per_az"]
    assert (option.as_dict()["monthly"], option.as_dict()["fixed"]) == (None, None)
    assert EgressOption("single_nat", 1.0, None, 5).monthly is None
    assert EgressOption("single_nat", None, 0.1, 5).monthly is None
    assert EgressOption("single_nat", 1.0, 0.1, 5).monthly == pytest.approx(1.5)


def test_break_even_edges():
    nat = EgressOption("single_nat", 10.0, 0.045, 0)
    # Endpoints with a lower fixed cost are cheaper from the first GB.
    assert break_even_gb(EgressOption("endpoints_only", 5.0, 0.01, 0), nat) == 0.0
    # A rate no lower than NAT's never breaks even.
    assert break_even_gb(EgressOption("endpoints_only", 20.0, 0.045, 0), nat) is None
    assert break_even_gb(EgressOption("endpoints_only", 20.0, 0.05, 0), nat) is None
    assert break_even_gb(EgressOption("endpoints_only", 20.0, 0.035, 0), nat) == pytest.approx(1000.0)
    for unknown in (EgressOption("endpoints_only", None, 0.01, 0), EgressOption("endpoints_only", 20.0, None, 0)):
        assert break_even_gb(unknown, nat) is None
    assert break_even_gb(EgressOption("endpoints_only", 20.0, 0.01, 0), EgressOption("single_nat", 10.0, None, 0)) is None
    assert break_even_gb(EgressOption("endpoints_only", 20.0, 0.01, 0), EgressOption("single_nat", None, 0.045, 0)) is None


ALL = ["single_nat", "nat_per_az", "endpoints_only"]


def test_the_reason_names_the_winner_and_every_other_price():
    decision = choose_egress(egress_options("us-east-1", azs=2, traffic_gb=30000), ALL, "internal", ["restricted"])
    # endpoints 131.40 + 300 = 431.40; one NAT 36.50 + 1,350 = 1,386.50; two NATs 73 + 1,350 = 1,423
    assert decision.choice == "endpoints_only"
    assert decision.reason == "cheapest allowed at 30000 GB/month: $431.40 (vs single_nat $1,386.50, nat_per_az $1,423.00)"
    assert decision.as_dict() == {"choice": "endpoints_only", "auto": True, "reason": decision.reason}
    assert len(decision.considered) == 3


def test_restricted_data_reason_and_no_comparison():
    decision = choose_egress(egress_options("us-east-1", azs=2, traffic_gb=0), ALL, "restricted", ["restricted", "secret"])
    assert decision.choice == "endpoints_only"
    assert decision.reason == "data classified restricted may have no internet path; cheapest allowed at 0 GB/month: $131.40"


def test_a_tie_within_a_cent_goes_to_the_first_choice_in_order():
    options = [EgressOption("endpoints_only", 10.0, 0.0, 0), EgressOption("nat_per_az", 10.004, 0.0, 0), EgressOption("single_nat", 10.0, 0.0, 0)]
    assert choose_egress(options, ALL, "internal", []).choice == "single_nat"
    assert choose_egress(options, ["nat_per_az", "endpoints_only"], "internal", []).choice == "nat_per_az"
    cheaper = [EgressOption("endpoints_only", 9.98, 0.0, 0), EgressOption("single_nat", 10.0, 0.0, 0)]
    assert choose_egress(cheaper, ALL, "internal", []).choice == "endpoints_only"


def test_no_allowed_choice_falls_back_to_no_internet():
    options = egress_options("us-east-1", azs=2, traffic_gb=50)
    decision = choose_egress(options, ["single_nat"], "restricted", ["restricted"])
    assert (decision.choice, decision.reason, decision.auto) == (
        "endpoints_only", "no allowed choice left: no internet path is the safe one", True
    )
    assert decision.considered == options


def test_without_prices_the_most_isolated_allowed_choice_and_the_rules_are_said():
    options = egress_options(UNPRICED, azs=2, traffic_gb=50)
    assert choose_egress(options, ALL, "internal", []).choice == "endpoints_only"
    decision = choose_egress(options, ["single_nat"], "internal", [])
    assert decision.choice == "single_nat"
    assert decision.reason == "auto_egress.allowed is single_nat; prices unknown for this region: picked the most isolated choice allowed"


def test_extra_interface_count_leaves_out_gateways_and_mwaas_own():
    assert extra_interface_count(["s3", "dynamodb", "sqs", "logs", "glue", "secretsmanager"]) == 2
    assert extra_interface_count([]) == 0


def test_a_region_priced_for_nat_but_not_for_endpoints():
    from mwaaform.cost.prices import PriceTable

    def price(amount, unit):
        return {"unit": unit, "price": amount, "source": "test", "checked": "2026-11-27"}

    table = PriceTable(730.0, {"xx-test-1": {"nat_gateway_hour": price(0.05, "hour"), "nat_gateway_data": price(0.05, "GB"),
                                             "public_ipv4_hour": price(0.005, "hour")}}, {})
    options = _by_choice(egress_options("xx-test-1", azs=2, traffic_gb=10, prices=table))
    # One NAT: 0.05 x 730 + 0.005 x 730 = 40.15 fixed, plus 10 x 0.05; the endpoints' price is unknown.
    assert options["single_nat"].fixed == pytest.approx(40.15)
    assert options["single_nat"].monthly == pytest.approx(40.65)
    assert options["endpoints_only"].monthly is None
    decision = choose_egress(list(options.values()), ALL, "internal", [])
    assert decision.choice == "single_nat" and decision.reason == "cheapest allowed at 10 GB/month: $40.65 (vs nat_per_az $80.80)"


def test_a_pick_without_prices_is_still_an_auto_pick_with_the_options_considered():
    options = egress_options(UNPRICED, azs=2, traffic_gb=50)
    decision = choose_egress(options, ALL, "internal", [])
    assert decision.auto is True and decision.considered == options
    assert decision.as_dict()["auto"] is True
