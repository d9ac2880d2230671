"""The price table's regions: each lists every item, and its figures are the ones its sources give.

Expected figures are typed from the sources cited in mwaaform/data/prices.yaml (copies of AWS's
per-region price data; the AWS pages for the figures that do not vary by region), not copied from
the file; estimates are worked out by hand from them, over a 730-hour month (30.4167 days).
"""

from __future__ import annotations

import json

import pytest

from mwaaform.cost.egress import break_even_gb, egress_options
from mwaaform.cost.estimate import UNITS, estimate_document
from mwaaform.cost.prices import load_prices
from tests.golden.regenerate import GOLDEN

H = 730
DAYS = 730 / 24
NEW = ("eu-central-1", "eu-west-1", "us-west-2", "us-east-2", "ap-southeast-2")
MWAA_ITEMS = ("mwaa_environment", "mwaa_additional_worker", "mwaa_additional_scheduler", "mwaa_additional_webserver")

# Per region: NAT gateway hour and GB, interface endpoint AZ-hour, CloudWatch Logs ingestion
# (custom and vended to CloudWatch Logs alike) and storage (GB-month).
REGIONAL = {
    "eu-central-1": (0.052, 0.052, 0.012, 0.63, 0.0324),
    "eu-west-1": (0.048, 0.048, 0.011, 0.57, 0.03),
    "us-west-2": (0.045, 0.045, 0.01, 0.50, 0.03),
    "us-east-2": (0.045, 0.045, 0.01, 0.50, 0.03),
    "ap-southeast-2": (0.059, 0.059, 0.013, 0.67, 0.033),
}


def test_every_region_lists_every_item_of_us_east_1():
    """A region says, item by item, what it knows: nothing is missing by omission."""
    prices = load_prices()
    assert set(prices.regions) == {"us-east-1", *NEW}
    assert set(prices.regions["us-east-1"]) == set(UNITS)
    for region, entries in prices.regions.items():
        assert set(entries) == set(prices.regions["us-east-1"]), region
        for name, entry in entries.items():
            assert entry["unit"] == UNITS[name], f"{region}.{name}"
            assert ("by_class" in entry) == (name in MWAA_ITEMS), f"{region}.{name}: the shape of us-east-1"


@pytest.mark.parametrize("region", NEW)
def test_each_regions_figures_are_its_sources(region):
    prices = load_prices()
    nat_hour, nat_gb, endpoint_hour, logs_gb, stored = REGIONAL[region]

    def amount(item, cls=None):
        price = prices.price(region, item, cls)
        return None if price is None else price.amount

    assert (amount("nat_gateway_hour"), amount("nat_gateway_data")) == (nat_hour, nat_gb)
    assert (amount("interface_endpoint_hour"), amount("interface_endpoint_data")) == (endpoint_hour, 0.01)
    assert (amount("logs_ingestion"), amount("logs_vended_ingestion"), amount("logs_storage")) == (logs_gb, logs_gb, stored)
    assert (amount("public_ipv4_hour"), amount("alarm"), amount("kms_key")) == (0.005, 0.10, 1.00)
    assert (amount("gateway_endpoint"), amount("sns_topic")) == (0.0, 0.0)
    # MWAA's figures are the same in these regions (AWS's price data, 2025-06-05).
    assert [amount("mwaa_environment", c) for c in ("mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge")] == [
        0.49, 0.74, 0.99, 1.98, 3.96
    ]
    for item in ("mwaa_additional_worker", "mwaa_additional_scheduler"):
        assert [amount(item, c) for c in ("mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge")] == [
            0.055, 0.11, 0.22, 0.44, 0.88
        ]
    assert [amount("mwaa_additional_webserver", c) for c in ("mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge")] == [
        0.055, 0.11, 0.22, 0.44
    ]
    assert amount("mwaa_database_storage") == 0.10


@pytest.mark.parametrize("region", ["us-east-1", *NEW])
def test_what_no_source_settles_stays_unknown(region):
    """mw1.micro is in no price data; mw1.small's web server has two conflicting figures."""
    prices = load_prices()
    for item in MWAA_ITEMS:
        assert prices.price(region, item, "mw1.micro") is None
    assert prices.price(region, "mwaa_additional_webserver", "mw1.small") is None


def test_us_east_2_nat_gateway_agrees_with_the_vpc_pricing_pages_ohio_example():
    """https://aws.amazon.com/vpc/pricing/: the NAT gateway example is in US East (Ohio), $0.045/hour and $0.045/GB."""
    prices = load_prices()
    assert prices.monthly("us-east-2", "nat_gateway_hour") == pytest.approx(H * 0.045)
    assert prices.monthly("us-east-2", "nat_gateway_data") == 0.045


def _in_region(name: str, region: str) -> dict:
    """A recorded plan as if its stack were in ``region`` (the provider's region is what prices it)."""
    document = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    for step in document["steps"]:
        if step["newState"]["type"] == "pulumi:providers:aws":
            step["newState"]["inputs"]["region"] = region
    return document


