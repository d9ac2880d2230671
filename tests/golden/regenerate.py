"""Regenerate the golden plans: `make golden`. Review the diff before committing it.

The golden plans are the compiled `--json` plans of the example stacks: a change to what a spec
compiles to shows up as a reviewable diff of these files.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent


def golden_documents() -> dict[str, dict]:
    """The plan document of every example stack, by stack name."""
    import os

    from mwaaform.plan.run import plan_stack
    from mwaaform.spec.loader import load

    previous = os.getcwd()
    os.chdir(ROOT)  # file paths in the plan are relative to the project root
    try:
        result = load([ROOT / "environments"])
        if not result.errors:
            return {stack.name: plan_stack(stack).document() for stack in result.stacks}
    finally:
        os.chdir(previous)
    raise SystemExit("\n".join(str(d) for d in result.errors))


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    for name, document in golden_documents().items():
        path = GOLDEN / f"{name}.json"
        path.write_text(render(document), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
