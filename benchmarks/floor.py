"""The floor of a plan: the same resources registered directly, none of mwaaform's compiling.

``python -m benchmarks.floor PLANS.json`` reads the output of ``mwaaform plan --json`` and, in one
process, registers every recorded resource again (providers, components and custom resources
with their recorded names, types, parents, providers and inputs, as plain values) under the same
mock runtime the plan uses, one stack after another; it prints the number of resources. What a
plan costs above this is the price of mwaaform's program (spec to components, IAM, policies).
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any


def register(doc: dict[str, Any]) -> None:
    import pulumi

    made: dict[str, pulumi.Resource] = {}
    for step in doc["steps"]:
        state = step["newState"]
        urn, type_ = state["urn"], state["type"]
        if type_ == "pulumi:pulumi:Stack":
            continue
        name = urn.rsplit("::", 1)[1]
        parent = made.get(state.get("parent") or "")
        provider = made.get((state.get("provider") or "").rsplit("::", 1)[0])
        if type_.startswith("pulumi:providers:"):
            made[urn] = pulumi.ProviderResource(type_.rsplit(":", 1)[1], name, dict(state["inputs"]), pulumi.ResourceOptions(parent=parent))
        elif state["custom"]:
            opts = pulumi.ResourceOptions(parent=parent, provider=provider, protect=state.get("protect", False))
            made[urn] = pulumi.CustomResource(type_, name, dict(state["inputs"]), opts)
        else:
            made[urn] = pulumi.ComponentResource(type_, name, None, pulumi.ResourceOptions(parent=parent))
    for key, value in doc.get("outputs", {}).items():
        pulumi.export(key, value)


def run(documents: list[dict[str, Any]]) -> int:
    from mwaaform.plan.engine import run_program

    # The pulumi_aws modules the plans use, imported as the program would import them.
    for doc in documents:
        for step in doc["steps"]:
            package, _, rest = step["newState"]["type"].partition(":")
            if package == "aws" and "/" in rest:
                importlib.import_module(f"pulumi_aws.{rest.split('/')[0]}")
    count = 0
    for doc in documents:
        config = doc.get("config", {})
        account = next((v for k, v in config.items() if k.endswith(":allowedAccountIds")), '["111122223333"]')
        plan = run_program(
            lambda doc=doc: register(doc),
            stack=doc["stack"],
            account_id=json.loads(account)[0] if account.startswith("[") else account,
            region=config.get("aws:region", "us-east-1"),
            config=config,
        )
        count += len(plan.resources)
    return count


def main(argv: list[str]) -> None:
    with open(argv[0]) as handle:
        loaded = json.load(handle)
    documents = loaded["stacks"] if "stacks" in loaded else [loaded]
    print(run(documents))


if __name__ == "__main__":
    main(sys.argv[1:])
