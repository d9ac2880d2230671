"""Waves: which stacks roll out together, in which order, with which commands.

A stack's stage is the most critical stage of its environments (a stack holding dev and prod
environments goes out with prod). Waves run in stage order (dev, test, stage, prod) and, within a
stage, by the spec's ``rollout.wave`` (default 1). Everything here is a function of the loader's
validated stacks: nothing reads the cloud or runs Pulumi.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from mwaaform.spec.loader import LoadedStack, UsageError
from mwaaform.spec.values import STAGES

POLICY_PACK = "policies"


@dataclass(frozen=True)
class Target:
    """One stack to roll out: what the waves, the runner and the pipeline need of it."""

    name: str
    spec_path: str
    account: str
    region: str
    stage: str
    wave: int
    deploy_role_arn: str | None = None
    # The longest an update may wait for one MWAA operation: the largest of its environments'
    # `timeouts` (create, update, delete), in minutes.
    longest_wait_minutes: int = 180

    @classmethod
    def of(cls, stack: LoadedStack) -> Target:
        spec = stack.spec
        waits = [_minutes(t) for env in spec.environments for t in (env.timeouts.create, env.timeouts.update, env.timeouts.delete)]
        return cls(
            name=stack.name,
            spec_path=_relative(stack.path),
            account=spec.account.id,
            region=spec.account.region,
            stage=spec.stage,
            wave=spec.rollout.wave,
            deploy_role_arn=spec.account.deploy_role_arn,
            longest_wait_minutes=max(waits, default=0),
        )


def _minutes(duration: str) -> int:
    """A spec timeout (`90m`, `3h`) in minutes."""
    return int(duration[:-1]) * (60 if duration.endswith("h") else 1)


def _relative(path: Path) -> str:
    """The spec's path from the working folder (the project root) when it is inside it: CI checks out elsewhere."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Wave:
    """Stacks that roll out together; ``label`` is the stage, with ``-N`` when the stage has several waves."""

    label: str
    stage: str
    number: int
    targets: tuple[Target, ...]

    @property
    def needs_approval(self) -> bool:
        return self.stage == "prod"


def plan_waves(targets: Iterable[Target]) -> list[Wave]:
    """Group ``targets`` into ordered waves; stacks inside a wave are sorted by name."""

    def order(target: Target) -> tuple[int, int, str]:
        return STAGES.index(target.stage), target.wave, target.name

    ordered = sorted(targets, key=order)
    waves: list[Wave] = []
    for stage, of_stage in groupby(ordered, key=lambda t: t.stage):
        groups = [(number, tuple(group)) for number, group in groupby(of_stage, key=lambda t: t.wave)]
        for number, group in groups:
            label = stage if len(groups) == 1 else f"{stage}-{number}"
            waves.append(Wave(label, stage, number, group))
    return waves


def select(targets: Sequence[Target], names: Sequence[str] | None) -> list[Target]:
    """The targets named in ``names`` (all when None); an unknown name is a usage error with a hint."""
    if not names:
        return list(targets)
    known = {t.name: t for t in targets}
    unknown = [n for n in names if n not in known]
    if unknown:
        hints = []
        for name in unknown:
            match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hints.append(f"{name!r}" + (f" (did you mean {match[0]!r}?)" if match else ""))
        raise UsageError(f"--stacks: no such stack {', '.join(hints)}; stacks: {', '.join(sorted(known))}")
    wanted = set(names)
    return [t for t in targets if t.name in wanted]


def parse_stacks(text: str | None) -> list[str] | None:
    """``--stacks a,b`` -> ``["a", "b"]``."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError("--stacks: give stack names separated by commas")
    return names


@dataclass(frozen=True)
class Commands:
    """The Pulumi commands that roll out one stack, in order (the runner and the pipeline run these)."""

    setup: tuple[tuple[str, ...], ...]
    preview: tuple[str, ...]
    up: tuple[str, ...]

    def all(self) -> list[tuple[str, ...]]:
        return [*self.setup, self.preview, self.up]


def commands(stack: str, spec_path: str, region: str) -> Commands:
    """Commands for a stack; the arguments may be literal values or CI expressions."""
    return Commands(
        setup=(
            ("pulumi", "stack", "select", "--create", stack),
            ("pulumi", "config", "set", "--stack", stack, "mwaaform:spec", spec_path),
            ("pulumi", "config", "set", "--stack", stack, "aws:region", region),
        ),
        preview=("pulumi", "preview", "--stack", stack, "--policy-pack", POLICY_PACK),
        up=("pulumi", "up", "--stack", stack, "--policy-pack", POLICY_PACK, "--yes"),
    )


def target_commands(target: Target) -> Commands:
    return commands(target.name, target.spec_path, target.region)


def shell(command: Sequence[str]) -> str:
    return shlex.join(command)


def dry_run(waves: Sequence[Wave], *, parallel: int, preview_only: bool, preflight: bool) -> str:
    """What ``rollout`` would do: the waves, and each stack's commands, without running anything."""
    lines = [f"{len(waves)} wave{'s' if len(waves) != 1 else ''}, up to {parallel} stack{'s' if parallel != 1 else ''} at a time; "
             "the first failure stops the waves after it"]
    for index, wave in enumerate(waves, 1):
        names = ", ".join(t.name for t in wave.targets)
        lines.append(f"\nwave {index}: {wave.label} ({names})")
        if preflight:
            lines.append(f"  mwaaform preflight {shlex.join(t.spec_path for t in wave.targets)}")
        for target in wave.targets:
            lines.append(f"  {target.name}  account {target.account}  region {target.region}")
            cmds = target_commands(target)
            steps = [*cmds.setup, cmds.preview] + ([] if preview_only else [cmds.up])
            lines.extend(f"    {shell(c)}" for c in steps)
    return "\n".join(lines) + "\n"
