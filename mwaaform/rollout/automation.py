"""The runner that needs the Pulumi CLI: each stack through Pulumi's Automation API.

A local workspace over this project (the folder holding ``Pulumi.yaml``), one stack per spec named
as the spec, with ``mwaaform:spec`` and ``aws:region`` in its config; the preview runs the policy
pack, and ``up`` runs only after a passing preview (the engine decides that). Everything the CLI
prints goes to ``<log_dir>/<stack>.log``; structured engine events become progress events.
Automation API: https://www.pulumi.com/docs/iac/packages-and-automation/automation-api/
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from mwaaform.rollout.engine import Event, EventSink, StepResult
from mwaaform.rollout.waves import POLICY_PACK, Target

INSTALL_URL = "https://www.pulumi.com/docs/iac/download-install/"


class PulumiMissing(Exception):
    """No ``pulumi`` on PATH."""

    def __str__(self) -> str:
        return f"the Pulumi CLI is not installed (rollout drives it; --dry-run does not need it): install it from {INSTALL_URL}"


def require_cli() -> None:
    if shutil.which("pulumi") is None:
        raise PulumiMissing()


class AutomationRunner:
    def __init__(self, project_dir: Path, log_dir: Path) -> None:
        require_cli()
        self.project_dir = project_dir.resolve()
        self.log_dir = log_dir
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}

    def log_path(self, target: Target) -> str:
        return str(self.log_dir / f"{target.name}.log")

    def _stack(self, target: Target):
        from pulumi import automation as auto

        stack = auto.create_or_select_stack(stack_name=target.name, work_dir=str(self.project_dir))
        spec = Path(target.spec_path).resolve()
        try:
            spec = spec.relative_to(self.project_dir)
        except ValueError:
            pass
        stack.set_config("mwaaform:spec", auto.ConfigValue(spec.as_posix()))
        stack.set_config("aws:region", auto.ConfigValue(target.region))
        return stack

    def preview(self, target: Target, events: EventSink) -> StepResult:
        return self._run(target, events, "preview")

    def up(self, target: Target, events: EventSink) -> StepResult:
        return self._run(target, events, "up")

    def _run(self, target: Target, events: EventSink, verb: str) -> StepResult:
        from pulumi import automation as auto

        mode = "w" if verb == "preview" else "a"
        with open(self.log_path(target), mode, encoding="utf-8") as log:

            def on_output(line: str) -> None:
                log.write(line if line.endswith("\n") else line + "\n")
                log.flush()

            def on_event(event) -> None:
                pre = getattr(event, "resource_pre_event", None)
                if pre is not None and pre.metadata.op != "same":
                    events(Event(target.name, "previewing" if verb == "preview" else "updating",
                                 f"{pre.metadata.op} {pre.metadata.type} {pre.metadata.urn.rsplit('::', 1)[-1]}"))

            try:
                stack = self._stack(target)
                policy = [str(self.project_dir / POLICY_PACK)]
                if verb == "preview":
                    result = stack.preview(policy_packs=policy, on_output=on_output, on_event=on_event)
                    return StepResult(True, dict(result.change_summary or {}))
                result = stack.up(policy_packs=policy, on_output=on_output, on_event=on_event)
                ok = result.summary.result == "succeeded"
                return StepResult(ok, dict(result.summary.resource_changes or {}), "" if ok else result.summary.message)
            except auto.CommandError as exc:
                log.write(str(exc) + "\n")
                return StepResult(False, message=_last_error(str(exc)) + f" (log: {self.log_path(target)})")


def _last_error(text: str) -> str:
    """The most telling line of a CLI failure (the last ``error:`` line), for the summary."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error:")]
    return (errors or lines or ["the Pulumi CLI failed"])[-1][:200]
