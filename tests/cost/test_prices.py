"""The price table's regions: what each one knows, what it marks unknown, and where it says so.

Figures are checked against the sources cited in mwaaform/data/prices.yaml, not against the file.
"""

from __future__ import annotations

import json

import pytest

from mwaaform.cost.estimate import UNITS, estimate_document
from mwaaform.cost.prices import load_prices
from tests.golden.regenerate import GOLDEN

H = 730
DAYS = 730 / 24
REGIONS = ("us-east-1", "eu-central-1", "eu-west-1", "us-west-2", "us-east-2", "ap-southeast-2")
MWAA_ITEMS = ("mwaa_environment", "mwaa_additional_worker", "mwaa_additional_scheduler", "mwaa_additional_webserver")
CLASSES = ("mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge")


def test_every_region_lists_every_item_of_us_east_1():
    """A region says, item by item, whether it has a figure: nothing is missing by omission."""
    prices = load_prices()
    assert set(prices.regions) == set(REGIONS)
    assert set(prices.regions["us-east-1"]) == set(UNITS)
    for region, entries in prices.regions.items():
        assert set(entries) == set(prices.regions["us-east-1"]), region
        for name, entry in entries.items():
            assert entry["unit"] == UNITS[name], f"{region}.{name}"
            assert ("by_class" in entry) == (name in MWAA_ITEMS), f"{region}.{name}: same shape as us-east-1"


def test_figures_not_found_for_a_region_are_unknown_there():
    prices = load_prices()
    for region in ("eu-central-1", "eu-west-1", "us-west-2", "us-east-2", "ap-southeast-2"):
        for item in MWAA_ITEMS:
            assert all(prices.price(region, item, cls) is None for cls in CLASSES), f"{region}.{item}"
        for item in ("mwaa_database_storage", "interface_endpoint_hour", "interface_endpoint_data", "logs_ingestion",
                     "logs_vended_ingestion", "logs_storage", "alarm"):
            assert prices.price(region, item) is None, f"{region}.{item}"
            assert prices.monthly(region, item) is None, f"{region}.{item}"
    for region in ("eu-central-1", "eu-west-1", "us-west-2", "ap-southeast-2"):
        assert prices.price(region, "nat_gateway_hour") is None and prices.price(region, "nat_gateway_data") is None


def test_us_east_2_nat_gateway_is_the_vpc_pricing_pages_ohio_example():
    """https://aws.amazon.com/vpc/pricing/: the NAT gateway example is in US East (Ohio), $0.045/hour and $0.045/GB."""
    prices = load_prices()
    hour, data = prices.price("us-east-2", "nat_gateway_hour"), prices.price("us-east-2", "nat_gateway_data")
    assert (hour.amount, hour.unit, data.amount, data.unit) == (0.045, "hour", 0.045, "GB")
    assert hour.source == data.source == "https://aws.amazon.com/vpc/pricing/"
    assert prices.monthly("us-east-2", "nat_gateway_hour") == pytest.approx(32.85)


def test_figures_aws_gives_once_for_every_region():
    """KMS key $1/month (kms/pricing), public IPv4 $0.005/hour (the 2024 announcement), gateway endpoints free."""
    prices = load_prices()
    for region in REGIONS:
        assert prices.price(region, "kms_key").amount == 1.00
        assert prices.price(region, "kms_key").source == "https://aws.amazon.com/kms/pricing/"
        assert prices.price(region, "public_ipv4_hour").amount == 0.005
        assert prices.price(region, "gateway_endpoint").amount == 0.0
        assert prices.price(region, "sns_topic").amount == 0.0


def _in_region(name: str, region: str) -> dict:
    """A recorded plan as if its stack were in ``region`` (the provider's region is what prices it)."""
    document = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    for step in document["steps"]:
        if step["newState"]["type"] == "pulumi:providers:aws":
            step["newState"]["inputs"]["region"] = region
    return document


def test_the_dev_plan_in_us_east_2_prices_the_network_and_leaves_mwaa_and_logs_unknown():
    estimate = estimate_document(_in_region("dev-analytics", "us-east-2"))
    env = estimate.environments["analytics-dev"]
    assert estimate.region == "us-east-2"
    items = {i.name: i.monthly for i in env.items}
    assert items == {
        "environment (mw1.small)": None,
        "additional workers": 0.0,  # none run: no price needed
        "additional schedulers": 0.0,
        "additional web servers": 0.0,
        "metadata database storage": None,
        "logs ingestion": None,
        "logs storage (14 days kept)": None,
        "NAT data processed": pytest.approx(50 * 0.045),
    }
    shared = {i.name: i.monthly for i in estimate.shared}
    assert shared == {
        "NAT gateway network-us-east-1a": pytest.approx(H * 0.045),  # the resource keeps its recorded name
        "public IPv4 address network-nat-us-east-1a": pytest.approx(H * 0.005),
        "gateway endpoint s3": 0.0,
        "KMS key stack-key": 1.00,
    }
    # Known: 2.25 + 32.85 + 3.65 + 0 + 1.00; the rest is listed as unknown, not guessed.
    assert estimate.monthly == pytest.approx(39.75)
    assert estimate.unknown == ["environment (mw1.small)", "logs ingestion", "logs storage (14 days kept)", "metadata database storage"]


def test_a_region_not_in_the_table_is_unknown_everywhere():
    estimate = estimate_document(_in_region("dev-analytics", "sa-east-1"))
    assert estimate.monthly == 0
    assert all(i.unit_price is None for i in [*estimate.shared, *estimate.environments["analytics-dev"].items])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{unit: hour, price: '0.045', source: https://aws.amazon.com/vpc/pricing/, checked: 2026-11-28}", "price is a dollar figure"),
        ("{unit: hour, price: -0.045, source: https://aws.amazon.com/vpc/pricing/, checked: 2026-11-28}", "price is a dollar figure"),
        ("{unit: hour, price: true, source: https://aws.amazon.com/vpc/pricing/, checked: 2026-11-28}", "price is a dollar figure"),
    ],
)
def test_a_price_that_is_not_a_figure_is_refused(tmp_path, entry, message):
    table = tmp_path / "prices.yaml"
    table.write_text(
        "hours_per_month: 730\nmwaa_included: {default: {workers: 1, schedulers: 2, webservers: 2}}\n"
        f"regions:\n  us-east-2:\n    nat_gateway_hour: {entry}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=f"us-east-2.nat_gateway_hour.{message}"):
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
