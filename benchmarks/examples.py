"""Each example stack planned in-process against its floor: `python -m benchmarks.examples [RUNS]`.

In one warm process (imports done, heap frozen as ``mwaaform plan`` does before its workers),
each stack of environments/ is planned (the program, without the policy review) and its recorded
resources are registered again directly (benchmarks/floor.py) under Pulumi's mock runtime (the
floor) and through mwaaform's engine, in turns, ``RUNS`` times; prints one JSON object per stack:
medians in seconds, the resource count and the ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def medians(jobs: dict[str, Any], runs: int) -> dict[str, float]:
    """The median time of each job, run in turns (one of each, ``runs`` times) so that a change in
    the machine's load falls on every job alike."""
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def main(runs: int = 5) -> None:
    os.chdir(ROOT)
    from benchmarks.floor import run as engine_floor
    from benchmarks.floor import run_stock as floor
    from mwaaform.plan.parallel import warm_up
    from mwaaform.plan.render import preview_json
    from mwaaform.plan.run import plan_stack
    from mwaaform.spec.loader import load

    stacks = load(["environments"]).stacks
    warm_up()
    for stack in stacks:
        doc = preview_json(plan_stack(stack, policies=False).plan, stack.name)
        floor([doc])  # the floors' first runs import what they need
        engine_floor([doc])
        times = medians(
            {
                "plan": lambda stack=stack: plan_stack(stack, policies=False),
                "floor": lambda doc=doc: floor([doc]),
                "engine": lambda doc=doc: engine_floor([doc]),
            },
            runs,
        )
        plan, base, engine = times["plan"], times["floor"], times["engine"]
        print(json.dumps({
            "stack": stack.name, "resources": len(doc["steps"]), "plan_s": plan, "floor_s": base, "ratio": plan / base,
            "engine_floor_s": engine, "engine_ratio": plan / engine,
        }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
