"""``mwaaform cost``: plan each stack offline, then price the plan."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from mwaaform.cost.estimate import estimate_plan
from mwaaform.cost.prices import load_prices
from mwaaform.cost.render import render_text


def cost_command(stacks: Sequence, *, as_json: bool, jobs: int | None = 1, cache=None) -> int:
    from mwaaform.plan.run import plan_all

    estimates, failures = [], []
    for plan, failure in plan_all(stacks, jobs, cache):
        if plan is None:
            failures.append(f"mwaaform: {failure}")
        else:
            estimates.append(estimate_plan(plan))
    if as_json:
        documents = [e.as_dict() for e in estimates]
        output = documents[0] if len(stacks) == 1 and documents else {"stacks": documents}
        sys.stdout.write(json.dumps(output, indent=2, sort_keys=True) + "\n")
    else:
        hours = load_prices().hours_per_month
        sys.stdout.write("\n".join(render_text(e, hours) for e in estimates))
        if len(estimates) > 1:
            total = sum(e.monthly for e in estimates)
            unknown = any(e.unknown for e in estimates)
            sys.stdout.write(f"\nAll stacks: ${total:,.2f} a month{' + unknown' if unknown else ''}\n")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0
