"""Waves: stage order, rollout.wave within a stage, --stacks, and the dry run of the examples."""

from __future__ import annotations

import pytest

from mwaaform.rollout.waves import Target, dry_run, parse_stacks, plan_waves, select
from mwaaform.spec.loader import UsageError, load
from tests.conftest import MINIMAL


def target(name: str, stage: str, wave: int = 1) -> Target:
    return Target(name, f"environments/{name}.yaml", "111122223333", "us-east-1", stage, wave)


def test_waves_follow_stage_order_not_input_order():
    waves = plan_waves([target("p", "prod"), target("d", "dev"), target("s", "stage"), target("t", "test"), target("d2", "dev")])
    assert [(w.label, [t.name for t in w.targets]) for w in waves] == [
        ("dev", ["d", "d2"]), ("test", ["t"]), ("stage", ["s"]), ("prod", ["p"])
    ]
    assert [w.needs_approval for w in waves] == [False, False, False, True]


def test_rollout_wave_splits_a_stage_and_labels_its_waves():
    waves = plan_waves([target("eu", "prod", 2), target("canary", "prod", 1), target("us", "prod", 2), target("d", "dev", 3)])
    # A dev stack's wave 3 still goes before every prod wave; a stage with one wave keeps its plain label.
    assert [(w.label, [t.name for t in w.targets]) for w in waves] == [("dev", ["d"]), ("prod-1", ["canary"]), ("prod-2", ["eu", "us"])]


def test_stack_of_mixed_stages_goes_out_with_its_most_critical(write_spec):
    text = MINIMAL + "  - name: sample-prod\n    team: analytics\n    stage: prod\n    alarms: {enabled: false}\n"
    result = load([write_spec(text)])
    assert result.ok, result.diagnostics
    assert Target.of(result.stacks[0]).stage == "prod"


def test_rollout_wave_is_read_from_the_spec_and_bounded(write_spec):
    ok = load([write_spec(MINIMAL + "rollout:\n  wave: 2\n")])
    assert Target.of(ok.stacks[0]).wave == 2
    bad = load([write_spec(MINIMAL + "rollout:\n  wave: 0\n", name="bad.yaml")])
    assert not bad.ok and "rollout.wave" in str(bad.errors[0])
    typo = load([write_spec(MINIMAL + "rollout:\n  wav: 2\n", name="typo.yaml")])
    assert "did you mean 'wave'" in str(typo.errors[0])


def test_select_narrows_and_names_unknown_stacks():
    targets = [target("dev-analytics", "dev"), target("prod-data", "prod")]
    assert [t.name for t in select(targets, ["prod-data"])] == ["prod-data"]
    assert select(targets, None) == targets
    with pytest.raises(UsageError, match="'prod-dta' \\(did you mean 'prod-data'\\?\\)"):
        select(targets, ["prod-dta"])
    assert parse_stacks(" a, b ,") == ["a", "b"]
    with pytest.raises(UsageError):
        parse_stacks(",")


def test_dry_run_of_the_examples_prints_dev_stage_prod_with_commands():
    result = load(["environments"])
    text = dry_run(plan_waves(Target.of(s) for s in result.stacks), parallel=2, preview_only=False, preflight=True)
    headers = [line for line in text.splitlines() if line.startswith("wave ")]
    assert headers == ["wave 1: dev (dev-analytics)", "wave 2: stage (partner-eu)", "wave 3: prod (prod-data)"]
    assert "pulumi preview --stack prod-data --policy-pack policies" in text
    assert "pulumi up --stack prod-data --policy-pack policies --yes" in text
    assert "pulumi config set --stack partner-eu aws:region eu-central-1" in text
    assert "mwaaform preflight environments/prod-data.yaml" in text
    preview_only = dry_run(plan_waves(Target.of(s) for s in result.stacks), parallel=1, preview_only=True, preflight=False)
    assert "pulumi up" not in preview_only and "preflight" not in preview_only
