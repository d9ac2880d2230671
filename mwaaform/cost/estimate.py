"""The monthly estimate of a recorded plan: line items per environment and for what they share.

Resources are priced from their recorded inputs (class, worker and scheduler counts, log
retention, endpoint subnets, NAT gateways); usage comes from the plan's ``cost`` output
(:mod:`mwaaform.cost.assumptions`), with the spec's documented defaults when a plan has none.
A resource belongs to the environment named by its ``MwaaEnvironment`` tag; the rest (the
network, flow logs and their key) is shared, split evenly across the stack's environments,
while traffic charges follow each environment's own traffic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mwaaform.cost.assumptions import OUTPUT
from mwaaform.cost.prices import PriceTable, load_prices

PROVIDER = "pulumi:providers:aws"
MWAA = "aws:mwaa/environment:Environment"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KMS_KEY = "aws:kms/key:Key"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SUBNET = "aws:ec2/subnet:Subnet"

# The spec's defaults (mwaaform.spec.cost), for plans recorded without a cost output.
DEFAULT_USAGE = {"extraWorkers": 0.0, "extraWebservers": 0.0, "trafficGb": 50.0, "logGb": 5.0, "databaseGb": 10.0, "budget": None}
DAYS_PER_MONTH = 730 / 24  # the same 730-hour month as the hourly prices
# The unit of each price item (the price table says the same; this holds where a region lacks it).
UNITS = {
    "mwaa_environment": "hour",
    "mwaa_additional_worker": "hour",
    "mwaa_additional_scheduler": "hour",
    "mwaa_additional_webserver": "hour",
    "mwaa_database_storage": "GB-month",
    "nat_gateway_hour": "hour",
    "nat_gateway_data": "GB",
    "public_ipv4_hour": "hour",
    "interface_endpoint_hour": "hour",
    "interface_endpoint_data": "GB",
    "gateway_endpoint": "month",
    "logs_ingestion": "GB",
    "logs_vended_ingestion": "GB",
    "logs_storage": "GB-month",
    "kms_key": "month",
    "alarm": "month",
    "sns_topic": "month",
}


@dataclass(frozen=True)
class LineItem:
    """One priced thing: ``quantity`` units at ``unit_price`` (None: unknown) a month."""

    name: str
    price_item: str
    quantity: float
    unit: str
    unit_price: float | None
    resource: str = ""  # the logical name of the resource it prices

    @property
    def monthly(self) -> float | None:
        if self.quantity == 0:
            return 0.0  # nothing of it runs: no price needed
        return None if self.unit_price is None else self.quantity * self.unit_price

    def scaled(self, share: float) -> LineItem:
        return LineItem(self.name, self.price_item, self.quantity * share, self.unit, self.unit_price, self.resource)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "priceItem": self.price_item,
            "quantity": round(self.quantity, 6),
            "unit": self.unit,
            "unitPrice": self.unit_price,
            "monthly": None if self.monthly is None else round(self.monthly, 2),
            "resource": self.resource,
        }


def _total(items: Iterable[LineItem]) -> tuple[float, list[str]]:
    known, unknown = 0.0, []
    for item in items:
        if item.monthly is None:
            unknown.append(item.name)
        else:
            known += item.monthly
    return known, unknown


@dataclass(frozen=True)
class Estimate:
    """One environment: its own items, and its share of the stack's shared items."""

    name: str
    items: list[LineItem]
    shared: list[LineItem]  # already scaled to this environment's share
    share: float
    budget: float | None = None

    @property
    def monthly(self) -> float:
        return _total([*self.items, *self.shared])[0]

    @property
    def unknown(self) -> list[str]:
        return _total([*self.items, *self.shared])[1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "monthly": round(self.monthly, 2),
            "complete": not self.unknown,
            "unknown": self.unknown,
            "budget": self.budget,
            "items": [i.as_dict() for i in self.items],
            "shared": {"share": round(self.share, 6), "items": [i.as_dict() for i in self.shared]},
        }


