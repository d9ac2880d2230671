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
