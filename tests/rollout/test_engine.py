"""The rollout engine with a fake runner: order, concurrency, stop on failure, preview gate."""

from __future__ import annotations

import threading
import time

import pytest

from mwaaform.rollout.engine import Event, Outcome, StepResult, run_rollout
from mwaaform.rollout.report import Progress, changes_text, summary_table
from mwaaform.rollout.waves import Target, plan_waves


def target(name: str, stage: str, wave: int = 1) -> Target:
    return Target(name, f"environments/{name}.yaml", "111122223333", "us-east-1", stage, wave)


class FakeRunner:
    """Records every call; ``fail_preview``/``fail_up`` name stacks whose step fails."""

    def __init__(self, fail_preview=(), fail_up=(), delay=0.0, crash=(), together=()):
        self.calls: list[tuple[str, str]] = []
        # Stacks that wait for each other before their preview: they are certain to run at once.
        self.together = set(together)
        self.barrier = threading.Barrier(len(self.together)) if self.together else None
        self.fail_preview, self.fail_up, self.delay, self.crash = set(fail_preview), set(fail_up), delay, set(crash)
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def log_path(self, t):
        return f"build/rollout/{t.name}.log"

    def _step(self, verb, t, failing):
        if verb == "preview" and t.name in self.together:
            self.barrier.wait(timeout=10)
        with self._lock:
            self.calls.append((verb, t.name))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(0 if t.name in failing else self.delay)
        with self._lock:
            self.running -= 1
        if t.name in self.crash:
            raise RuntimeError("boom")
        return StepResult(t.name not in failing, {"create": 3, "same": 2}, "policy violation" if t.name in failing else "")

    def preview(self, t, events):
        return self._step("preview", t, self.fail_preview)

    def up(self, t, events):
        return self._step("up", t, self.fail_up)


FLEET = [target("d1", "dev"), target("d2", "dev"), target("s1", "stage"), target("p1", "prod")]


def test_every_stack_is_previewed_then_updated_in_wave_order():
    runner = FakeRunner()
    outcomes = run_rollout(plan_waves(FLEET), runner)
    assert runner.calls == [("preview", "d1"), ("up", "d1"), ("preview", "d2"), ("up", "d2"),
                            ("preview", "s1"), ("up", "s1"), ("preview", "p1"), ("up", "p1")]
    assert [o.result for o in outcomes] == ["updated"] * 4


def test_a_failed_preview_means_no_update_and_later_waves_are_skipped():
    runner = FakeRunner(fail_preview={"s1"})
    outcomes = run_rollout(plan_waves(FLEET), runner)
    assert ("up", "s1") not in runner.calls
    assert not any(name == "p1" for _, name in runner.calls)
    assert {o.target.name: o.result for o in outcomes} == {"d1": "updated", "d2": "updated", "s1": "failed", "p1": "skipped"}
    failed = next(o for o in outcomes if o.result == "failed")
    assert failed.message == "preview failed: policy violation"


def test_stacks_running_alongside_a_failure_finish_and_queued_ones_do_not_start():
    fleet = [target(f"d{i}", "dev") for i in range(4)] + [target("p", "prod")]
    runner = FakeRunner(fail_preview={"d0"}, delay=0.2, together={"d0", "d1"})
    outcomes = {o.target.name: o.result for o in run_rollout(plan_waves(fleet), runner, parallel=2)}
    # d0 and d1 start together; d0 fails at once, d1 still finishes its update; d2, d3 and prod never start.
    assert outcomes == {"d0": "failed", "d1": "updated", "d2": "skipped", "d3": "skipped", "p": "skipped"}
    assert runner.most_at_once == 2


def test_parallel_bounds_concurrency():
    fleet = [target(f"d{i}", "dev") for i in range(6)]
    runner = FakeRunner(delay=0.02, together={"d0", "d1", "d2"})
    run_rollout(plan_waves(fleet), runner, parallel=3)
    assert runner.most_at_once == 3


