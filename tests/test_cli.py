"""The command line: exit codes, messages on stderr, never a traceback for a user mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mwaaform", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_validate_examples_exit_0():
    done = run("validate", "environments/")
    assert done.returncode == 0, done.stderr
    assert "valid:" in done.stdout


def test_validate_invalid_exit_1_with_positions(write_spec):
    path = write_spec(MINIMAL.replace("stage: dev", "stage: qa"))
    done = run("validate", str(path), cwd=path.parent)
    assert done.returncode == 1
    assert "stack.yaml:15:5 environments[0].stage:" in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    done = run("validate", "no/such/dir")
    assert done.returncode == 2 and "no such file or folder" in done.stderr and "Traceback" not in done.stderr
    assert run("frobnicate").returncode == 2


def test_unreadable_yaml_is_a_diagnostic_not_a_traceback(write_spec):
    path = write_spec("a: [1,\n")
    done = run("validate", str(path), cwd=path.parent)
    assert done.returncode == 1 and "stack.yaml:" in done.stderr and "Traceback" not in done.stderr


def test_validate_does_not_import_pulumi():
    code = (
        "import sys; from mwaaform.cli import main; rc = main(['validate', 'environments/']);"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_aws', 'pulumi_policy'));"
        "print(bad); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_schema_prints_json_schema():
    done = run("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["title"] == "StackSpec" and "environments" in schema["properties"]


def test_plan_json_of_several_stacks_and_clean_stderr():
    done = run("plan", "environments/", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert sorted(s["stack"] for s in document["stacks"]) == [
        "dev-analytics",
        "partner-eu",
        "prod-data",
    ]
    # No asyncio noise at interpreter exit, no traceback.
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr


def test_plan_failure_of_one_stack_is_a_message_not_a_traceback(monkeypatch, capsys):
    import pulumi

    from mwaaform.plan import run as plan_run
    from mwaaform.spec.loader import load

    def boom(stack, policies=True, policy_config=None, first_preview=False):
        raise pulumi.RunError("no spec for stack x")

    monkeypatch.setattr(plan_run, "plan_stack", boom)
    stacks = load([ROOT / "environments" / "dev-analytics.yaml"]).stacks
    assert plan_run.plan_command(stacks, as_json=False, out_dir=None, policies=True) == 1
    err = capsys.readouterr().err
    assert "cannot plan stack dev-analytics" in err and "no spec for stack x" in err


def test_plan_fails_on_a_mandatory_policy_violation(write_spec):
    spec = MINIMAL.replace("stage: dev", "stage: prod") + "    webserver_access: public\n"
    path = write_spec(spec)
    done = run("plan", str(path), cwd=path.parent)
    assert done.returncode == 1, done.stderr
    assert "[mandatory] mwaa-prod-private-webserver: prod environment sample-dev exposes its web server" in done.stdout
    assert "mandatory policy violation" in done.stderr and "Traceback" not in done.stderr


def test_plan_out_on_a_file_is_a_usage_error_not_a_traceback(tmp_path):
    target = tmp_path / "taken"
    target.write_text("")
    done = run("plan", "environments/dev-analytics.yaml", "--out", str(target))
    assert done.returncode == 2 and "mwaaform: cannot write" in done.stderr and "Traceback" not in done.stderr


def test_cost_prints_the_table_and_the_egress_comparison(write_spec, capsys, monkeypatch):
    from mwaaform.cli import main

    path = write_spec(MINIMAL.replace("stage: dev", "stage: dev\n    cost: {budget: 100, traffic_gb: 50}"))
    monkeypatch.chdir(path.parent)
    assert main(["cost", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Monthly estimate of stack (us-east-1" in text
    assert "environment (mw1.small)" in text and "$357.70" in text
    assert "Break-even: endpoints_only costs less than single_nat above 2,711 GB a month" in text
    assert main(["cost", "--json", str(path)]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_json["environments"]["sample-dev"]["budget"] == 100
    assert as_json["egress"]["breakEvenGbWithoutIpv4"]["single_nat"] == 2815.7


def test_cost_of_an_invalid_spec_exits_1_with_positions(write_spec):
    path = write_spec(MINIMAL.replace("stage: dev", "stage: dev\n    cost: {traffic_gb: -1}"))
    done = run("cost", str(path), cwd=path.parent)
    assert done.returncode == 1 and "environments[0].cost.traffic_gb" in done.stderr and "Traceback" not in done.stderr
