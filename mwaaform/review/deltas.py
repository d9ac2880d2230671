"""What a change does to permissions, alarms, policy findings and the monthly cost estimate,
between two recorded plans."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mwaaform.plan.model import Plan

ROLE = "mwaaform:role:ExecutionRole"
POLICY_TYPES = ("aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy")
ALARMS = "mwaaform:alarms:EnvironmentAlarms"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@dataclass(frozen=True, order=True)
class Permission:
    effect: str
    action: str
    resource: str

    def __str__(self) -> str:
        return f"{self.effect} {self.action} on {self.resource}"


@dataclass(frozen=True)
class RoleDelta:
    role: str
    status: str  # "created", "deleted" or "changed"
    added: tuple[Permission, ...] = ()
    removed: tuple[Permission, ...] = ()


@dataclass(frozen=True)
class Finding:
    level: str
    policy: str
    resource: str
    message: str

    def __str__(self) -> str:
        return f"[{self.level}] {self.policy}: {self.message} ({self.resource})"


@dataclass(frozen=True)
class Findings:
    new: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    unchanged: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class CostDelta:
    """The monthly estimate (``mwaaform cost``) of each side; None where the stack does not exist.

    ``environments`` lists (name, before, after) for each environment whose estimate changed;
    ``unknown`` names line items without a price on either side (left out of the figures).
    """

    base: float | None = None
    head: float | None = None
    environments: tuple[tuple[str, float | None, float | None], ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def change(self) -> float:
        return round((self.head or 0.0) - (self.base or 0.0), 2)

    @property
    def changed(self) -> bool:
        return self.base != self.head or bool(self.environments)


@dataclass(frozen=True)
class Deltas:
    roles: tuple[RoleDelta, ...] = ()
    alarms_added: tuple[str, ...] = ()
    alarms_removed: tuple[str, ...] = ()
    findings: Findings = field(default_factory=Findings)
    cost: CostDelta = field(default_factory=CostDelta)


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def permissions(plan: Plan | None) -> dict[str, set[Permission]]:
    """Each execution role (by its component's name) and the (effect, action, resource) it grants."""
    if plan is None:
        return {}
    found: dict[str, set[Permission]] = {}
    for role in plan.of_type(ROLE):
        grants = found.setdefault(role.name, set())
        for policy in plan.children_of(role.urn):
            if policy.type not in POLICY_TYPES:
                continue
            document = policy.inputs.get("policy")
            if isinstance(document, str):
                document = json.loads(document)
            statements = (document or {}).get("Statement") or []
            for statement in [statements] if isinstance(statements, dict) else statements:
                effect = statement.get("Effect", "Allow")
                actions = _listed(statement.get("Action")) or [f"NotAction {a}" for a in _listed(statement.get("NotAction"))]
                resources = _listed(statement.get("Resource")) or [f"NotResource {r}" for r in _listed(statement.get("NotResource"))] or ["*"]
                grants.update(Permission(effect, a, r) for a in actions for r in resources)
    return found


def role_deltas(base: Plan | None, head: Plan | None) -> list[RoleDelta]:
    before, after = permissions(base), permissions(head)
    deltas = []
    for role in sorted(before.keys() | after.keys()):
        old, new = before.get(role), after.get(role)
        if old is None:
            deltas.append(RoleDelta(role, "created", tuple(sorted(new or ()))))
        elif new is None:
            deltas.append(RoleDelta(role, "deleted", (), tuple(sorted(old))))
        elif old != new:
            deltas.append(RoleDelta(role, "changed", tuple(sorted(new - old)), tuple(sorted(old - new))))
    return deltas


def alarms(plan: Plan | None) -> set[str]:
    if plan is None:
        return set()
    names = set()
    for component in plan.of_type(ALARMS):
        names.update(str(a.inputs.get("name", a.name)) for a in plan.children_of(component.urn) if a.type == ALARM)
    return names


def findings(plan: Plan | None, review: Callable[[Plan], list]) -> set[Finding]:
    """The policy pack's findings on a plan, keyed by what a reviewer recognises across versions."""
    if plan is None:
        return set()
    return {Finding(v.level, v.policy, v.urn.rsplit("::", 1)[-1] or "stack", v.message) for v in review(plan)}


def cost_delta(base: Plan | None, head: Plan | None) -> CostDelta:
    """Both sides priced by the estimate ``mwaaform cost`` prints (a function of each plan)."""
    from mwaaform.cost import estimate_plan

    before, after = (estimate_plan(p) if p is not None else None for p in (base, head))

    def monthly(estimate: Any, env: str | None = None) -> float | None:
        if estimate is None:
            return None
        if env is None:
            return round(estimate.monthly, 2)
        found = estimate.environments.get(env)
        return None if found is None else round(found.monthly, 2)

    names = sorted({*(before.environments if before else ()), *(after.environments if after else ())})
    return CostDelta(
        base=monthly(before),
        head=monthly(after),
        environments=tuple((n, monthly(before, n), monthly(after, n)) for n in names if monthly(before, n) != monthly(after, n)),
        unknown=tuple(sorted({*(before.unknown if before else ()), *(after.unknown if after else ())})),
    )


def compare(base: Plan | None, head: Plan | None, review: Callable[[Plan], list]) -> Deltas:
    old_alarms, new_alarms = alarms(base), alarms(head)
    old_findings, new_findings = findings(base, review), findings(head, review)
    order = lambda f: (f.level != "mandatory", f.policy, f.resource, f.message)  # noqa: E731
    return Deltas(
        roles=tuple(role_deltas(base, head)),
        alarms_added=tuple(sorted(new_alarms - old_alarms)),
        alarms_removed=tuple(sorted(old_alarms - new_alarms)),
        findings=Findings(
            new=tuple(sorted(new_findings - old_findings, key=order)),
            fixed=tuple(sorted(old_findings - new_findings, key=order)),
            unchanged=tuple(sorted(new_findings & old_findings, key=order)),
        ),
        cost=cost_delta(base, head),
    )
