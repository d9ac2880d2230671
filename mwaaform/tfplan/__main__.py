"""Write the Terraform plan JSON of every example stack: ``python -m mwaaform.tfplan OUT_DIR [SPEC...]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mwaaform.plan.run import plan_stack
from mwaaform.spec.loader import UsageError, load
from mwaaform.tfplan import to_terraform_plan


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m mwaaform.tfplan OUT_DIR [SPEC_OR_FOLDER...]", file=sys.stderr)
        return 2
    out, paths = Path(argv[0]), argv[1:] or ["environments"]
    try:
        result = load(paths)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for diagnostic in result.diagnostics:
        print(diagnostic, file=sys.stderr)
    if not result.ok:
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for stack in result.stacks:
        plan = plan_stack(stack, policies=False).plan  # the plan `mwaaform plan` shows
        path = out / f"{stack.name}.tfplan.json"
        path.write_text(json.dumps(to_terraform_plan(plan.resources), indent=1, sort_keys=True))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