def test_preview_only_never_updates():
    runner = FakeRunner()
    outcomes = run_rollout(plan_waves(FLEET), runner, preview_only=True)
    assert {verb for verb, _ in runner.calls} == {"preview"}
    assert {o.result for o in outcomes} == {"previewed"}


def test_a_crashing_runner_fails_its_stack_not_the_rollout_process():
    outcomes = run_rollout(plan_waves(FLEET), FakeRunner(crash={"d2"}))
    assert {o.target.name: o.result for o in outcomes} == {"d1": "updated", "d2": "failed", "s1": "skipped", "p1": "skipped"}
    assert "RuntimeError: boom" in outcomes[1].message


def test_failing_preflight_stops_before_the_wave_runs():
    runner = FakeRunner()
    seen = []

    def preflight(wave):
        seen.append(wave.label)
        return [("s1", "subnet-1 routes to an internet gateway")] if wave.label == "stage" else []

    outcomes = run_rollout(plan_waves(FLEET), runner, preflight=preflight)
    assert seen == ["dev", "stage"]
    assert not any(name in ("s1", "p1") for _, name in runner.calls)
    assert {o.target.name: o.result for o in outcomes}["s1"] == "failed"
    assert outcomes[2].message == "preflight: subnet-1 routes to an internet gateway"


def test_summary_table_has_a_row_per_stack_and_names_the_failure():
    outcomes = run_rollout(plan_waves(FLEET), FakeRunner(fail_up={"s1"}))
    table = summary_table(outcomes)
    lines = table.splitlines()
    assert lines[0].split() == ["stack", "wave", "account", "region", "result", "changes", "duration", "log"]
    rows = {line.split()[0]: line.split() for line in lines[2:6]}
    assert rows["d1"][4:6] == ["updated", "+3"] and rows["d1"][-1] == "build/rollout/d1.log"
    assert rows["s1"][4] == "failed" and rows["p1"][4] == "skipped"
    assert "s1: update failed: policy violation" in table
    assert lines[-1] == "2 updated, 1 failed, 1 skipped"


def test_changes_text():
    assert changes_text({"same": 30}) == "no changes"
    assert changes_text({"create": 2, "update": 1, "replace": 1, "delete": 3, "same": 4}) == "+2 ~1 +-1 -3"


def test_changes_text_marks_imports_as_the_review_does():
    # A stack re-adding an environment with adopt_retained: Pulumi counts the adopted resources as "import".
    from mwaaform.review.render import SYMBOLS

    assert changes_text({"create": 25, "import": 13, "same": 2}) == "+25 =13"
    assert changes_text({"import-replacement": 1, "delete": 1}) == "=>1 -1"  # Pulumi's own mark
    # Every op of the change review, with the review's symbol and in its order.
    assert changes_text(dict.fromkeys(SYMBOLS, 1)) == " ".join(f"{symbol}1" for symbol in SYMBOLS.values())


def test_summary_table_counts_imports():
    outcomes = [Outcome(target("d1", "dev"), "1", "updated", {"create": 25, "import": 13, "same": 2}, 95.0, "build/rollout/d1.log")]
    row = summary_table(outcomes).splitlines()[2]
    assert row.split()[4:7] == ["updated", "+25", "=13"]


def test_progress_prints_a_line_per_event_off_a_terminal(capsys):
    import sys

    progress = Progress(sys.stdout, ["d1", "d2"], live=False)
    run_rollout(plan_waves(FLEET[:2]), FakeRunner(), events=progress)
    out = capsys.readouterr().out.splitlines()
    assert [line.split(None, 1)[1] for line in out] == [
        "d1  previewing", "d1  updating", "d1  updated: +3", "d2  previewing", "d2  updating", "d2  updated: +3"
    ]


