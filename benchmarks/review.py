"""Print timing figures of `mwaaform review`: `make bench`.

Figures, not assertions: planning both sides dominates; the diff, the deltas (with the policy
review of both plans), the diagram and the renderers are measured apart, each the best of a few runs.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from benchmarks.plan import timed

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    os.chdir(ROOT)
    from mwaaform.plan.review import review as policy_review
    from mwaaform.plan.run import plan_stack
    from mwaaform.review import render
    from mwaaform.review.deltas import compare
    from mwaaform.review.diagram import diagram
    from mwaaform.review.diff import diff_plans
    from mwaaform.review.run import review_paths
    from mwaaform.spec.loader import load

    stacks = load([ROOT / "environments"]).stacks
    plans = {s.name: plan_stack(s, policies=False).plan for s in stacks}
    for name, plan in plans.items():
        # A plan against itself: every resource is compared, nothing differs.
        best, _ = timed(lambda name=name, plan=plan: diff_plans(name, plan, plan))
        print(f"diff {name:<24} {1000 * best:8.1f} ms for {len(plan.resources)} resources")
        best, _ = timed(lambda plan=plan: compare(plan, plan, policy_review), repeat=3)
        print(f"deltas {name:<22} {1000 * best:8.1f} ms (policy review of both plans included)")
        best, _ = timed(lambda plan=plan: diagram(plan))
        print(f"diagram {name:<21} {1000 * best:8.1f} ms")
    review, _ = review_paths(["environments"], None)
    best, _ = timed(lambda: render.markdown(review, ["environments/"]))
    print(f"markdown comment (examples)   {1000 * best:8.1f} ms, {len(render.markdown(review, ['environments/']))} characters")
    start = time.perf_counter()
    review_paths(["environments"], "HEAD")
    print(f"review --base HEAD            {1000 * (time.perf_counter() - start):8.1f} ms (plans both sides of every stack)")


if __name__ == "__main__":
    main()
