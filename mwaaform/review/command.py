"""The ``mwaaform review`` command: review, print in the asked format, and say whether it passes."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from mwaaform.review import render
from mwaaform.review.run import review_paths


def review_command(
    paths: Sequence[str], *, base: str | None, allow_replace: Sequence[str], fmt: str, out: str | None, jobs: int | None = 1, cache=None
) -> int:
    """0 when the review passes, 1 when it fails (destructive changes not acknowledged, mandatory
    policy violations, specs that cannot be planned)."""
    review, diagnostics = review_paths(paths, base, allow_replace, jobs, cache)
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    if fmt == "json":
        output = json.dumps(render.document(review), indent=2, sort_keys=True) + "\n"
    elif fmt == "markdown":
        output = render.markdown(review, list(paths))
    else:
        output = render.text(review, list(paths))
    if out:
        Path(out).write_text(output)
    sys.stdout.write(output)
    if not review.passed and fmt != "text":
        # Text output ends with the reasons; the others are for machines and comments.
        for reason in review.reasons:
            print(f"mwaaform: {reason}", file=sys.stderr)
    return 0 if review.passed else 1
