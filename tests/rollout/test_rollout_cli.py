"""`mwaaform rollout` as a user runs it: the dry run of the examples, mistakes, no Pulumi CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mwaaform.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mwaaform", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def test_dry_run_of_the_examples_prints_dev_stage_prod():
    done = run("rollout", "environments/", "--dry-run", "--parallel", "2")
    assert done.returncode == 0, done.stderr
    assert "3 waves, up to 2 stacks at a time" in done.stdout
    assert [line for line in done.stdout.splitlines() if line.startswith("wave")] == [
        "wave 1: dev (dev-analytics)", "wave 2: stage (partner-eu)", "wave 3: prod (prod-data)"
    ]


def test_mistakes_are_usage_errors_without_traceback(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["rollout", "--dry-run", "--stacks", "prod-dta"]) == 2
    assert "did you mean 'prod-data'?" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["rollout", "--dry-run", "--parallel", "0"])
    assert exit_.value.code == 2 and "at least 1" in capsys.readouterr().err


def test_without_the_pulumi_cli_one_line_with_the_install_link():
    env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + "/nonexistent"}
    if any((Path(p) / "pulumi").exists() for p in env["PATH"].split(os.pathsep)):
        env["PATH"] = "/nonexistent"
    done = run("rollout", "environments/dev-analytics.yaml", env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "mwaaform: the Pulumi CLI is not installed (rollout drives it; --dry-run does not need it): "
        "install it from https://www.pulumi.com/docs/iac/download-install/"
    ]


def test_rollout_finds_the_pulumi_project_above_the_working_folder(tmp_path):
    from mwaaform.rollout.command import project_root
    from mwaaform.spec.loader import UsageError

    assert project_root(ROOT / "environments" / "files") == ROOT
    with pytest.raises(UsageError, match="no Pulumi.yaml in"):
        project_root(tmp_path)


def test_without_the_policy_packs_virtualenv_one_line_with_the_commands(tmp_path, monkeypatch, capsys):
    # The pack's virtualenv is git-ignored: in a fresh clone every preview would fail, so the
    # rollout stops before the first one and says how to make it.
    import shutil

    from mwaaform.rollout import automation
    from tests.conftest import MINIMAL

    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "policies").mkdir()
    shutil.copy(ROOT / "policies" / "PulumiPolicy.yaml", tmp_path / "policies")
    (tmp_path / "stack.yaml").write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(automation, "require_cli", lambda: None)
    assert main(["rollout", "stack.yaml", "--no-preflight"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "mwaaform: the policy pack's virtualenv policies/venv does not exist, and the Pulumi CLI cannot run the pack "
        "without it: cd policies && python3 -m venv venv && venv/bin/pip install -r requirements.txt .. "
        "(pulumi-policy, and this project for the budget rule's prices)"
    ]
    # With the virtualenv there, nothing is said about it.
    from mwaaform.rollout.command import missing_pack_virtualenv

    (tmp_path / "policies" / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "policies" / "venv" / "bin" / "python").write_text("")
    assert missing_pack_virtualenv(tmp_path) is None
