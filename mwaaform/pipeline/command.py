"""``mwaaform pipeline --github-actions``: write the workflow (only when it changed)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from mwaaform.pipeline.github import render
from mwaaform.rollout.waves import Target, plan_waves
from mwaaform.spec.loader import LoadedStack


def pipeline_command(stacks: Sequence[LoadedStack], *, out: str, parallel: int) -> int:
    text = render(plan_waves(Target.of(s) for s in stacks), parallel=parallel)
    if out == "-":
        sys.stdout.write(text)
        return 0
    path = Path(out)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        print(f"{path}: unchanged")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
