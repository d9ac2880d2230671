"""The CI recipe in docs/: a GitHub Actions workflow that runs `mwaaform review --base` on pull requests."""

from __future__ import annotations

from pathlib import Path

import yaml

from mwaaform.review.render import MARKER
from tests.actionlint import actionlint

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "docs" / "ci" / "mwaaform-review.yml"


def test_the_workflow_passes_actionlint():
    done = actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("steps.review.outputs.status", "steps.reviw.outputs.status"))
    done = actionlint(broken)
    assert done.returncode == 1 and 'property "reviw" is not defined' in done.stdout


def test_the_workflow_reviews_against_the_base_and_updates_its_own_comment():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["review"]["steps"]
    review = next(s for s in steps if s.get("id") == "review")
    assert 'mwaaform review environments/ --base "$BASE_SHA" --format markdown --out review.md' in review["run"]
    assert review["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    # The history must be there to read the base commit.
    assert steps[0]["with"]["fetch-depth"] == 0
    # The comment step finds the comment it posted before by the renderer's first line.
    comment = next(s for s in steps if "github-script" in s.get("uses", ""))
    assert f'const marker = "{MARKER}";' in comment["with"]["script"]
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
