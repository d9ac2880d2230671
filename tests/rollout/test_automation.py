"""The Automation API runner, over a stand-in for ``pulumi.automation`` (no Pulumi CLI here)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from mwaaform.rollout import automation
from mwaaform.rollout.waves import Target


class CommandError(Exception):
    pass


class FakeStack:
    def __init__(self, fail: str | None = None):
        self.config: dict[str, str] = {}
        self.calls: list[tuple[str, dict]] = []
        self.fail = fail

    def set_config(self, key, value):
        self.config[key] = value.value

    def preview(self, **kwargs):
        self.calls.append(("preview", kwargs))
        kwargs["on_output"]("Previewing update (dev-analytics)")
        if self.fail == "preview":
            raise CommandError("code: 255\nstderr: error: preview failed\nerror: 1 mandatory policy violation")
        return types.SimpleNamespace(change_summary={"create": 30})

    def up(self, **kwargs):
        self.calls.append(("up", kwargs))
        return types.SimpleNamespace(summary=types.SimpleNamespace(result="succeeded", resource_changes={"create": 30}, message=""))


@pytest.fixture
def fake_auto(monkeypatch, tmp_path):
    stack = FakeStack()
    created = []

    def create_or_select_stack(stack_name, work_dir):
        created.append((stack_name, work_dir))
        return stack

    module = types.SimpleNamespace(
        create_or_select_stack=create_or_select_stack,
        ConfigValue=lambda value: types.SimpleNamespace(value=value),
        CommandError=CommandError,
    )
    monkeypatch.setitem(sys.modules, "pulumi.automation", module)
    import pulumi

    monkeypatch.setattr(pulumi, "automation", module, raising=False)
    monkeypatch.setattr(automation.shutil, "which", lambda name: "/usr/bin/pulumi")
    return stack, created


def target(tmp_path: Path) -> Target:
    return Target("dev-analytics", str(tmp_path / "environments" / "dev-analytics.yaml"), "111122223333", "us-east-1", "dev", 1)


def test_one_stack_per_spec_with_its_config_and_the_policy_pack(fake_auto, tmp_path):
    stack, created = fake_auto
    runner = automation.AutomationRunner(tmp_path, tmp_path / "logs")
    result = runner.preview(target(tmp_path), lambda event: None)
    assert result.ok and result.changes == {"create": 30}
    assert created == [("dev-analytics", str(tmp_path.resolve()))]
    # The spec path is stored relative to the project, so the stack works from any checkout.
    assert stack.config == {"mwaaform:spec": "environments/dev-analytics.yaml", "aws:region": "us-east-1"}
    assert stack.calls[0][1]["policy_packs"] == [str(tmp_path.resolve() / "policies")]
    assert (tmp_path / "logs" / "dev-analytics.log").read_text() == "Previewing update (dev-analytics)\n"
    assert runner.up(target(tmp_path), lambda event: None).ok


def test_a_failing_preview_is_a_failed_step_with_the_error_line(fake_auto, tmp_path):
    stack, _ = fake_auto
    stack.fail = "preview"
    runner = automation.AutomationRunner(tmp_path, tmp_path / "logs")
    result = runner.preview(target(tmp_path), lambda event: None)
    assert not result.ok
    assert result.message.startswith("error: 1 mandatory policy violation (log: ")
    assert "mandatory policy violation" in (tmp_path / "logs" / "dev-analytics.log").read_text()


def test_the_runner_refuses_to_start_without_the_cli(monkeypatch, tmp_path):
    monkeypatch.setattr(automation.shutil, "which", lambda name: None)
    with pytest.raises(automation.PulumiMissing, match="https://www.pulumi.com/docs/iac/download-install/"):
        automation.AutomationRunner(tmp_path, tmp_path / "logs")
