"""The example stacks compiled twice, once per session: as `pulumi up` sees them (every value
known) and as their first `pulumi preview` does (every output of a new resource unknown)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev-analytics", "partner-eu", "prod-data")


@pytest.fixture(scope="session")
def example_plans():
    from mwaaform.plan.engine import run_program
    from mwaaform.program import build_stack
    from mwaaform.spec.loader import load

    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        result = load([ROOT / "environments" / f"{name}.yaml" for name in STACKS])
        assert result.ok, result.errors
        plans = {}
        for stack in result.stacks:
            for preview in (False, True):
                plans[stack.name, preview] = run_program(
                    lambda stack=stack: build_stack(stack),
                    project="mwaaform",
                    stack=stack.name,
                    account_id=stack.spec.account.id,
                    region=stack.spec.account.region,
                    preview=preview,
                )
        return plans
    finally:
        os.chdir(previous)
