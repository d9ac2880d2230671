"""CrossGuard entry point: `pulumi preview --policy-pack policies`.

Constructing a PolicyPack starts the analyzer server and never returns, so this is the only
module that does it; the rules live in policies/rules.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy  # noqa: E402

from policies.rules import POLICIES  # noqa: E402


def _policy(rule):
    cls = ResourceValidationPolicy if rule.kind == "resource" else StackValidationPolicy
    return cls(
        name=rule.name,
        description=rule.description,
        validate=rule.validate,
        enforcement_level=EnforcementLevel(rule.enforcement_level),
    )


PolicyPack(name="mwaaform", policies=[_policy(rule) for rule in POLICIES])
