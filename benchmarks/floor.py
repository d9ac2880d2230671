"""The floor of a plan: the same resources registered directly, none of mwaaform's code.

``python -m benchmarks.floor PLANS.json`` reads the output of ``mwaaform plan --json`` and, in one
process, registers every recorded resource again (providers, components, and custom resources
through their pulumi_aws class, with their recorded names, parents, providers and inputs as plain
values), one stack after another, and prints the number of resources.

- By default under Pulumi's own mock runtime, as its unit-testing guide sets it up
  (``pulumi.runtime.set_mocks`` with mocks that answer each resource with its inputs,
  https://www.pulumi.com/docs/iac/guides/testing/unit/): the floor of issue 15, what registering
  these resources costs at all.
- With ``--engine``, through mwaaform's offline engine (``run_program``: its monitor, made-up
  state and recording) instead: what a plan costs above this is the price of mwaaform's program
  alone (spec to components, IAM, outputs between resources, policies). ``--check`` (which implies
  ``--engine``) also checks that every resource was registered with the inputs the plan recorded.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import importlib
import inspect
import json
import re
import sys
from typing import Any


@functools.lru_cache(maxsize=None)
def aws_class(type_: str) -> tuple[type | None, frozenset[str]]:
    """The pulumi_aws class of a type token (``aws:ec2/vpc:Vpc``) and the arguments it takes."""
    package, _, rest = type_.partition(":")
    module_path, _, name = rest.partition(":")
    if package != "aws" or "/" not in module_path:
        return None, frozenset()
    cls = getattr(importlib.import_module(f"pulumi_aws.{module_path.split('/')[0]}"), name, None)
    if cls is None:
        return None, frozenset()
    return cls, frozenset(inspect.signature(cls._internal_init).parameters)


def snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


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
            cls, params = aws_class(type_)
            if cls is None:
                made[urn] = pulumi.CustomResource(type_, name, dict(state["inputs"]), opts)
            else:
                kwargs = {snake(k): v for k, v in state["inputs"].items() if snake(k) in params}
                made[urn] = cls(name, opts=opts, **kwargs)
        else:
            made[urn] = pulumi.ComponentResource(type_, name, None, pulumi.ResourceOptions(parent=parent))
    for key, value in doc.get("outputs", {}).items():
        pulumi.export(key, value)


def _import_modules(documents: list[dict[str, Any]]) -> None:
    # The pulumi_aws modules the plans use, imported as the program would import them.
    for doc in documents:
        for step in doc["steps"]:
            package, _, rest = step["newState"]["type"].partition(":")
            if package == "aws" and "/" in rest:
                importlib.import_module(f"pulumi_aws.{rest.split('/')[0]}")


def _config(doc: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in doc.get("config", {}).items()}


def run_stock(documents: list[dict[str, Any]]) -> int:
    """Register the resources of ``documents`` under Pulumi's mock runtime, as its unit-testing
    guide sets it up; returns how many the mock monitor registered (the stacks excluded)."""
    import pulumi
    from pulumi.runtime import mocks, settings
    from pulumi.runtime.stack import run_pulumi_func

    class Echo(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
            return f"{args.name}_id", args.inputs

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, None]:
            return {}, None

    _import_modules(documents)
    count = 0
    for doc in documents:
        monitor = mocks.MockMonitor(Echo())
        loop = asyncio.new_event_loop()

        def stack(doc: dict[str, Any] = doc, monitor: mocks.MockMonitor = monitor, loop: asyncio.AbstractEventLoop = loop) -> None:
            # One stack after another in one process: fresh settings and runtime state for each.
            asyncio.set_event_loop(loop)
            settings.reset_options(project="mwaaform", stack=doc["stack"])
            pulumi.runtime.set_all_config(_config(doc), [])
            pulumi.runtime.set_mocks(Echo(), project="mwaaform", stack=doc["stack"], preview=False, monitor=monitor)
            loop.run_until_complete(run_pulumi_func(lambda: register(doc)))

        try:
            contextvars.Context().run(stack)
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            asyncio.set_event_loop(None)
        count += len(monitor.resources) + 1  # the stack registers without a record
    return count


def run(documents: list[dict[str, Any]], check: bool = False, differ: list[str] | None = None) -> int:
    """Register the resources of ``documents`` through mwaaform's engine; with ``check``, the URNs
    whose recorded inputs differ from the plan's go into ``differ``."""
    differ = [] if differ is None else differ
    from mwaaform.plan.engine import run_program

    _import_modules(documents)
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
        if check:
            recorded = {r.urn: r.inputs for r in plan.resources}
            for step in doc["steps"]:
                state = step["newState"]
                if state["custom"] and recorded.get(state["urn"]) != state["inputs"]:
                    differ.append(state["urn"])
    return count


def main(argv: list[str]) -> None:
    with open(argv[0]) as handle:
        loaded = json.load(handle)
    documents = loaded["stacks"] if "stacks" in loaded else [loaded]
    differ: list[str] = []
    if "--engine" in argv or "--check" in argv:
        print(run(documents, check="--check" in argv, differ=differ))
    else:
        # Pulumi's mock monitor gives each executor thread an event loop it never closes; their
        # collection at exit prints "Invalid file descriptor" and says nothing about the floor.
        sys.unraisablehook = lambda unraisable: None
        print(run_stock(documents))
    for urn in differ:
        print(f"inputs differ: {urn}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
