"""The egress advisor: for a plan's managed network, the three choices side by side.

Counts come from the recorded plan (AZs of its subnets, NAT gateways, interface endpoints);
traffic from the plan's usage assumptions. The break-even is the monthly traffic above which
endpoints only costs less than each NAT choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mwaaform.cost.egress import break_even_gb, egress_options
from mwaaform.cost.estimate import DEFAULT_USAGE, ENDPOINT, NAT, SUBNET
from mwaaform.cost.prices import PriceTable
from mwaaform.network.endpoints import INTERFACE_SERVICES

VPC = "aws:ec2/vpc:Vpc"


def current_choice(nat_gateways: int, azs: int) -> str:
    if nat_gateways == 0:
        return "endpoints_only"
    return "single_nat" if nat_gateways == 1 else "nat_per_az"


def advise(resources: list, region: str, assumptions: Mapping[str, Any], prices: PriceTable | None = None) -> dict[str, Any] | None:
    """The comparison for the plan's managed network, or None when the VPC is not the stack's."""
    if not any(r.type == VPC for r in resources):
        return None
    azs = len({r.inputs.get("availabilityZone") for r in resources if r.type == SUBNET})
    nats = sum(1 for r in resources if r.type == NAT)
    services = {
        str(r.inputs.get("serviceName", "")).split(".", 3)[-1]
        for r in resources
        if r.type == ENDPOINT and r.inputs.get("vpcEndpointType") == "Interface"
    }
    extra = len(services - set(INTERFACE_SERVICES))
    environments = assumptions.get("environments") or {}
    traffic = sum(float({**DEFAULT_USAGE, **(u or {})}["trafficGb"]) for u in environments.values()) if environments else DEFAULT_USAGE["trafficGb"]
    options = egress_options(region, azs, traffic, extra, prices)
    by_choice = {o.choice: o for o in options}
    endpoints = by_choice["endpoints_only"]
    return {
        "current": current_choice(nats, azs),
        "decision": assumptions.get("egress"),
        "availabilityZones": azs,
        "interfaceEndpoints": len(INTERFACE_SERVICES) + extra,
        "trafficGb": traffic,
        "options": [o.as_dict() for o in options],
        "breakEvenGb": {
            nat: None if (gb := break_even_gb(endpoints, by_choice[nat])) is None else round(gb, 1) for nat in ("single_nat", "nat_per_az")
        },
        # The same point without the NAT's public IPv4 charge, as most published comparisons give it.
        "breakEvenGbWithoutIpv4": {"single_nat": _without_ipv4(region, azs, traffic, extra, prices)},
    }


def _without_ipv4(region: str, azs: int, traffic: float, extra: int, prices: PriceTable | None) -> float | None:
    options = {o.choice: o for o in egress_options(region, azs, traffic, extra, prices, ipv4=False)}
    gb = break_even_gb(options["endpoints_only"], options["single_nat"])
    return None if gb is None else round(gb, 1)
