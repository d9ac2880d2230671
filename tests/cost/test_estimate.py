"""Every line item of the example stacks against values computed by hand from the price table.

The estimate is taken over the committed golden plans (recorded plans: resources, inputs and
outputs), exactly as anything after compiling sees them. Hand figures use the us-east-1 list
prices of mwaaform/data/prices.yaml and a 730-hour month (30.4167 days).
"""

from __future__ import annotations

import json
import pytest

from mwaaform.cost.estimate import estimate_document
from mwaaform.cost.prices import load_prices
from tests.golden.regenerate import GOLDEN

H = 730
DAYS = 730 / 24


def recorded(name: str):
    return estimate_document(json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8")))


def items(lines) -> dict[str, float | None]:
    return {i.name: i.monthly for i in lines}


def check(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected)
    for name, value in expected.items():
        assert actual[name] == pytest.approx(value, abs=1e-9), name


def test_dev_analytics_every_line_item():
    estimate = recorded("dev-analytics")
    env = estimate.environments["analytics-dev"]
    check(
        items(env.items),
        {
            "environment (mw1.small)": H * 0.49,  # 357.70
            "additional workers": 0.0,  # min 1 worker: included
            "additional schedulers": 0.0,  # 2 schedulers: included
            "additional web servers": 0.0,  # 2 web servers: included (their price is unknown, but none run)
            "metadata database storage": 10 * 0.10,
            "logs ingestion": 5 * 0.50,
            "logs storage (14 days kept)": 5 * 14 / DAYS * 0.03,
            "NAT data processed": 50 * 0.045,  # egress: auto picked single_nat
        },
    )
    check(
        items(estimate.shared),
        {
            "NAT gateway network-us-east-1a": H * 0.045,  # 32.85
            "public IPv4 address network-nat-us-east-1a": H * 0.005,  # 3.65
            "gateway endpoint s3": 0.0,
            "KMS key stack-key": 1.00,  # logging.stack_key: the log groups are under the stack's key
        },
    )
    assert env.share == 1
    assert estimate.monthly == pytest.approx(H * 0.49 + 1 + 2.5 + 5 * 14 / DAYS * 0.03 + 2.25 + H * 0.045 + H * 0.005 + 1.00)
    assert round(estimate.monthly, 2) == 401.02
    assert not estimate.unknown


def test_prod_data_every_line_item_and_the_shared_split():
    estimate = recorded("prod-data")
    ingest, reporting = estimate.environments["ingest-prod"], estimate.environments["reporting-prod"]
    year = 365 / DAYS
    check(
        items(ingest.items),
        {
            "environment (mw1.large)": H * 0.99,
            "additional workers": (2 - 1 + 2) * H * 0.22,  # min 2 (1 included) + 2 extra on average
            "additional schedulers": (3 - 2) * H * 0.22,
            "additional web servers": 0.0,
            "metadata database storage": 25 * 0.10,
            "logs ingestion": 20 * 0.50,
            "logs storage (365 days kept)": 20 * year * 0.03,
            "KMS key ingest-prod-key": 1.00,
            "CloudWatch alarms (8)": 8 * 0.10,
            "SNS topic ingest-prod-alarms": 0.0,
            "endpoint data processed": 150 * 0.01,
        },
    )
    check(
        items(reporting.items),
        {
            "environment (mw1.medium)": H * 0.74,
            "additional workers": 0.0,
            "additional schedulers": 0.0,
            "additional web servers": 0.0,
            "metadata database storage": 10 * 0.10,
            "logs ingestion": 5 * 0.50,
            "logs storage (365 days kept)": 5 * year * 0.03,
            "KMS key reporting-prod-key": 1.00,
            "CloudWatch alarms (6)": 6 * 0.10,  # cpu alarms off; the topic is the team's own
            "endpoint data processed": 50 * 0.01,
        },
    )
    endpoint = 2 * H * 0.01  # two AZs
    expected_shared = {
        "KMS key stack-key": 1.00,
        **{
            f"interface endpoint {s} (2 AZs)": endpoint
            for s in ("monitoring", "ecr.dkr", "ecr.api", "logs", "sqs", "kms", "airflow.api", "airflow.env", "airflow.ops", "secretsmanager", "sts", "glue")
        },
        "gateway endpoint s3": 0.0,
        "gateway endpoint dynamodb": 0.0,
        "VPC flow logs ingestion": 5 * 0.50,
        "VPC flow logs storage (365 days kept)": 5 * year * 0.03,  # prod stage defaults keep them a year
    }
    check(items(estimate.shared), expected_shared)
    shared = sum(expected_shared.values())
    assert 12 * endpoint == pytest.approx(175.20)  # the "about $175 a month before any traffic"
    # Shared costs split evenly across the two environments.
    assert ingest.share == reporting.share == 0.5
    assert sum(i.monthly for i in ingest.shared) == pytest.approx(shared / 2)
    assert estimate.monthly == pytest.approx(ingest.monthly + reporting.monthly)
    assert estimate.monthly == pytest.approx(sum(items(ingest.items).values()) + sum(items(reporting.items).values()) + shared)
    assert (ingest.budget, reporting.budget, estimate.budget) == (None, 600, 2500)


def test_partner_eu_every_line_item_at_eu_central_1_prices():
    """Frankfurt's own figures (mwaaform/data/prices.yaml, eu-central-1): the logs cost more than in us-east-1."""
    estimate = recorded("partner-eu")
    env = estimate.environments["partner-stage"]
    assert estimate.region == "eu-central-1"
    check(
        items(env.items),
        {
            "environment (mw1.medium)": H * 0.74,  # 540.20
            "additional workers": 0.0,  # min 1 worker: included
            "additional schedulers": 0.0,
            "additional web servers": 0.0,  # min 2: included
            "metadata database storage": 10 * 0.10,
            "logs ingestion": 5 * 0.63,  # us-east-1: 0.50
            "logs storage (90 days kept)": 5 * 90 / DAYS * 0.0324,  # us-east-1: 0.03
        },
    )
    assert estimate.shared == []  # an existing VPC: its network is its owner's; the key is the landing zone's
    assert not estimate.unknown
    assert estimate.monthly == pytest.approx(H * 0.74 + 1.00 + 3.15 + 5 * 90 / DAYS * 0.0324)
    assert round(estimate.monthly, 2) == 544.83


def test_every_price_has_a_source_and_a_date():
    prices = load_prices()
    for region, entries in prices.regions.items():
        for name, entry in entries.items():
            assert entry["source"].startswith("https://"), f"{region}.{name}"
            assert str(entry["checked"]).count("-") == 2, f"{region}.{name}"


def test_classes_without_a_citable_price_are_unknown():
    prices = load_prices()
    assert prices.price("us-east-1", "mwaa_environment", "mw1.micro") is None
    assert prices.price("us-east-1", "mwaa_additional_webserver", "mw1.small") is None  # two sources disagree
    assert prices.price("us-east-1", "mwaa_environment", "mw1.medium").amount == 0.74
    assert prices.price("ap-south-1", "nat_gateway_hour") is None


def test_us_east_1_larger_classes_and_web_servers_from_aws_price_data():
    """AWS's MWAA price data (a dated copy, 2025-06-05): xlarge and 2xlarge, and web servers from medium up."""
    prices = load_prices()
    assert [prices.price("us-east-1", "mwaa_environment", c).amount for c in ("mw1.xlarge", "mw1.2xlarge")] == [1.98, 3.96]
    assert [prices.price("us-east-1", "mwaa_additional_worker", c).amount for c in ("mw1.xlarge", "mw1.2xlarge")] == [0.44, 0.88]
    assert [prices.price("us-east-1", "mwaa_additional_scheduler", c).amount for c in ("mw1.xlarge", "mw1.2xlarge")] == [0.44, 0.88]
    assert [prices.price("us-east-1", "mwaa_additional_webserver", c).amount for c in ("mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge")] == [
        0.055, 0.11, 0.22, 0.44
    ]


def test_a_plan_without_recorded_usage_uses_the_documented_defaults():
    from mwaaform.spec.cost import EnvironmentCost

    from mwaaform.cost.estimate import DEFAULT_USAGE

    defaults = EnvironmentCost()
    assert DEFAULT_USAGE["trafficGb"] == defaults.traffic_gb
    assert DEFAULT_USAGE["logGb"] == defaults.log_gb
    assert DEFAULT_USAGE["databaseGb"] == defaults.database_gb
    assert DEFAULT_USAGE["extraWorkers"] == defaults.extra_workers


def test_the_recorded_estimate_matches_the_live_one_and_the_plan_json():
    """The plan's JSON carries the same estimate `mwaaform cost` computes from it."""
    document = json.loads((GOLDEN / "prod-data.json").read_text(encoding="utf-8"))
    assert document["costEstimate"] == estimate_document(document).as_dict()
    advice = document["costEstimate"]["egress"]
    assert advice["current"] == "endpoints_only" and advice["interfaceEndpoints"] == 12
    assert advice["availabilityZones"] == 3 and advice["trafficGb"] == 200


def test_a_price_without_its_source_is_refused(tmp_path):
    table = tmp_path / "prices.yaml"
    table.write_text(
        "hours_per_month: 730\nmwaa_included: {default: {workers: 1, schedulers: 2, webservers: 2}}\n"
        "regions:\n  us-east-1:\n    nat_gateway_hour: {unit: hour, price: 0.045, checked: 2026-11-27}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="us-east-1.nat_gateway_hour needs unit, source, checked"):
        load_prices(table)
    table.write_text(table.read_text().replace("unit: hour,", "unit: GB, source: https://aws.amazon.com/vpc/pricing/,"))
    with pytest.raises(ValueError, match="not a known price item with unit hour"):
        load_prices(table)
