"""The example stacks compile to exactly the committed golden plans (regenerate: `make golden`)."""

from __future__ import annotations

import pytest

from tests.golden.regenerate import GOLDEN, golden_documents, render


@pytest.fixture(scope="module")
def documents():
    return golden_documents()


def test_every_example_has_a_golden_plan(documents):
    assert sorted(documents) == sorted(p.stem for p in GOLDEN.glob("*.json"))


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.json")))
def test_plan_matches_golden(documents, name):
    expected = (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    assert render(documents[name]) == expected, f"plan of {name} changed: run `make golden` and review the diff"
