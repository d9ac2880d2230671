"""actionlint (a PyPI wheel in the test extra) over a GitHub Actions workflow: one lookup for
the review workflow in docs/ci and the generated rollout pipeline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def actionlint(path: Path) -> subprocess.CompletedProcess:
    """actionlint's verdict on ``path``: the virtualenv's binary first, else the one on PATH."""
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert binary, "actionlint is not installed (the test extra installs it: pip install -e '.[test]')"
    return subprocess.run([binary, "-no-color", str(path)], capture_output=True, text=True, timeout=60)
