"""The generated GitHub Actions workflow: actionlint-clean, the dry run's waves, deterministic."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mwaaform.pipeline.github import MAX_JOB_MINUTES, render, workflow
from mwaaform.rollout.waves import Target, plan_waves
from mwaaform.spec.loader import UsageError, load
from tests.actionlint import actionlint
from tests.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[2]


def examples_waves():
    return plan_waves(Target.of(s) for s in load([ROOT / "environments"]).stacks)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mwaaform", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_generated_workflow_passes_actionlint(tmp_path):
    done = cli("pipeline", "--github-actions", "environments/", "--parallel", "2", "--out", str(tmp_path / "rollout.yml"))
    assert done.returncode == 0, done.stderr
    lint = actionlint(tmp_path / "rollout.yml")
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    # The check above can fail: a job needing a job that does not exist is an actionlint error.
    text = render(examples_waves()).replace("needs: wave-dev", "needs: wave-nope")
    (tmp_path / "broken.yml").write_text(text)
    lint = actionlint(tmp_path / "broken.yml")
    assert lint.returncode == 1 and "wave-nope" in lint.stdout


def test_jobs_match_the_rollout_dry_run():
    dry = cli("rollout", "environments/", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    waves_in_dry_run = [
        (m.group(1), m.group(2).split(", ")) for m in re.finditer(r"^wave \d+: (\S+) \((.*)\)$", dry.stdout, re.MULTILINE)
    ]
    doc = yaml.safe_load(render(examples_waves()))
    jobs = doc["jobs"]
    # Jobs in order, each needing the one before: the same sequence of waves and stacks.
    order = list(jobs)
    assert [jobs[j].get("needs") for j in order] == [None, *order[:-1]]
    waves_in_workflow = [(j.removeprefix("wave-"), [e["stack"] for e in jobs[j]["strategy"]["matrix"]["include"]]) for j in order]
    assert waves_in_workflow == waves_in_dry_run == [("dev", ["dev-analytics"]), ("stage", ["partner-eu"]), ("prod", ["prod-data"])]


def test_each_stack_assumes_its_accounts_deploy_role_and_previews_before_up(monkeypatch):
    monkeypatch.chdir(ROOT)
    doc = yaml.safe_load(render(examples_waves(), parallel=3))
    assert doc["permissions"] == {"contents": "read", "id-token": "write"}
    assert doc["concurrency"]["cancel-in-progress"] is False
    prod = doc["jobs"]["wave-prod"]
    assert prod["environment"] == "prod" and "environment" not in doc["jobs"]["wave-dev"]
    assert prod["strategy"]["fail-fast"] is True and prod["strategy"]["max-parallel"] == 3
    assert prod["strategy"]["matrix"]["include"] == [{
        "stack": "prod-data", "spec": "environments/prod-data.yaml",
        "account": "222233334444", "region": "us-east-1", "role": "arn:aws:iam::222233334444:role/mwaaform-deploy",
    }]
    steps = prod["steps"]
    credentials = next(s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
    assert credentials["with"] == {"role-to-assume": "${{ matrix.role }}", "aws-region": "${{ matrix.region }}"}
    runs = [s.get("run", "") for s in steps]
    preview = next(i for i, r in enumerate(runs) if r.startswith("pulumi preview"))
    up = next(i for i, r in enumerate(runs) if r.startswith("pulumi up"))
    preflight = next(i for i, r in enumerate(runs) if r.startswith("mwaaform preflight"))
    assert preflight < preview < up
    assert runs[preview] == 'pulumi preview --stack "$STACK" --policy-pack policies'
    # Matrix values reach scripts through env, never spliced into the script text.
    assert not any("${{" in r for r in runs)


def test_regenerating_for_an_unchanged_fleet_gives_the_same_file(tmp_path, capsys, monkeypatch):
    from mwaaform.cli import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "wf.yml"
    assert main(["pipeline", "--github-actions", "environments/", "--out", str(out)]) == 0
    text = out.read_text()
    assert main(["pipeline", "--github-actions", "environments/prod-data.yaml", "environments/dev-analytics.yaml",
                 "environments/partner-eu.yaml", "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {out}", f"{out}: unchanged"]
    assert out.read_text() == text


def test_a_stack_without_a_deploy_role_is_refused(write_spec):
    stack = load([write_spec(MINIMAL)]).stacks[0]
    with pytest.raises(UsageError, match="stack stack has no account.deploy_role_arn"):
        workflow(plan_waves([Target.of(stack)]))


def _job_timeouts(waves) -> list[int]:
    return [job["timeout-minutes"] for job in workflow(waves)["jobs"].values()]


def test_a_job_outlasts_the_longest_wait_of_pulumi_up(write_spec):
    # Stopping a job while `pulumi up` still waits for MWAA leaves the stack with a pending
    # operation: the bound is the environments' longest timeout (3h by default) plus a margin.
    assert _job_timeouts(examples_waves()) == [210, 210, 210]
    role = MINIMAL.replace('  region: us-east-1\n', '  region: us-east-1\n  deploy_role_arn: arn:aws:iam::111122223333:role/deploy\n')
    slow = load([write_spec(role + "    timeouts: {create: 5h}\n")]).stacks[0]
    assert _job_timeouts(plan_waves([Target.of(slow)])) == [330]
    # Never above what a GitHub-hosted runner allows a job.
    slower = load([write_spec(role + "    timeouts: {update: 9h}\n", name="slower.yaml")]).stacks[0]
    assert _job_timeouts(plan_waves([Target.of(slower)])) == [MAX_JOB_MINUTES] == [360]


def test_the_policy_packs_virtualenv_exists_before_the_preview(monkeypatch):
    # A fresh checkout has no policies/venv (git-ignored), and the Pulumi CLI refuses a Python pack
    # whose PulumiPolicy.yaml names a virtualenv that does not exist.
    monkeypatch.chdir(ROOT)
    pack = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    venv = f"policies/{pack['runtime']['options']['virtualenv']}"
    for job in yaml.safe_load(render(examples_waves()))["jobs"].values():
        runs = [s.get("run", "") for s in job["steps"]]
        install = next(i for i, r in enumerate(runs) if f"python -m venv {venv}\n" in r)
        assert f"{venv}/bin/pip install -r policies/requirements.txt" in runs[install]
        assert install < next(i for i, r in enumerate(runs) if "--policy-pack policies" in r)
