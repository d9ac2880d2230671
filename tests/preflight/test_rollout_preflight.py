"""`rollout` runs the live preflight before each wave: a broken network stops it before Pulumi runs."""

from __future__ import annotations

from mwaaform.rollout.command import rollout_command
from mwaaform.rollout.engine import StepResult
from mwaaform.spec.loader import load
from tests.preflight.test_checks import spec_text


class RecordingRunner:
    def __init__(self):
        self.calls = []

    def log_path(self, target):
        return f"build/rollout/{target.name}.log"

    def preview(self, target, events):
        self.calls.append(("preview", target.name))
        return StepResult(True)

    def up(self, target, events):
        self.calls.append(("up", target.name))
        return StepResult(True)


def test_failing_preflight_stops_the_rollout_before_any_pulumi_step(networks, tmp_path, capsys):
    (tmp_path / "a-public.yaml").write_text(spec_text(networks["public"]))
    (tmp_path / "b-later.yaml").write_text(spec_text(networks["nat"]).replace("stage: dev", "stage: test").replace("preflight-dev", "preflight-test"))
    result = load([tmp_path])
    assert result.ok, result.diagnostics
    runner = RecordingRunner()
    code = rollout_command(result.stacks, names=None, parallel=2, dry=False, preview_only=False, preflight=True, runner=runner)
    assert code == 1 and runner.calls == []
    out = capsys.readouterr()
    rows = {line.split()[0]: line.split()[4] for line in out.out.splitlines()[3:5]}
    assert rows == {"a-public": "failed", "b-later": "skipped"}
    assert "a-public: preflight: private subnets:" in out.out and "routes 0.0.0.0/0 to igw-" in out.out
