"""Run the policy pack offline over a recorded plan, as ``pulumi preview --policy-pack policies`` would.

Public API (the change review and ``mwaaform plan`` use it):

``review(plan, config=None, rules=POLICIES) -> list[Finding]``
    Every finding of every enabled rule over ``plan`` (a :class:`~mwaaform.plan.engine.Plan`),
    sorted with mandatory first. A :class:`Finding` has ``rule`` (the policy's name), ``level``
    (``"mandatory"`` or ``"advisory"``, after ``config``'s overrides, a ``"remediate"`` override
    reported as mandatory as the Pulumi CLI does; or
    ``"skipped"`` when the rule could not run because it read a value unknown during a preview,
    which the Pulumi CLI reports as "can't run policy ... during preview"), ``urn`` (the resource
    concerned) and ``message``. ``config`` is a :class:`policies.config.PackConfig` (see
    :func:`load_config`), the same file ``pulumi preview --policy-pack-config`` takes.

``load_config(path) -> PackConfig``
    Read and check a ``--policy-pack-config`` file; raises ``policies.config.ConfigError``.

The rules see what the CLI gives them: props in engine camelCase behind pulumi-policy's
unknown-checking proxy, the resource's options, its provider (with the stack's default tags), and
for stack rules every resource with its parent, dependencies and property dependencies. A plan run
with ``run_program(..., preview=True)`` holds ``UNKNOWN`` wherever a first preview has no value
yet; those become the proxy's unknown sentinels here, so a rule that would be skipped in a real
first preview is reported as ``skipped`` offline too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from mwaaform.plan.durations import timeout_seconds
from mwaaform.plan.engine import STACK_TYPE, UNKNOWN, Plan, RecordedResource
from policies.config import ConfigError, PackConfig, load
from policies.rules import POLICIES, Rule

SKIPPED = "skipped"

__all__ = ["ConfigError", "Finding", "PackConfig", "SKIPPED", "Violation", "load_config", "review"]


@dataclass(frozen=True, order=True)
class Finding:
    level: str
    rule: str
    urn: str
    message: str

    @property
    def policy(self) -> str:
        return self.rule

    def __str__(self) -> str:
        return f"[{self.level}] {self.rule}: {self.message} ({self.urn.rsplit('::', 1)[-1]})"


# The name the plan renderers have used for a finding.
Violation = Finding


def load_config(path: str) -> PackConfig:
    """The pack configuration in ``path`` (``pulumi preview --policy-pack-config`` format)."""
    return load(path)


def _engine_value(value: Any) -> Any:
    """A recorded value as the analyzer receives it: ``UNKNOWN`` becomes the proxy's sentinel."""
    if value == UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _engine_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_engine_value(v) for v in value]
    return value


def _options(resource: RecordedResource) -> PolicyResourceOptions:
    # Timeouts reach the analyzer in seconds, zero where none is set (pulumi-policy's
    # PolicyCustomTimeouts, filled from the engine's state as `pulumi preview` does).
    timeouts = timeout_seconds(resource.custom_timeouts)
    return PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=list(resource.ignore_changes),
        delete_before_replace=resource.delete_before_replace,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(*(float(timeouts.get(op, 0)) for op in ("create", "update", "delete"))),
        additional_secret_outputs=[],
        parent=resource.parent,
    )


class _Stack:
    """The plan's resources in the shapes pulumi-policy hands to validators."""

    def __init__(self, plan: Plan):
        self.policed = [r for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")]
        self.props = {r.urn: _engine_value(r.inputs) for r in plan.resources}
        self.providers = {
            r.urn: PolicyProviderResource(r.type, unknown_checking_proxy(self.props[r.urn]), r.urn, r.name)
            for r in plan.resources
            if r.type.startswith("pulumi:providers:")
        }
        self.resources: dict[str, PolicyResource] = {}
        for resource in plan.resources:
            if resource.type.startswith("pulumi:providers:"):
                continue
            self.resources[resource.urn] = PolicyResource(
                resource.type,
                unknown_checking_proxy(self.props[resource.urn]),
                resource.urn,
                resource.name,
                _options(resource),
                self.provider(resource),
                None,
                [],
                {},
            )
        # Parents and dependencies point at the PolicyResource objects, as in the CLI.
        for resource in plan.resources:
            policy_resource = self.resources.get(resource.urn)
            if policy_resource is None:
                continue
            policy_resource.parent = self.resources.get(resource.parent or "")
            policy_resource.dependencies = [self.resources[u] for u in resource.dependencies if u in self.resources]
            policy_resource.property_dependencies = {
                key: [self.resources[u] for u in urns if u in self.resources] for key, urns in resource.property_dependencies.items()
            }

    def provider(self, resource: RecordedResource) -> PolicyProviderResource | None:
        # A provider reference is "<provider urn>::<provider id>".
        return self.providers.get((resource.provider or "").rsplit("::", 1)[0])


def effective_level(rule: Rule, config: PackConfig | None = None) -> str:
    """The level a rule's violations are reported at, after ``config``'s overrides.

    These rules validate and have nothing to remediate: pulumi-policy's analyzer reports their
    violations at "remediate" as mandatory (AnalyzeStack: "Stack policies cannot be remediated, so
    treat the level as mandatory"; Analyze "downgrades" it likewise), and `pulumi up` refuses. The
    offline review must fail the same way.
    """
    level = (config or PackConfig()).level(rule)
    return "mandatory" if level == "remediate" else level


def review(plan: Plan, config: PackConfig | None = None, rules: Sequence[Rule] = POLICIES) -> list[Finding]:
    """Every finding of every enabled rule over ``plan``, sorted: mandatory first (see the module doc)."""
    config = config or PackConfig()
    stack = _Stack(plan)
    findings: list[Finding] = []
    for rule in rules:
        level = effective_level(rule, config)
        if level == "disabled":
            continue
        rule_config = config.config(rule)

        def run(args: Any, default_urn: str, rule: Rule = rule, level: str = level) -> None:
            def report(message: str, urn: str | None = None) -> None:
                findings.append(Finding(level, rule.name, urn or default_urn, message))

            try:
                rule.validate(args, report)
            except UnknownValueError as error:
                findings.append(Finding(SKIPPED, rule.name, default_urn, f"can't run during preview: {error.message}"))

        if rule.kind == "resource":
            for resource in stack.policed:
                args = ResourceValidationArgs(
                    resource.type,
                    # One proxy per resource for every rule (the rules only read it): building it
                    # walks every input, and a plan has some 26 rules for each of its resources.
                    stack.resources[resource.urn].props,
                    resource.urn,
                    resource.name,
                    stack.resources[resource.urn].opts,  # likewise built once per resource
                    stack.provider(resource),
                    rule_config,
                )
                run(args, resource.urn)
        else:
            root = next((r.urn for r in plan.of_type(STACK_TYPE)), "")
            run(StackValidationArgs(list(stack.resources.values()), rule_config), root)
    order = {"mandatory": 0, "remediate": 1, "advisory": 2, SKIPPED: 3}
    return sorted(findings, key=lambda f: (order.get(f.level, 4), f.rule, f.urn, f.message))
