"""Shared fixtures: a valid minimal spec, written where a test wants it."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: a bounded number of examples keeps `make test` fast; set
# HYPOTHESIS_PROFILE=thorough to explore a thousand examples per property.
settings.register_profile("mwaaform", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mwaaform"))

MINIMAL = """\
account:
  id: "111122223333"
  region: us-east-1
tags:
  Owner: data-platform
  CostCenter: "CC-1"
  DataClassification: internal
network:
  managed:
    cidr: 10.0.0.0/16
    availability_zones: [us-east-1a, us-east-1b]
environments:
  - name: sample-dev
    team: analytics
    stage: dev
"""


@pytest.fixture
def write_spec(tmp_path: Path):
    """Write a spec (dedented) into tmp_path and return its path."""

    def write(text: str = MINIMAL, name: str = "stack.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


ROOT = Path(__file__).resolve().parents[1]


def plan_example(stack, spec=None):
    """The recorded plan of an example stack (or of ``spec``, a changed copy of its spec)."""
    import os

    from mwaaform.plan.engine import run_program
    from mwaaform.stack import build

    spec = spec or stack.spec
    previous = os.getcwd()
    os.chdir(ROOT)  # file assets are relative to the project root, as under `pulumi up`
    try:
        return run_program(
            lambda: build(spec, stack.name, base_dir=str(stack.path.parent)),
            stack=stack.name,
            account_id=spec.account.id,
            region=spec.account.region,
        )
    finally:
        os.chdir(previous)


@pytest.fixture(scope="session")
def example_stacks():
    """The loaded example stacks of environments/, by name."""
    from mwaaform.spec.loader import load

    result = load([ROOT / "environments"])
    assert result.ok, result.diagnostics
    return {stack.name: stack for stack in result.stacks}


@pytest.fixture(scope="session")
def example_plans(example_stacks):
    """The recorded plan of every example stack, by name (planned once per session)."""
    return {name: plan_example(stack) for name, stack in example_stacks.items()}


@pytest.fixture(autouse=True, scope="session")
def _plan_cache_dir(tmp_path_factory):
    """The commands' plan cache in a folder of this test session, never the user's."""
    import os

    os.environ["MWAAFORM_CACHE_DIR"] = str(tmp_path_factory.mktemp("plan-cache"))
