"""The advisory budget rule: over the recorded plan, and as a CrossGuard stack validator."""

from __future__ import annotations

from types import SimpleNamespace

from policies.budget import budget_validator
from policies.rules import POLICIES
from tests.cost.test_estimate import recorded


def test_budget_rule_is_registered_advisory():
    (rule,) = [r for r in POLICIES if r.name == "cost-within-budget"]
    assert rule.enforcement_level == "advisory" and rule.kind == "stack"


def _args(name: str, budgets: dict):
    import json

    from tests.golden.regenerate import GOLDEN

    document = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    outputs = {**document["outputs"]["cost"], **budgets}
    resources = []
    for step in document["steps"]:
        state = step["newState"]
        props = dict(outputs and {"cost": outputs}) if state["type"] == "pulumi:pulumi:Stack" else state["inputs"]
        resources.append(SimpleNamespace(resource_type=state["type"], props=props, urn=state["urn"], name=step["urn"].rsplit("::", 1)[-1]))
    return SimpleNamespace(resources=resources)


def test_environment_over_budget_is_reported_on_its_environment():
    reports = []
    budget_validator(_args("prod-data", {}), lambda message, urn=None: reports.append((message, urn)))
    assert reports == [
        (
            "environment reporting-prod is estimated at $637.85 a month, over its budget of $600.00",
            next(r.urn for r in _args("prod-data", {}).resources if r.name == "reporting-prod" and r.resource_type.startswith("aws:mwaa")),
        )
    ]
    assert round(recorded("prod-data").environments["reporting-prod"].monthly, 2) == 637.85


def test_budgets_are_checked_in_the_props_pulumi_policy_hands_over():
    # Under `pulumi preview --policy-pack`, every props object is pulumi-policy's unknown-checking
    # proxy (a Mapping, not a dict), the stack's `cost` output included.
    from pulumi_policy.proxy import unknown_checking_proxy

    for budgets, expected in (({"budget": 300}, "stack dev-analytics is estimated at $401.02"), ({}, None)):
        args = _args("dev-analytics", budgets)
        for resource in args.resources:
            resource.props = unknown_checking_proxy(resource.props)
        reports = []
        budget_validator(args, lambda message, urn=None, reports=reports: reports.append(message))
        assert [m[: len(expected)] for m in reports] == ([expected] if expected else [])
    env_budget = _args("prod-data", {})  # reporting-prod's own budget, in `cost.environments`
    for resource in env_budget.resources:
        resource.props = unknown_checking_proxy(resource.props)
    reports = []
    budget_validator(env_budget, lambda message, urn=None: reports.append(message))
    assert reports == ["environment reporting-prod is estimated at $637.85 a month, over its budget of $600.00"]


def test_stack_over_budget_and_within_budget():
    reports = []
    budget_validator(_args("dev-analytics", {"budget": 300}), lambda message, urn=None: reports.append(message))
    assert reports == ["stack dev-analytics is estimated at $401.02 a month, over its budget of $300.00"]
    reports.clear()
    budget_validator(_args("dev-analytics", {"budget": 500}), lambda message, urn=None: reports.append(message))
    assert reports == []


def test_no_recorded_budgets_no_violation():
    reports = []
    args = _args("dev-analytics", {})
    args.resources = [r for r in args.resources if r.resource_type != "pulumi:pulumi:Stack"]
    budget_validator(args, lambda message, urn=None: reports.append(message))
    assert reports == []


def test_budget_rule_at_remediate_fails_the_plan_as_pulumi_would():
    """pulumi-policy reports a validating rule's violations at "remediate" as mandatory."""
    from mwaaform.plan.review import PackConfig
    from mwaaform.plan.run import _budget_review, plan_stack
    from mwaaform.spec.loader import load

    (stack,) = [s for s in load(["environments"]).stacks if s.name == "prod-data"]
    plan = plan_stack(stack, policies=False).plan
    found = _budget_review(plan, PackConfig(levels={"cost-within-budget": "remediate"}))
    assert [f.level for f in found] == ["mandatory"] and "reporting-prod" in found[0].message


def test_a_pack_without_mwaaform_says_the_budgets_went_unchecked(monkeypatch):
    import sys

    from policies.budget import MISSING_ESTIMATOR

    monkeypatch.setitem(sys.modules, "mwaaform.cost.estimate", None)  # import fails, as in a bare pack venv
    reports = []
    args = _args("dev-analytics", {"budget": 300})
    budget_validator(args, lambda message, urn=None: reports.append((message, urn)))
    stack_urn = next(r.urn for r in args.resources if r.resource_type == "pulumi:pulumi:Stack")
    assert reports == [(MISSING_ESTIMATOR, stack_urn)]
    # Without budgets in the spec (dev-analytics sets none) there is nothing to check, and nothing to say.
    reports.clear()
    budget_validator(_args("dev-analytics", {}), lambda message, urn=None: reports.append(message))
    assert reports == []


def test_the_install_a_bare_pack_is_told_is_the_one_its_readme_gives():
    # Installing the project from its folder: a package named mwaaform on PyPI would be someone else's.
    import re
    from pathlib import Path

    from policies.budget import MISSING_ESTIMATOR

    readme = (Path(__file__).resolve().parents[2] / "policies" / "README.md").read_text()
    (command,) = re.findall(r"^venv/bin/pip install .*$", readme, re.M)
    assert command == "venv/bin/pip install -r requirements.txt .."
    assert command in MISSING_ESTIMATOR

