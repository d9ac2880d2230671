"""The estimate as a table per stack, and as JSON (``mwaaform cost [--json]``)."""

from __future__ import annotations

from fractions import Fraction

from mwaaform.cost.estimate import LineItem, StackEstimate


def money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"


def _quantity(item: LineItem) -> str:
    price = "unknown price" if item.unit_price is None else f"${item.unit_price:g}"
    if item.unit == "month":  # a monthly price per thing (a key, an alarm, a topic): "8 x $0.1 a month"
        return f"{item.quantity:,.4g} x {price} a month"
    return f"{item.quantity:,.4g} {item.unit} x {price}"


def _item(item: LineItem, indent: str) -> str:
    return f"{indent}{item.name:<46} {_quantity(item):<34} {money(item.monthly):>12}"


def _total(known: float, unknown: list[str]) -> str:
    return money(known) + (f" + unknown ({', '.join(sorted(set(unknown)))})" if unknown else "")


def render_text(estimate: StackEstimate, hours: float = 730) -> str:
    lines = [f"Monthly estimate of {estimate.stack} ({estimate.region or 'no region'}, USD list prices, {hours:g} hours a month):"]
    count = len(estimate.environments)
    for name, env in estimate.environments.items():
        lines.append("")
        lines.append(f"  {name}: {_total(env.monthly, env.unknown)}" + (f" (budget {money(env.budget)})" if env.budget else ""))
        lines += [_item(i, "    ") for i in env.items if i.monthly != 0 or i.quantity]
        if env.shared:
            share = Fraction(env.share).limit_denominator(100)
            shared = sum(i.monthly or 0.0 for i in env.shared)
            lines.append(f"    {'share of the shared costs (' + str(share) + ')':<81} {money(shared):>12}")
    if estimate.shared:
        lines.append("")
        lines.append(f"  Shared by {count} environment{'s' if count != 1 else ''} (split evenly):")
        lines += [_item(i, "    ") for i in estimate.shared]
    lines.append("")
    budget = f" (budget {money(estimate.budget)})" if estimate.budget else ""
    lines.append(f"  Stack total: {_total(estimate.monthly, estimate.unknown)}{budget}")
    if estimate.advice:
        lines += ["", *render_advice(estimate.advice)]
    return "\n".join(lines) + "\n"


def render_advice(advice: dict) -> list[str]:
    lines = [
        f"  Egress of the managed network ({advice['availabilityZones']} AZs, {advice['interfaceEndpoints']} interface endpoints "
        f"without internet, {advice['trafficGb']:g} GB a month):"
    ]
    for option in advice["options"]:
        marker = "  <- this plan" if option["choice"] == advice["current"] else ""
        parts = " + ".join(f"{label} {money(amount)}" for label, amount in option["parts"].items())
        lines.append(f"    {option['choice']:<15} {money(option['monthly']):>10}   {parts}{marker}")
        lines.append(f"    {'':<15} {'':>10}   availability: {option['availability']}")
        lines.append(f"    {'':<15} {'':>10}   isolation: {option['isolation']}")
    decision = advice.get("decision")
    if decision and decision.get("auto"):
        lines.append(f"    egress: auto picked {decision['choice']}: {decision['reason']}")
    even = advice["breakEvenGb"]
    if even.get("single_nat") is not None:
        without = advice.get("breakEvenGbWithoutIpv4", {}).get("single_nat")
        note = f" ({without:,.0f} GB without the NAT's public IPv4 charge)" if without is not None and without != even["single_nat"] else ""
        lines.append(f"    Break-even: endpoints_only costs less than single_nat above {even['single_nat']:,.0f} GB a month{note}")
    if even.get("nat_per_az") is not None:
        lines.append(f"    Break-even: endpoints_only costs less than nat_per_az above {even['nat_per_az']:,.0f} GB a month")
    return lines