def test_progress_on_a_terminal_keeps_one_status_line_per_stack():
    import io

    stream = io.StringIO()
    progress = Progress(stream, ["d1", "d2"], live=True)
    run_rollout(plan_waves(FLEET[:2]), FakeRunner(), events=progress)
    # Each event redraws the block: back up two lines, clear and rewrite each stack's line.
    frames = stream.getvalue().split("\x1b[2F")
    assert len(frames) == 6
    assert frames[-1] == "\x1b[2Kd1  updated: +3\n\x1b[2Kd2  updated: +3\n"


def test_automation_runner_reports_the_telling_error_line():
    from mwaaform.rollout.automation import _last_error

    text = "code: 255\nstdout: Previewing update\nstderr: error: preview failed\nerror: 1 mandatory policy violation"
    assert _last_error(text) == "error: 1 mandatory policy violation"
    assert _last_error("") == "the Pulumi CLI failed"


def test_a_preflight_that_cannot_run_stops_the_rollout():
    def broken(wave):
        raise ConnectionError("no route to sts")

    runner = FakeRunner()
    outcomes = run_rollout(plan_waves(FLEET), runner, preflight=broken)
    assert runner.calls == []
    assert [o.result for o in outcomes] == ["failed", "failed", "skipped", "skipped"]
    assert outcomes[0].message == "preflight: could not run: ConnectionError: no route to sts"


# --- What a user reads: every event and every outcome field, with a clock that ticks one second a call.


def ticking():
    ticks = iter(range(100, 1000))
    return lambda: float(next(ticks))


def record():
    seen = []
    return seen, lambda event: seen.append((event.stack, event.status, event.detail))


def test_outcomes_carry_the_wave_changes_duration_and_log():
    seen, events = record()
    outcomes = run_rollout(plan_waves(FLEET[:2] + FLEET[3:]), FakeRunner(), events=events, clock=ticking())
    assert outcomes == [
        Outcome(FLEET[0], "dev", "updated", {"create": 3, "same": 2}, 1.0, "build/rollout/d1.log", ""),
        Outcome(FLEET[1], "dev", "updated", {"create": 3, "same": 2}, 1.0, "build/rollout/d2.log", ""),
        Outcome(FLEET[3], "prod", "updated", {"create": 3, "same": 2}, 1.0, "build/rollout/p1.log", ""),
    ]
    assert seen == [
        ("d1", "previewing", ""), ("d1", "updating", ""), ("d1", "updated", "+3"),
        ("d2", "previewing", ""), ("d2", "updating", ""), ("d2", "updated", "+3"),
        ("p1", "previewing", ""), ("p1", "updating", ""), ("p1", "updated", "+3"),
    ]


def test_preview_only_outcomes_and_events():
    seen, events = record()
    outcomes = run_rollout(plan_waves(FLEET[:1]), FakeRunner(), preview_only=True, events=events, clock=ticking())
    assert outcomes == [Outcome(FLEET[0], "dev", "previewed", {"create": 3, "same": 2}, 1.0, "build/rollout/d1.log", "")]
    assert seen == [("d1", "previewing", ""), ("d1", "previewed", "+3")]


def test_a_failed_update_is_reported_with_its_log_and_everything_after_is_skipped_with_a_reason():
    seen, events = record()
    fleet = [target("d1", "dev"), target("d2", "dev"), target("s1", "stage"), target("p1", "prod")]
    outcomes = run_rollout(plan_waves(fleet), FakeRunner(fail_up={"d1"}), events=events, clock=ticking())
    assert outcomes == [
        Outcome(fleet[0], "dev", "failed", {"create": 3, "same": 2}, 1.0, "build/rollout/d1.log", "update failed: policy violation"),
        Outcome(fleet[1], "dev", "skipped", message="another stack of this wave failed"),
        Outcome(fleet[2], "stage", "skipped", message="an earlier wave failed"),
        Outcome(fleet[3], "prod", "skipped", message="an earlier wave failed"),
    ]
    assert seen == [
        ("d1", "previewing", ""), ("d1", "updating", ""), ("d1", "failed", "update failed: policy violation"),
        ("d2", "skipped", "another stack of this wave failed"),
        ("s1", "skipped", "an earlier wave failed"), ("p1", "skipped", "an earlier wave failed"),
    ]


