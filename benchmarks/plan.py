"""Print timing figures of the main jobs: `make bench`.

Figures, not assertions: validation of the example fleet, and the offline plan per stack
(first stack includes the one-off import of pulumi_aws), each the best of several runs.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples)


def main() -> None:
    import os

    os.chdir(ROOT)
    start = time.perf_counter()
    from mwaaform.spec.loader import load

    print(f"import spec loader            {1000 * (time.perf_counter() - start):8.1f} ms")
    best, median = timed(lambda: load([ROOT / "environments"]))
    print(f"validate environments/        {1000 * best:8.1f} ms best, {1000 * median:.1f} ms median")

    start = time.perf_counter()
    from mwaaform.plan.run import plan_stack

    print(f"import plan engine + pulumi   {1000 * (time.perf_counter() - start):8.1f} ms")
    stacks = load([ROOT / "environments"]).stacks
    start = time.perf_counter()
    plan_stack(stacks[0])
    print(f"first plan ({stacks[0].name:<16})  {1000 * (time.perf_counter() - start):8.1f} ms (warm-up included)")
    for stack in stacks:
        count = len(plan_stack(stack).plan.resources)
        best, median = timed(lambda stack=stack: plan_stack(stack), repeat=3)
        print(f"plan {stack.name:<24} {1000 * best:8.1f} ms best, {1000 * median:.1f} ms median, {count} resources, {1000 * best / count:.2f} ms/resource")
    # The policy review's share: the plan without it, and the review alone (over the known plan).
    from mwaaform.plan.review import review

    for stack in stacks:
        best, _ = timed(lambda stack=stack: plan_stack(stack, policies=False), repeat=3)
        recorded = plan_stack(stack, policies=False).plan
        review_best, review_median = timed(lambda recorded=recorded: review(recorded), repeat=5)
        print(f"plan {stack.name:<24} {1000 * best:8.1f} ms without policies; review alone {1000 * review_best:.1f} ms best, "
              f"{1000 * review_median:.1f} ms median")


if __name__ == "__main__":
    main()