@dataclass(frozen=True)
class StackEstimate:
    stack: str
    region: str
    environments: dict[str, Estimate]
    shared: list[LineItem]
    budget: float | None = None
    advice: dict[str, Any] | None = None  # the egress advisor of a managed network
    assumptions: dict[str, Any] = field(default_factory=dict)

    @property
    def monthly(self) -> float:
        own = [i for e in self.environments.values() for i in e.items]
        return _total([*own, *self.shared])[0]

    @property
    def unknown(self) -> list[str]:
        own = [i for e in self.environments.values() for i in e.items]
        return sorted(set(_total([*own, *self.shared])[1]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "region": self.region,
            "currency": "USD",
            "monthly": round(self.monthly, 2),
            "complete": not self.unknown,
            "unknown": self.unknown,
            "budget": self.budget,
            "environments": {name: e.as_dict() for name, e in self.environments.items()},
            "shared": [i.as_dict() for i in self.shared],
            "egress": self.advice,
        }


# --- pricing the resources -------------------------------------------------------------------


class _Pricer:
    def __init__(self, prices: PriceTable, region: str):
        self.prices, self.region = prices, region

    def item(self, name: str, price_item: str, quantity: float, resource: str, environment_class: str | None = None) -> LineItem:
        price = self.prices.price(self.region, price_item, environment_class)
        unit = UNITS[price_item]
        if unit == "hour":  # monthly quantities: hours a month
            quantity, unit = quantity * self.prices.hours_per_month, "hours"
        return LineItem(name, price_item, quantity, unit, None if price is None else price.amount, resource)


def _tags(resource) -> Mapping[str, str]:
    return resource.inputs.get("tags") or {}


def _env_of(resource) -> str | None:
    return _tags(resource).get("MwaaEnvironment")


def _environment_items(p: _Pricer, env, usage: Mapping[str, Any]) -> list[LineItem]:
    i = env.inputs
    cls = i.get("environmentClass", "mw1.small")
    included = p.prices.included_in_environment(cls)
    workers = max(0, int(i.get("minWorkers", 1)) - included["workers"]) + float(usage["extraWorkers"])
    schedulers = max(0, int(i.get("schedulers", included["schedulers"])) - included["schedulers"])
    webservers = max(0, int(i.get("minWebservers", included["webservers"])) - included["webservers"]) + float(usage["extraWebservers"])
    return [
        p.item(f"environment ({cls})", "mwaa_environment", 1, env.name, cls),
        p.item("additional workers", "mwaa_additional_worker", workers, env.name, cls),
        p.item("additional schedulers", "mwaa_additional_scheduler", schedulers, env.name, cls),
        p.item("additional web servers", "mwaa_additional_webserver", webservers, env.name, cls),
        p.item("metadata database storage", "mwaa_database_storage", float(usage["databaseGb"]), env.name),
    ]


def _log_items(p: _Pricer, groups: list, gb: float, name: str, ingestion: str = "logs_ingestion") -> list[LineItem]:
    """Ingestion of ``gb`` a month, and the steady-state storage its retention keeps."""
    if not groups:
        return []
    retention = max(int(g.inputs.get("retentionInDays") or 0) for g in groups)
    # Log groups without retention keep everything: the storage keeps growing (a year's shown).
    months_kept = (retention or 365) / DAYS_PER_MONTH
    resource = groups[0].name if len(groups) == 1 else f"{len(groups)} log groups"
    return [
        p.item(f"{name} ingestion", ingestion, gb, resource),
        p.item(f"{name} storage ({retention or 'no'} days kept)", "logs_storage", gb * months_kept, resource),
    ]


def _usage(assumptions: Mapping[str, Any], env: str) -> dict[str, Any]:
    return {**DEFAULT_USAGE, **(assumptions.get("environments", {}).get(env) or {})}


def estimate_resources(
    resources: list, region: str, assumptions: Mapping[str, Any], *, stack: str = "", prices: PriceTable | None = None
) -> StackEstimate:
    """The estimate of recorded resources (objects with ``type``, ``name``, ``inputs``)."""
    p = _Pricer(prices or load_prices(), region)
    by_type: dict[str, list] = {}
    for resource in resources:
        by_type.setdefault(resource.type, []).append(resource)
    environments = [r for r in by_type.get(MWAA, [])]
    names = [r.inputs.get("name", r.name) for r in environments]
    own: dict[str, list[LineItem]] = {name: [] for name in names}
    shared: list[LineItem] = []

    for env in environments:
        name = env.inputs.get("name", env.name)
        own[name] += _environment_items(p, env, _usage(assumptions, name))

    flow_groups = []
    env_groups: dict[str, list] = {}
    for group in by_type.get(LOG_GROUP, []):
        owner = _env_of(group)
        if owner in own:
            env_groups.setdefault(owner, []).append(group)
        else:
            flow_groups.append(group)
    for name, groups in env_groups.items():
        own[name] += _log_items(p, groups, float(_usage(assumptions, name)["logGb"]), "logs")

    for kind, price_item, label in ((KMS_KEY, "kms_key", "KMS key"), (TOPIC, "sns_topic", "SNS topic")):
        for resource in by_type.get(kind, []):
            owner = _env_of(resource)
            item = p.item(f"{label} {resource.inputs.get('name') or resource.name}", price_item, 1, resource.name)
            (own[owner] if owner in own else shared).append(item)
    alarms: dict[str | None, int] = {}
    for alarm in by_type.get(ALARM, []):
        owner = _env_of(alarm)
        alarms[owner if owner in own else None] = alarms.get(owner if owner in own else None, 0) + 1
    for owner, count in alarms.items():
        (own[owner] if owner is not None else shared).append(p.item(f"CloudWatch alarms ({count})", "alarm", count, f"{count} alarms"))

    # The network: NAT gateways and their addresses, interface endpoints, flow logs.
    for nat in by_type.get(NAT, []):
        shared.append(p.item(f"NAT gateway {nat.name}", "nat_gateway_hour", 1, nat.name))
    for eip in by_type.get(EIP, []):
        shared.append(p.item(f"public IPv4 address {eip.name}", "public_ipv4_hour", 1, eip.name))
    interface = [e for e in by_type.get(ENDPOINT, []) if e.inputs.get("vpcEndpointType") == "Interface"]
    for endpoint in interface:
        azs = len(endpoint.inputs.get("subnetIds") or [])
        service = str(endpoint.inputs.get("serviceName", endpoint.name)).split(".", 3)[-1]
        shared.append(p.item(f"interface endpoint {service} ({azs} AZs)", "interface_endpoint_hour", azs, endpoint.name))
    for endpoint in by_type.get(ENDPOINT, []):
        if endpoint.inputs.get("vpcEndpointType") == "Gateway":
            service = str(endpoint.inputs.get("serviceName", endpoint.name)).split(".", 3)[-1]
            shared.append(p.item(f"gateway endpoint {service}", "gateway_endpoint", 1, endpoint.name))
    if by_type.get(FLOW_LOG):
        shared += _log_items(p, flow_groups, float(assumptions.get("flowLogGb", 5.0)), "VPC flow logs", "logs_vended_ingestion")

    # Traffic: each environment pays for what it sends, through NAT if there is one, else endpoints.
    through = "nat_gateway_data" if by_type.get(NAT) else ("interface_endpoint_data" if interface else None)
    if through:
        label = "NAT data processed" if through == "nat_gateway_data" else "endpoint data processed"
        for name in names:
            own[name].append(p.item(label, through, float(_usage(assumptions, name)["trafficGb"]), "network"))

    share = 1 / len(names) if names else 0.0
    estimates = {
        name: Estimate(name, own[name], [i.scaled(share) for i in shared], share, _usage(assumptions, name)["budget"]) for name in names
    }
    return StackEstimate(stack, region, estimates, shared, assumptions.get("budget"), None, dict(assumptions))


def estimate_plan(plan, *, prices: PriceTable | None = None) -> StackEstimate:
    """The monthly estimate of a recorded plan (:class:`mwaaform.plan.engine.Plan`).

    This is the entry point for anything comparing plans (the change review: before, after, delta).
    """
    from mwaaform.cost.advisor import advise

    providers = plan.of_type(PROVIDER)
    region = providers[0].inputs.get("region", "") if providers else ""
    assumptions = plan.outputs.get(OUTPUT) or {}
    estimate = estimate_resources(plan.resources, region, assumptions, stack=plan.stack, prices=prices)
    advice = advise(plan.resources, region, assumptions, prices=prices)
    return StackEstimate(
        estimate.stack, region, estimate.environments, estimate.shared, estimate.budget, advice, estimate.assumptions
    )


def estimate_document(document: Mapping[str, Any], *, prices: PriceTable | None = None) -> StackEstimate:
    """The estimate of a plan as written by ``mwaaform plan --json`` / ``--out`` (one stack's document)."""
    from types import SimpleNamespace

    from mwaaform.cost.advisor import advise

    resources = [
        SimpleNamespace(type=step["newState"]["type"], name=step["urn"].rsplit("::", 1)[-1], inputs=step["newState"].get("inputs") or {})
        for step in document.get("steps", [])
    ]
    region = next((r.inputs.get("region", "") for r in resources if r.type == PROVIDER), "")
    assumptions = (document.get("outputs") or {}).get(OUTPUT) or {}
    estimate = estimate_resources(resources, region, assumptions, stack=document.get("stack", ""), prices=prices)
    advice = advise(resources, region, assumptions, prices=prices)
    return StackEstimate(estimate.stack, region, estimate.environments, estimate.shared, estimate.budget, advice, estimate.assumptions)
