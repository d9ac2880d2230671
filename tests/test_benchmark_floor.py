"""The benchmark's floor registers exactly the resources of the plans it is compared with
(benchmarks/floor.py): a floor with fewer resources, or other inputs, would flatter every ratio."""

from __future__ import annotations

from benchmarks.floor import run, run_stock
from mwaaform.plan.render import preview_json


def test_both_floors_register_every_resource_of_the_plans_with_their_inputs(example_plans):
    documents = [preview_json(plan, name) for name, plan in sorted(example_plans.items())]
    count = sum(len(doc["steps"]) for doc in documents)
    assert count == sum(len(plan.resources) for plan in example_plans.values()) > 150
    assert run_stock(documents) == count
    differ: list[str] = []
    assert run(documents, check=True, differ=differ) == count
    assert differ == []
