"""The CrossGuard policies of the pack: each rule of :data:`rules.POLICIES` with its enforcement
level and its configuration schema. Imported by ``__main__.py`` only (it needs pulumi-policy)."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy

from .rules import POLICIES, Rule

NAME = "mwaaform"


def policy(rule: Rule):
    cls = ResourceValidationPolicy if rule.kind == "resource" else StackValidationPolicy
    return cls(
        name=rule.name,
        description=rule.description,
        validate=rule.validate,
        enforcement_level=EnforcementLevel(rule.enforcement_level),
        config_schema=PolicyConfigSchema(properties={k: dict(v) for k, v in rule.config.items()}) if rule.config else None,
    )


def policies() -> list:
    return [policy(rule) for rule in POLICIES]
