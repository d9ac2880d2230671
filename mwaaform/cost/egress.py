"""NAT gateways or VPC endpoints: the three egress choices of a managed network, priced.

One model serves both callers: the builder, resolving ``egress: auto`` before anything exists,
and the advisor over a recorded plan. Each choice costs a fixed monthly amount plus a rate per GB
of traffic; the break-even traffic is where two such lines cross.

- single_nat: one NAT gateway (and its public IPv4 address); all traffic pays NAT processing.
- nat_per_az: a NAT gateway in each of the two AZs the environments use (not one per listed AZ:
  the network routes the other AZs' subnets through the first; ``components/network.py``).
- endpoints_only: MWAA's interface endpoints (in the two subnets the environments use);
  traffic pays the endpoints' processing rate. The S3 gateway endpoint is free in every choice.
Interface endpoints the DAGs asked for (``extra_endpoints``) exist in every choice, so they add
the same fixed amount to each. With NAT, their traffic is counted at the NAT rate (an upper bound).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mwaaform.cost.prices import PriceTable, load_prices
from mwaaform.network.cidr import ENVIRONMENT_SUBNETS
from mwaaform.network.endpoints import GATEWAY_CAPABLE, INTERFACE_SERVICES

CHOICES: tuple[str, ...] = ("single_nat", "nat_per_az", "endpoints_only")
ENDPOINT_AZS = 2  # interface endpoints live in the two subnets the environments use

AVAILABILITY = {
    "single_nat": "one NAT gateway in one AZ: if that AZ fails, every environment loses its way out",
    "nat_per_az": "a NAT gateway in each environment AZ: an AZ failure takes out only that AZ's path",
    "endpoints_only": "endpoints in both environment subnets: no single point of failure",
}
ISOLATION = {
    "single_nat": "internet path out (PyPI reachable; data can leave to any address)",
    "nat_per_az": "internet path out (PyPI reachable; data can leave to any address)",
    "endpoints_only": "no internet path: only AWS services with an endpoint; requirements ship as wheels",
}


@dataclass(frozen=True)
class EgressOption:
    choice: str
    fixed: float | None  # monthly, before traffic; None when a price is unknown
    per_gb: float | None
    traffic_gb: float
    parts: tuple[tuple[str, float | None], ...] = ()  # (label, monthly) that add up to the total

    @property
    def monthly(self) -> float | None:
        if self.fixed is None or self.per_gb is None:
            return None
        return self.fixed + self.per_gb * self.traffic_gb

    @property
    def availability(self) -> str:
        return AVAILABILITY[self.choice]

    @property
    def isolation(self) -> str:
        return ISOLATION[self.choice]

    def as_dict(self) -> dict:
        return {
            "choice": self.choice,
            "monthly": _round(self.monthly),
            "fixed": _round(self.fixed),
            "perGb": self.per_gb,
            "parts": {label: _round(amount) for label, amount in self.parts},
            "availability": self.availability,
            "isolation": self.isolation,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _sum(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def _mul(a: float | None, b: float) -> float | None:
    return None if a is None else a * b


def egress_options(
    region: str, azs: int, traffic_gb: float, extra_interface: int = 0, prices: PriceTable | None = None, *, ipv4: bool = True
) -> list[EgressOption]:
    """The three choices for a VPC of ``azs`` AZs carrying ``traffic_gb`` a month.

    ``ipv4=False`` leaves out the NAT gateways' public IPv4 charge, as most published
    comparisons (written before AWS began charging for it) do.
    """
    prices = prices or load_prices()
    nat_hour = prices.monthly(region, "nat_gateway_hour")
    ipv4 = prices.monthly(region, "public_ipv4_hour") if ipv4 else 0.0
    nat_gb = prices.monthly(region, "nat_gateway_data")
    endpoint = _mul(prices.monthly(region, "interface_endpoint_hour"), ENDPOINT_AZS)
    endpoint_gb = prices.monthly(region, "interface_endpoint_data")
    extras = _mul(endpoint, extra_interface)
    options = []
    # nat_per_az puts a gateway in each AZ the environments use, as the network does (nat_zones).
    for choice, gateways in (("single_nat", 1), ("nat_per_az", min(azs, ENVIRONMENT_SUBNETS))):
        parts = [
            (f"NAT gateway hours ({gateways})", _mul(nat_hour, gateways)),
            (f"NAT data processed ({traffic_gb:g} GB)", _mul(nat_gb, traffic_gb)),
            (f"public IPv4 addresses ({gateways})", _mul(ipv4, gateways)),
        ]
        if extra_interface:
            parts.append((f"extra interface endpoints ({extra_interface})", extras))
        options.append(EgressOption(choice, _sum(parts[0][1], parts[2][1], extras if extra_interface else 0.0), nat_gb, traffic_gb, tuple(parts)))
    count = len(INTERFACE_SERVICES) + extra_interface
    parts = [
        (f"interface endpoints ({count} in {ENDPOINT_AZS} AZs)", _mul(endpoint, count)),
        (f"endpoint data processed ({traffic_gb:g} GB)", _mul(endpoint_gb, traffic_gb)),
    ]
    options.append(EgressOption("endpoints_only", parts[0][1], endpoint_gb, traffic_gb, tuple(parts)))
    return options


def break_even_gb(endpoints: EgressOption, nat: EgressOption) -> float | None:
    """Monthly GB above which ``endpoints`` costs less than ``nat`` (None if unknown or never)."""
    if None in (endpoints.fixed, endpoints.per_gb, nat.fixed, nat.per_gb):
        return None
    rate_gap = nat.per_gb - endpoints.per_gb  # type: ignore[operator]
    if rate_gap <= 0:
        return None
    return max(0.0, (endpoints.fixed - nat.fixed) / rate_gap)  # type: ignore[operator]


# --- egress: auto ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EgressDecision:
    choice: str
    reason: str
    auto: bool = False
    considered: list[EgressOption] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"choice": self.choice, "auto": self.auto, "reason": self.reason}


def choose_egress(
    options: Sequence[EgressOption], allowed: Sequence[str], classification: str, no_internet_for: Sequence[str]
) -> EgressDecision:
    """The cheapest choice the rules allow, and why."""
    rules = []
    permitted = [c for c in CHOICES if c in allowed]
    if classification in no_internet_for:
        permitted = [c for c in permitted if c == "endpoints_only"]
        rules.append(f"data classified {classification} may have no internet path")
    if not permitted:
        # The spec rules refuse this combination at validate time; stay safe if called directly.
        return EgressDecision("endpoints_only", "no allowed choice left: no internet path is the safe one", True, list(options))
    if set(permitted) != set(CHOICES) and classification not in no_internet_for:
        rules.append("auto_egress.allowed is " + ", ".join(permitted))
    candidates = [o for o in options if o.choice in permitted]
    priced = [o for o in candidates if o.monthly is not None]
    if not priced:
        choice = next(c for c in ("endpoints_only", "nat_per_az", "single_nat") if c in permitted)
        why = "; ".join([*rules, "prices unknown for this region: picked the most isolated choice allowed"])
        return EgressDecision(choice, why, True, list(options))
    best = min(priced, key=lambda o: (round(o.monthly, 2), CHOICES.index(o.choice)))  # type: ignore[arg-type]
    others = ", ".join(f"{o.choice} ${o.monthly:,.2f}" for o in priced if o is not best)  # type: ignore[str-format]
    cheapest = f"cheapest allowed at {best.traffic_gb:g} GB/month: ${best.monthly:,.2f}"
    if others:
        cheapest += f" (vs {others})"
    return EgressDecision(best.choice, "; ".join([*rules, cheapest]), True, list(options))


def extra_interface_count(extra_endpoints: Sequence[str]) -> int:
    """Extra endpoints that are interface endpoints (not gateways, not already MWAA's)."""
    return len([s for s in extra_endpoints if s not in GATEWAY_CAPABLE and s not in INTERFACE_SERVICES])


def resolve_egress(spec) -> EgressDecision:
    """The concrete egress of a spec's managed network: as written, or what ``auto`` picks."""
    managed = spec.network.managed
    if managed.egress != "auto":
        return EgressDecision(managed.egress, "set in the spec")
    rules = spec.network.auto_egress
    options = egress_options(
        spec.account.region,
        azs=len(managed.availability_zones),
        traffic_gb=sum(env.cost.traffic_gb for env in spec.environments),
        extra_interface=extra_interface_count(managed.extra_endpoints),
    )
    return choose_egress(options, rules.allowed, spec.tags.DataClassification, rules.no_internet_for)
