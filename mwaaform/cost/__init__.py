"""What a stack costs: a monthly estimate over a recorded plan, and the egress advisor.

Everything here is a pure function of a recorded plan (its resources and their inputs) and of
the price table ``mwaaform/data/prices.yaml``; usage the plan cannot know (extra workers, GB of
traffic and logs) comes from the plan's ``cost`` stack output, which records the spec's usage
assumptions. The spec is never read again.

- :func:`estimate_plan` (a :class:`~mwaaform.plan.engine.Plan`) and :func:`estimate_document` (a
  plan's JSON document): line items per environment and for the shared network, with totals;
  what the change review compares before and after;
- :func:`egress_options` / :func:`break_even_gb`: NAT gateways versus VPC endpoints, in numbers;
- :func:`resolve_egress`: what ``egress: auto`` becomes (the one call the builder makes).
"""

from mwaaform.cost.egress import EgressDecision, EgressOption, break_even_gb, egress_options, resolve_egress
from mwaaform.cost.estimate import Estimate, LineItem, StackEstimate, estimate_document, estimate_plan
from mwaaform.cost.prices import PriceTable, load_prices

__all__ = [
    "EgressDecision",
    "EgressOption",
    "Estimate",
    "LineItem",
    "PriceTable",
    "StackEstimate",
    "break_even_gb",
    "egress_options",
    "estimate_document",
    "estimate_plan",
    "load_prices",
    "resolve_egress",
]
