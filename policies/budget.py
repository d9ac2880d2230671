"""Policy: an environment or a stack whose monthly estimate is above its budget (advisory).

Budgets and usage assumptions are plan data: the ``cost`` stack output (``cost.budget`` of each
environment and of the stack in the spec). The estimate is :mod:`mwaaform.cost`'s, over the same
resources the other rules see. ``mwaaform plan`` runs it over the recorded plan; under
``pulumi preview --policy-pack`` it reads the outputs of the ``pulumi:pulumi:Stack`` resource when
the engine passes it, and reports nothing when there are no budgets to compare with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

NAME = "cost-within-budget"
DESCRIPTION = "The monthly cost estimate of an environment or stack stays within its budget."
STACK = "pulumi:pulumi:Stack"
MWAA = "aws:mwaa/environment:Environment"


def over_budget(estimate) -> list[tuple[str | None, str]]:
    """(environment name or None for the stack, message) for each estimate above its budget."""
    found: list[tuple[str | None, str]] = []
    for name, env in estimate.environments.items():
        if env.budget is not None and env.monthly > env.budget:
            found.append((name, f"environment {name} is estimated at ${env.monthly:,.2f} a month, over its budget of ${env.budget:,.2f}"))
    if estimate.budget is not None and estimate.monthly > estimate.budget:
        found.append(
            (None, f"stack {estimate.stack} is estimated at ${estimate.monthly:,.2f} a month, over its budget of ${estimate.budget:,.2f}")
        )
    return found


MISSING_ESTIMATOR = (
    "budgets are set in the spec, but this policy pack's virtualenv has no mwaaform (the price table "
    "and the estimate are mwaaform's), so they were not checked: install this project in the pack's "
    "virtualenv (from policies/: venv/bin/pip install -r requirements.txt ..), or run `mwaaform plan`, "
    "which checks them"
)


def _has_budget(cost: Any) -> bool:
    """Whether the ``cost`` output sets a budget for the stack or one of its environments. Under
    ``pulumi preview`` the props are pulumi-policy's read-only proxies: mappings, not dicts."""
    if not isinstance(cost, Mapping):
        return False
    environments = cost.get("environments") or {}
    return cost.get("budget") is not None or (
        isinstance(environments, Mapping) and any(isinstance(e, Mapping) and e.get("budget") is not None for e in environments.values())
    )


def budget_validator(args: Any, report_violation: Callable[..., None]) -> None:
    stack_resource = next((r for r in args.resources if r.resource_type == STACK), None)
    if not (stack_resource and _has_budget(stack_resource.props.get("cost"))):
        return  # no budgets recorded: nothing to compare with
    try:  # the price table and estimate live in mwaaform
        from mwaaform.cost.estimate import estimate_resources
    except ImportError:
        # Said, not skipped in silence: a budget nobody checks would read as a budget kept.
        report_violation(MISSING_ESTIMATOR, stack_resource.urn)
        return
    resources = [SimpleNamespace(type=r.resource_type, name=r.name, inputs=dict(r.props), urn=r.urn) for r in args.resources]
    stack = next(r for r in resources if r.type == STACK)
    assumptions = stack.inputs["cost"]
    provider = next((r for r in resources if r.type == "pulumi:providers:aws"), None)
    region = provider.inputs.get("region", "") if provider else ""
    # urn:pulumi:<stack>::<project>::pulumi:pulumi:Stack::<project>-<stack>
    name = stack.urn.split("::", 1)[0].split(":", 2)[-1] if stack else ""
    estimate = estimate_resources(resources, region, assumptions, stack=name)
    urns = {r.inputs.get("name"): r.urn for r in resources if r.type == MWAA}
    for env, message in over_budget(estimate):
        report_violation(message, urns.get(env) if env else (stack.urn if stack else None))


POLICY = {"name": NAME, "description": DESCRIPTION, "validate": budget_validator, "enforcement_level": "advisory"}
