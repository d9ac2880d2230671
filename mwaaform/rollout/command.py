"""``mwaaform rollout``: wire the validated stacks, the waves, a runner, progress and the summary."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from mwaaform.rollout.engine import Runner, run_rollout
from mwaaform.rollout.report import Progress, summary_table
from mwaaform.rollout.waves import POLICY_PACK, Target, Wave, dry_run, plan_waves, select
from mwaaform.spec.loader import LoadedStack, UsageError

LOG_DIR = Path("build/rollout")


def rollout_command(
    stacks: Sequence[LoadedStack],
    *,
    names: Sequence[str] | None,
    parallel: int,
    dry: bool,
    preview_only: bool,
    preflight: bool,
    runner: Runner | None = None,
) -> int:
    targets = select([Target.of(s) for s in stacks], names)
    waves = plan_waves(targets)
    if dry:
        sys.stdout.write(dry_run(waves, parallel=parallel, preview_only=preview_only, preflight=preflight))
        return 0
    if runner is None:
        from mwaaform.rollout.automation import AutomationRunner, PulumiMissing

        try:
            project = project_root(Path.cwd())
            runner = AutomationRunner(project, project / LOG_DIR)
        except PulumiMissing as exc:
            print(f"mwaaform: {exc}", file=sys.stderr)
            return 1
        missing = missing_pack_virtualenv(project)
        if missing:
            print(f"mwaaform: {missing}", file=sys.stderr)
            return 1
    by_name = {s.name: s for s in stacks}
    check = _preflight(by_name) if preflight else None
    progress = Progress(sys.stderr, [t.name for w in waves for t in w.targets])
    outcomes = run_rollout(waves, runner, parallel=parallel, preview_only=preview_only, preflight=check, events=progress)
    sys.stdout.write("\n" + summary_table(outcomes))
    return 1 if any(o.result != ("previewed" if preview_only else "updated") for o in outcomes) else 0


def project_root(start: Path) -> Path:
    """The Pulumi project the stacks belong to: the nearest folder holding ``Pulumi.yaml``."""
    for folder in (start, *start.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    raise UsageError(f"no Pulumi.yaml in {start} or above it: run rollout inside the mwaaform project")


def missing_pack_virtualenv(project: Path) -> str | None:
    """Why every preview would fail at once, or None: the policy pack's virtualenv (named in its
    ``PulumiPolicy.yaml``, git-ignored) must exist, or the Pulumi CLI refuses the pack."""
    import yaml

    pack = project / POLICY_PACK
    try:
        runtime = yaml.safe_load((pack / "PulumiPolicy.yaml").read_text(encoding="utf-8")).get("runtime") or {}
    except (OSError, AttributeError, yaml.YAMLError):
        return None  # not mwaaform's own pack layout: let the CLI judge it
    venv = (runtime.get("options") or {}).get("virtualenv") if isinstance(runtime, dict) else None
    if not venv or (pack / venv / "bin" / "python").exists() or (pack / venv / "Scripts" / "python.exe").exists():
        return None
    return (
        f"the policy pack's virtualenv {POLICY_PACK}/{venv} does not exist, and the Pulumi CLI cannot run the pack "
        f"without it: cd {POLICY_PACK} && python3 -m venv {venv} && {venv}/bin/pip install -r requirements.txt .. "
        "(pulumi-policy, and this project for the budget rule's prices)"
    )


def _preflight(by_name: dict[str, LoadedStack]):
    def check(wave: Wave) -> list[tuple[str, str]]:
        from mwaaform.preflight.command import failures_of

        return failures_of([by_name[t.name] for t in wave.targets])

    return check
