"""Run the policy pack offline over a plan, as `pulumi preview --policy-pack policies` would."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_policy import PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs
from pulumi_policy.proxy import unknown_checking_proxy

from mwaaform.plan.engine import Plan, RecordedResource
from policies.rules import POLICIES, Rule


@dataclass(frozen=True, order=True)
class Violation:
    level: str
    policy: str
    urn: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level}] {self.policy}: {self.message} ({self.urn.rsplit('::', 1)[-1]})"


def _options(resource: RecordedResource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=list(resource.ignore_changes),
        delete_before_replace=resource.delete_before_replace,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent,
    )


def _policed(plan: Plan) -> list[RecordedResource]:
    return [r for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")]


def review(plan: Plan, rules: list[Rule] = POLICIES) -> list[Violation]:
    """Every violation of every enabled rule, sorted: mandatory first."""
    resources = _policed(plan)
    violations: list[Violation] = []
    for rule in rules:
        if rule.enforcement_level == "disabled":
            continue

        def reporter(default_urn: str, rule: Rule = rule):
            def report(message: str, urn: str | None = None) -> None:
                violations.append(Violation(rule.enforcement_level, rule.name, urn or default_urn, message))

            return report

        if rule.kind == "resource":
            for resource in resources:
                args = ResourceValidationArgs(
                    resource.type, unknown_checking_proxy(resource.inputs), resource.urn, resource.name, _options(resource), None
                )
                rule.validate(args, reporter(resource.urn))
        else:
            by_urn: dict[str, PolicyResource] = {}
            for resource in resources:
                by_urn[resource.urn] = PolicyResource(
                    resource.type,
                    unknown_checking_proxy(resource.inputs),
                    resource.urn,
                    resource.name,
                    _options(resource),
                    None,
                    None,
                    [],
                    {},
                )
            rule.validate(StackValidationArgs(list(by_urn.values())), reporter(""))
    return sorted(violations, key=lambda v: (v.level != "mandatory", v.policy, v.urn, v.message))