def test_the_dev_plan_priced_in_eu_central_1_line_by_line():
    estimate = estimate_document(_in_region("dev-analytics", "eu-central-1"))
    assert estimate.region == "eu-central-1"
    own = {i.name: i.monthly for i in estimate.environments["analytics-dev"].items}
    assert own == {
        "environment (mw1.small)": pytest.approx(H * 0.49),  # 357.70
        "additional workers": 0.0,
        "additional schedulers": 0.0,
        "additional web servers": 0.0,  # none run: mw1.small's unknown web server price is not needed
        "metadata database storage": pytest.approx(10 * 0.10),
        "logs ingestion": pytest.approx(5 * 0.63),
        "logs storage (14 days kept)": pytest.approx(5 * 14 / DAYS * 0.0324),
        "NAT data processed": pytest.approx(50 * 0.052),
    }
    shared = {i.name: i.monthly for i in estimate.shared}
    assert shared == {
        "NAT gateway network-us-east-1a": pytest.approx(H * 0.052),  # 37.96; the resource keeps its recorded name
        "public IPv4 address network-nat-us-east-1a": pytest.approx(H * 0.005),
        "gateway endpoint s3": 0.0,
        "KMS key stack-key": 1.00,
    }
    assert not estimate.unknown
    assert round(estimate.monthly, 2) == round(357.70 + 1.00 + 3.15 + 5 * 14 / DAYS * 0.0324 + 2.60 + 37.96 + 3.65 + 1.00, 2) == 407.13


def test_the_prod_plan_priced_in_ap_southeast_2_pays_sydneys_endpoint_hours():
    estimate = estimate_document(_in_region("prod-data", "ap-southeast-2"))
    endpoints = [i for i in estimate.shared if i.price_item == "interface_endpoint_hour"]
    assert len(endpoints) == 12 and all(i.monthly == pytest.approx(2 * H * 0.013) for i in endpoints)  # 18.98 each
    flow = {i.name: i.monthly for i in estimate.shared if i.name.startswith("VPC flow logs")}
    assert flow == {
        "VPC flow logs ingestion": pytest.approx(5 * 0.67),
        "VPC flow logs storage (365 days kept)": pytest.approx(5 * 365 / DAYS * 0.033),
    }
    assert not estimate.unknown


def test_egress_choices_in_eu_central_1():
    """One environment in two AZs at 50 GB: Frankfurt's NAT, IPv4 and endpoint prices, by hand."""
    options = {o.choice: o for o in egress_options("eu-central-1", azs=2, traffic_gb=50)}
    assert options["single_nat"].monthly == pytest.approx(H * 0.052 + H * 0.005 + 50 * 0.052)  # 44.21
    assert options["nat_per_az"].monthly == pytest.approx(2 * (H * 0.052 + H * 0.005) + 50 * 0.052)  # 85.82
    assert options["endpoints_only"].monthly == pytest.approx(9 * 2 * H * 0.012 + 50 * 0.01)  # 158.18
    even = (9 * 2 * H * 0.012 - H * (0.052 + 0.005)) / (0.052 - 0.01)
    assert break_even_gb(options["endpoints_only"], options["single_nat"]) == pytest.approx(even)  # 2,763.6 GB


def test_a_region_not_in_the_table_is_unknown_everywhere():
    estimate = estimate_document(_in_region("dev-analytics", "sa-east-1"))
    assert estimate.monthly == 0
    assert all(i.unit_price is None for i in [*estimate.shared, *estimate.environments["analytics-dev"].items])


@pytest.mark.parametrize(
    "price",
    ["'0.045'", "-0.045", "true"],
)
def test_a_price_that_is_not_a_figure_is_refused(tmp_path, price):
    table = tmp_path / "prices.yaml"
    table.write_text(
        "hours_per_month: 730\nmwaa_included: {default: {workers: 1, schedulers: 2, webservers: 2}}\nregions:\n  us-east-2:\n"
        f"    nat_gateway_hour: {{unit: hour, price: {price}, source: https://aws.amazon.com/vpc/pricing/, checked: 2026-11-28}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="us-east-2.nat_gateway_hour.price is a dollar figure, or null when unknown"):
        load_prices(table)


def test_class_figures_must_be_figures_and_unknown_is_null(tmp_path):
    table = tmp_path / "prices.yaml"
    head = "hours_per_month: 730\nmwaa_included: {default: {workers: 1, schedulers: 2, webservers: 2}}\nregions:\n  eu-west-1:\n"
    source = "source: https://aws.amazon.com/managed-workflows-for-apache-airflow/pricing/, checked: 2026-11-28"
    table.write_text(head + f"    mwaa_environment: {{unit: hour, by_class: {{mw1.small: n/a}}, {source}}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="eu-west-1.mwaa_environment.by_class maps classes to dollar figures"):
        load_prices(table)
    table.write_text(
        head + f"    mwaa_environment: {{unit: hour, by_class: {{}}, {source}}}\n"
        f"    mwaa_database_storage: {{unit: GB-month, price: null, {source}}}\n",
        encoding="utf-8",
    )
    prices = load_prices(table)
    assert prices.price("eu-west-1", "mwaa_environment", "mw1.small") is None
    assert prices.price("eu-west-1", "mwaa_database_storage") is None
