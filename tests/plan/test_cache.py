"""The plan cache: a stack whose inputs did not change is not planned again, and a change to any
kind of input (spec, stage defaults, an uploaded file, mwaaform's source, a dependency's version)
is a miss."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mwaaform.plan import cache as plan_cache
from mwaaform.plan import engine, run as plan_run
from mwaaform.spec.loader import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """A copy of the dev-analytics example with its defaults and its requirements file."""
    folder = tmp_path / "environments"
    (folder / "files" / "dev-analytics").mkdir(parents=True)
    for name in ("dev-analytics.yaml", "_defaults.yaml", "files/dev-analytics/requirements.txt"):
        shutil.copy(ROOT / "environments" / name, folder / name)
    return folder


def key_of(folder: Path) -> str:
    (stack,) = load([folder / "dev-analytics.yaml"]).stacks
    return plan_cache.key(stack)


def test_the_key_is_stable_and_every_kind_of_input_changes_it(fleet, monkeypatch):
    first = key_of(fleet)
    assert key_of(fleet) == first

    spec = fleet / "dev-analytics.yaml"
    original = spec.read_text()
    spec.write_text(original.replace("workers: {min: 1, max: 3}", "workers: {min: 1, max: 4}"))
    assert key_of(fleet) != first, "spec"
    spec.write_text(original)

    defaults = fleet / "_defaults.yaml"
    before = defaults.read_text()
    defaults.write_text(before.replace("retention_days: 14", "retention_days: 30", 1))
    assert key_of(fleet) != first, "stage defaults"
    defaults.write_text(before)

    requirements = fleet / "files" / "dev-analytics" / "requirements.txt"
    before = requirements.read_text()
    requirements.write_text(before + "\n# one more line\n")
    assert key_of(fleet) != first, "an uploaded local file"
    requirements.write_text(before)
    assert key_of(fleet) == first

    source = fleet.parent / "source"
    shutil.copytree(ROOT / "policies", source / "policies")
    monkeypatch.setattr(plan_cache, "ROOT", source)
    plan_cache.toolchain_digest.cache_clear()
    copied = key_of(fleet)
    (source / "policies" / "rules.py").write_text((source / "policies" / "rules.py").read_text() + "\n# edited\n")
    plan_cache.toolchain_digest.cache_clear()
    assert key_of(fleet) != copied, "mwaaform's source"
    monkeypatch.undo()
    plan_cache.toolchain_digest.cache_clear()

    real_version = plan_cache.metadata.version
    monkeypatch.setattr(plan_cache.metadata, "version", lambda name: "0.0.0" if name == "pulumi-aws" else real_version(name))
    assert key_of(fleet) != first, "the version of pulumi-aws"
    monkeypatch.undo()
    plan_cache.toolchain_digest.cache_clear()
    assert key_of(fleet) == first


def test_a_hit_is_not_planned_again_and_a_bad_entry_is_a_miss(fleet, tmp_path, monkeypatch):
    (stack,) = load([fleet / "dev-analytics.yaml"]).stacks
    cache = plan_cache.PlanCache(tmp_path / "cache")
    planned = plan_run.plan_stack(stack, policies=False, cache=cache).plan
    entries = list((tmp_path / "cache").rglob("*.pickle"))
    assert len(entries) == 1

    def no_planning(*args, **kwargs):
        raise AssertionError("planned again")

    monkeypatch.setattr(plan_run, "run_program", no_planning)
    assert plan_run.plan_stack(stack, policies=False, cache=cache).plan == planned
    entries[0].write_bytes(b"not a pickle")
    with pytest.raises(AssertionError, match="planned again"):
        plan_run.plan_stack(stack, policies=False, cache=cache)
    monkeypatch.setattr(plan_run, "run_program", engine.run_program)
    assert plan_run.plan_stack(stack, policies=False, cache=cache).plan == planned


def test_no_cache_neither_reads_nor_writes_it(fleet, tmp_path):
    folder = tmp_path / "cli-cache"
    env = {"MWAAFORM_CACHE_DIR": str(folder), "PATH": "/usr/bin:/bin"}

    def plan(*options: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mwaaform", "plan", str(fleet), "--jobs", "1", *options],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    fresh = plan("--no-cache")
    assert not folder.exists()
    assert plan() == fresh and len(list(folder.rglob("*.pickle"))) == 1
    assert plan() == fresh  # from the cache: the same output
