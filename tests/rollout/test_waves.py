"""Waves: stage order, rollout.wave within a stage, --stacks, and the dry run of the examples."""

from __future__ import annotations

import pytest

from mwaaform.rollout.waves import Target, commands, dry_run, parse_stacks, plan_waves, select
from mwaaform.spec.loader import UsageError, load
from tests.conftest import MINIMAL, ROOT


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


# --- Exact expectations, written by hand from Pulumi's CLI (`pulumi stack select --create`,
# `pulumi config set --stack S KEY VALUE`, `pulumi preview|up --stack S --policy-pack DIR`).


def test_dry_run_prints_exactly_the_waves_and_each_stacks_commands():
    waves = plan_waves([target("prod-b", "prod"), target("dev-a", "dev")])
    text = dry_run(waves, parallel=3, preview_only=False, preflight=True)
    assert text == (
        "2 waves, up to 3 stacks at a time; the first failure stops the waves after it\n"
        "\n"
        "wave 1: dev (dev-a)\n"
        "  mwaaform preflight environments/dev-a.yaml\n"
        "  dev-a  account 111122223333  region us-east-1\n"
        "    pulumi stack select --create dev-a\n"
        "    pulumi config set --stack dev-a mwaaform:spec environments/dev-a.yaml\n"
        "    pulumi config set --stack dev-a aws:region us-east-1\n"
        "    pulumi preview --stack dev-a --policy-pack policies\n"
        "    pulumi up --stack dev-a --policy-pack policies --yes\n"
        "\n"
        "wave 2: prod (prod-b)\n"
        "  mwaaform preflight environments/prod-b.yaml\n"
        "  prod-b  account 111122223333  region us-east-1\n"
        "    pulumi stack select --create prod-b\n"
        "    pulumi config set --stack prod-b mwaaform:spec environments/prod-b.yaml\n"
        "    pulumi config set --stack prod-b aws:region us-east-1\n"
        "    pulumi preview --stack prod-b --policy-pack policies\n"
        "    pulumi up --stack prod-b --policy-pack policies --yes\n"
    )


def test_dry_run_of_one_wave_one_at_a_time_previews_only_and_quotes_paths():
    spaced = Target("s", "my specs/s.yaml", "444455556666", "eu-west-1", "dev", 1)
    other = Target("t", "t.yaml", "444455556666", "eu-west-1", "dev", 1)
    text = dry_run(plan_waves([other, spaced]), parallel=1, preview_only=True, preflight=True)
    assert text == (
        "1 wave, up to 1 stack at a time; the first failure stops the waves after it\n"
        "\n"
        "wave 1: dev (s, t)\n"
        "  mwaaform preflight 'my specs/s.yaml' t.yaml\n"
        "  s  account 444455556666  region eu-west-1\n"
        "    pulumi stack select --create s\n"
        "    pulumi config set --stack s mwaaform:spec 'my specs/s.yaml'\n"
        "    pulumi config set --stack s aws:region eu-west-1\n"
        "    pulumi preview --stack s --policy-pack policies\n"
        "  t  account 444455556666  region eu-west-1\n"
        "    pulumi stack select --create t\n"
        "    pulumi config set --stack t mwaaform:spec t.yaml\n"
        "    pulumi config set --stack t aws:region eu-west-1\n"
        "    pulumi preview --stack t --policy-pack policies\n"
    )


def test_dry_run_of_no_waves_says_zero_waves():
    assert dry_run([], parallel=2, preview_only=False, preflight=False) == (
        "0 waves, up to 2 stacks at a time; the first failure stops the waves after it\n"
    )


def test_commands_setup_then_preview_then_up_with_the_policy_pack():
    cmds = commands("prod-data", "environments/prod-data.yaml", "us-west-2")
    assert cmds.all() == [
        ("pulumi", "stack", "select", "--create", "prod-data"),
        ("pulumi", "config", "set", "--stack", "prod-data", "mwaaform:spec", "environments/prod-data.yaml"),
        ("pulumi", "config", "set", "--stack", "prod-data", "aws:region", "us-west-2"),
        ("pulumi", "preview", "--stack", "prod-data", "--policy-pack", "policies"),
        ("pulumi", "up", "--stack", "prod-data", "--policy-pack", "policies", "--yes"),
    ]


def test_a_wave_number_is_a_label_only_when_its_stage_has_several():
    waves = plan_waves([target("a", "dev", 3), target("b", "test", 2), target("c", "test", 5), target("d", "test", 2)])
    assert [(w.label, w.stage, w.number, [t.name for t in w.targets]) for w in waves] == [
        ("dev", "dev", 3, ["a"]), ("test-2", "test", 2, ["b", "d"]), ("test-5", "test", 5, ["c"]),
    ]
    assert not any(w.needs_approval for w in waves)


def test_stacks_inside_a_wave_are_sorted_by_name_not_input_order():
    waves = plan_waves([target("zeta", "stage"), target("alpha", "stage"), target("mid", "stage")])
    assert [[t.name for t in w.targets] for w in waves] == [["alpha", "mid", "zeta"]]


def test_select_keeps_the_targets_order_and_lists_every_unknown_name():
    targets = [target("prod-data", "prod"), target("dev-analytics", "dev"), target("partner-eu", "stage")]
    assert [t.name for t in select(targets, ["partner-eu", "prod-data"])] == ["prod-data", "partner-eu"]
    assert select(targets, []) == targets
    with pytest.raises(UsageError) as raised:
        select(targets, ["prod-data", "prod-dta", "zzz"])
    assert str(raised.value) == (
        "--stacks: no such stack 'prod-dta' (did you mean 'prod-data'?), 'zzz'; "
        "stacks: dev-analytics, partner-eu, prod-data"
    )


def test_select_hints_only_a_close_name():
    # 'dev' is too far from 'dev-analytics' (difflib ratio 0.375) to be a hint; 'dev-analytic' is close.
    targets = [target("dev-analytics", "dev")]
    with pytest.raises(UsageError) as raised:
        select(targets, ["dev"])
    assert str(raised.value) == "--stacks: no such stack 'dev'; stacks: dev-analytics"
    with pytest.raises(UsageError, match=r"'dev-analytic' \(did you mean 'dev-analytics'\?\)"):
        select(targets, ["dev-analytic"])


def test_parse_stacks():
    assert parse_stacks(None) is None
    assert parse_stacks("prod-data") == ["prod-data"]
    assert parse_stacks("a,,b, c") == ["a", "b", "c"]
    for empty in ("", " ", ", ,"):
        with pytest.raises(UsageError) as raised:
            parse_stacks(empty)
        assert str(raised.value) == "--stacks: give stack names separated by commas"


def test_target_of_the_partner_example_carries_its_account_region_and_role(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = load([ROOT / "environments" / "partner-eu.yaml"])
    assert result.ok, result.diagnostics
    assert Target.of(result.stacks[0]) == Target(
        name="partner-eu",
        spec_path="environments/partner-eu.yaml",
        account="555566667777",
        region="eu-central-1",
        stage="stage",
        wave=1,
        deploy_role_arn="arn:aws:iam::555566667777:role/landing-zone/mwaaform-deploy",
    )


def test_target_of_a_spec_outside_the_working_folder_keeps_its_path(write_spec, tmp_path, monkeypatch):
    path = write_spec()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    found = Target.of(load([path]).stacks[0])
    assert found.spec_path == path.as_posix()
    assert found.deploy_role_arn is None
    assert (found.account, found.region, found.stage) == ("111122223333", "us-east-1", "dev")
