"""Run waves through a runner: concurrency within a wave, stop on the first failure, outcomes.

Plain code over a :class:`Runner` protocol; the Automation API runner is one implementation, the
tests use a fake. Rules:

- Waves run one after the other; a wave starts only when every stack of the one before succeeded.
- Within a wave at most ``parallel`` stacks run at once. Each stack is previewed (with the policy
  pack) and updated only if its preview passed.
- After a failure no new stack starts: stacks already running finish, the rest of the wave and
  every later wave are reported as skipped.
- A preflight (when given) runs before each wave; a failing preflight fails its stacks and stops
  the rollout before anything in that wave runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal, Protocol

from mwaaform.rollout.waves import Target, Wave

Result = Literal["updated", "previewed", "failed", "skipped"]


@dataclass(frozen=True)
class StepResult:
    """One preview or update of one stack."""

    ok: bool
    changes: Mapping[str, int] = field(default_factory=dict)  # operation -> count, as Pulumi's change summary
    message: str = ""


@dataclass(frozen=True)
class Event:
    """Something that happened to a stack, for progress output."""

    stack: str
    status: str  # "preflight", "previewing", "updating", "updated", "previewed", "failed", "skipped"
    detail: str = ""


EventSink = Callable[[Event], None]


class Runner(Protocol):
    def log_path(self, target: Target) -> str:
        """Where this stack's full output goes."""
        ...

    def preview(self, target: Target, events: EventSink) -> StepResult: ...

    def up(self, target: Target, events: EventSink) -> StepResult: ...


@dataclass(frozen=True)
class Outcome:
    target: Target
    wave: str
    result: Result
    changes: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    log: str = ""
    message: str = ""


# A preflight of one wave: the failures, as (stack name, message); an empty list passes.
Preflight = Callable[[Wave], Sequence[tuple[str, str]]]


def run_rollout(
    waves: Sequence[Wave],
    runner: Runner,
    *,
    parallel: int = 1,
    preview_only: bool = False,
    preflight: Preflight | None = None,
    events: EventSink = lambda event: None,
    clock: Callable[[], float] = time.monotonic,
) -> list[Outcome]:
    """Roll out ``waves`` in order; one outcome per stack, in wave order."""
    if parallel < 1:
        raise ValueError("parallel must be at least 1")
    outcomes: list[Outcome] = []
    stopped = False
    for wave in waves:
        if stopped:
            outcomes.extend(_skipped(wave, runner, events, "an earlier wave failed"))
            continue
        if preflight is not None:
            for target in wave.targets:
                events(Event(target.name, "preflight"))
            try:
                failures = dict(preflight(wave))
            except Exception as exc:  # noqa: BLE001 - a preflight that cannot run stops the rollout, it never passes
                failures = {t.name: f"could not run: {type(exc).__name__}: {exc}" for t in wave.targets}
            if failures:
                for target in wave.targets:
                    if target.name in failures:
                        events(Event(target.name, "failed", f"preflight: {failures[target.name]}"))
                        outcomes.append(Outcome(target, wave.label, "failed", message=f"preflight: {failures[target.name]}"))
                    else:
                        events(Event(target.name, "skipped", "preflight failed for its wave"))
                        outcomes.append(Outcome(target, wave.label, "skipped", message="preflight failed for its wave"))
                stopped = True
                continue
        wave_outcomes = _run_wave(wave, runner, parallel=parallel, preview_only=preview_only, events=events, clock=clock)
        outcomes.extend(wave_outcomes)
        stopped = any(o.result == "failed" for o in wave_outcomes)
    return outcomes


def _skipped(wave: Wave, runner: Runner, events: EventSink, why: str) -> list[Outcome]:
    out = []
    for target in wave.targets:
        events(Event(target.name, "skipped", why))
        out.append(Outcome(target, wave.label, "skipped", message=why))
    return out


def _run_wave(wave: Wave, runner: Runner, *, parallel: int, preview_only: bool, events: EventSink, clock) -> list[Outcome]:
    failed = threading.Event()

    def one(target: Target) -> Outcome:
        if failed.is_set():
            events(Event(target.name, "skipped", "another stack of this wave failed"))
            return Outcome(target, wave.label, "skipped", message="another stack of this wave failed")
        start = clock()
        log = runner.log_path(target)
        try:
            events(Event(target.name, "previewing"))
            preview = runner.preview(target, events)
            if not preview.ok:
                return _fail(target, "preview", preview, start)
            if preview_only:
                events(Event(target.name, "previewed", _changes_text(preview.changes)))
                return Outcome(target, wave.label, "previewed", preview.changes, clock() - start, log)
            events(Event(target.name, "updating"))
            update = runner.up(target, events)
            if not update.ok:
                return _fail(target, "update", update, start)
            events(Event(target.name, "updated", _changes_text(update.changes)))
            return Outcome(target, wave.label, "updated", update.changes, clock() - start, log)
        except Exception as exc:  # noqa: BLE001 - a runner's crash fails this stack, never the others silently
            return _fail(target, "run", StepResult(False, message=f"{type(exc).__name__}: {exc}"), start)

    def _fail(target: Target, phase: str, step: StepResult, start: float) -> Outcome:
        failed.set()
        message = f"{phase} failed" + (f": {step.message}" if step.message else "")
        events(Event(target.name, "failed", message))
        return Outcome(target, wave.label, "failed", step.changes, clock() - start, runner.log_path(target), message)

    with ThreadPoolExecutor(max_workers=min(parallel, len(wave.targets)) or 1, thread_name_prefix=f"wave-{wave.label}") as pool:
        return list(pool.map(one, wave.targets))


def _changes_text(changes: Mapping[str, int]) -> str:
    from mwaaform.rollout.report import changes_text

    return changes_text(changes)