class SilentFailure(FakeRunner):
    def preview(self, t, events):
        return StepResult(False)


def test_a_failure_without_a_message_says_only_which_step_failed():
    (outcome,) = run_rollout(plan_waves(FLEET[:1]), SilentFailure())
    assert (outcome.result, outcome.message, outcome.changes) == ("failed", "preview failed", {})


def test_a_crash_is_a_failed_run_with_the_exception():
    seen, events = record()
    (outcome,) = run_rollout(plan_waves(FLEET[:1]), FakeRunner(crash={"d1"}), events=events)
    assert outcome.message == "run failed: RuntimeError: boom" and outcome.log == "build/rollout/d1.log"
    assert seen[-1] == ("d1", "failed", "run failed: RuntimeError: boom")


def test_a_failing_preflight_fails_the_named_stacks_and_skips_the_rest():
    seen, events = record()
    runner = FakeRunner()
    fleet = [target("d1", "dev"), target("d2", "dev"), target("s1", "stage"), target("p1", "prod")]
    outcomes = run_rollout(plan_waves(fleet), runner, preflight=lambda wave: [("d2", "no NAT route")], events=events)
    assert runner.calls == []
    assert outcomes == [
        Outcome(fleet[0], "dev", "skipped", message="preflight failed for its wave"),
        Outcome(fleet[1], "dev", "failed", message="preflight: no NAT route"),
        Outcome(fleet[2], "stage", "skipped", message="an earlier wave failed"),
        Outcome(fleet[3], "prod", "skipped", message="an earlier wave failed"),
    ]
    assert seen == [
        ("d1", "preflight", ""), ("d2", "preflight", ""),
        ("d1", "skipped", "preflight failed for its wave"), ("d2", "failed", "preflight: no NAT route"),
        ("s1", "skipped", "an earlier wave failed"), ("p1", "skipped", "an earlier wave failed"),
    ]


def test_a_passing_preflight_runs_before_each_wave_and_lets_it_run():
    seen, events = record()
    runner = FakeRunner()
    outcomes = run_rollout(plan_waves(FLEET[:3]), runner, preflight=lambda wave: [], events=events)
    assert [o.result for o in outcomes] == ["updated"] * 3
    assert [e for e in seen if e[1] in ("preflight", "previewing")] == [
        ("d1", "preflight", ""), ("d2", "preflight", ""), ("d1", "previewing", ""), ("d2", "previewing", ""),
        ("s1", "preflight", ""), ("s1", "previewing", ""),
    ]


def test_parallel_below_one_is_refused():
    with pytest.raises(ValueError, match="^parallel must be at least 1$"):
        run_rollout(plan_waves(FLEET), FakeRunner(), parallel=0)
    assert [o.result for o in run_rollout(plan_waves(FLEET[:1]), FakeRunner(), parallel=1)] == ["updated"]


def test_one_at_a_time_by_default():
    runner = FakeRunner(delay=0.01)
    run_rollout(plan_waves([target(f"d{i}", "dev") for i in range(3)]), runner)
    assert runner.most_at_once == 1


class Chatty(FakeRunner):
    """A runner that reports its own progress (as the Automation API runner streams Pulumi's output)."""

    def preview(self, t, events):
        events(Event(t.name, "previewing", "refreshing"))
        return super().preview(t, events)

    def up(self, t, events):
        events(Event(t.name, "updating", "3 of 5 resources"))
        return super().up(t, events)


def test_the_runners_own_progress_reaches_the_events():
    seen, events = record()
    run_rollout(plan_waves(FLEET[:1]), Chatty(), events=events)
    assert seen == [
        ("d1", "previewing", ""), ("d1", "previewing", "refreshing"),
        ("d1", "updating", ""), ("d1", "updating", "3 of 5 resources"), ("d1", "updated", "+3"),
    ]
