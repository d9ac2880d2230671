"""``--jobs N``: stacks planned in worker processes print exactly what a sequential run prints,
and a stack that cannot be planned is reported on its own, as it is sequentially."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest

from mwaaform.plan import run as plan_run
from mwaaform.spec.loader import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stacks():
    return load([ROOT / "environments" / "dev-analytics.yaml", ROOT / "environments" / "partner-eu.yaml"]).stacks


def output(capsys, stacks, **options) -> tuple[int, str, str]:
    code = plan_run.plan_command(stacks, out_dir=None, policies=True, **options)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_workers_print_byte_for_byte_what_a_sequential_run_prints(capsys, stacks, as_json):
    sequential = output(capsys, stacks, as_json=as_json, jobs=1)
    parallel = output(capsys, stacks, as_json=as_json, jobs=2)
    assert sequential[0] == 0 and "dev-analytics" in sequential[1] and "partner-eu" in sequential[1]
    assert parallel == sequential


def test_a_stack_that_fails_in_a_worker_is_reported_and_the_others_are_printed(capsys, monkeypatch, stacks):
    real = plan_run.plan_stack

    def fail_partner(stack, *args, **kwargs):
        if stack.name == "partner-eu":
            raise pulumi.RunError("the partner's spec is broken")
        return real(stack, *args, **kwargs)

    monkeypatch.setattr(plan_run, "plan_stack", fail_partner)  # inherited by the forked workers
    code, out, err = output(capsys, stacks, as_json=False, jobs=2)
    assert code == 1
    assert "dev-analytics" in out and "partner-eu" not in out
    assert "mwaaform: cannot plan stack partner-eu" in err and "the partner's spec is broken" in err
    assert "Traceback" not in err
