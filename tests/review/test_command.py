"""`mwaaform review --base REF`: a spec change reviewed against the same specs at a git ref."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from mwaaform.cli import main
from tests.conftest import MINIMAL

DEFAULTS = "stages:\n  dev:\n    environment:\n      logging:\n        retention_days: 14\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git repository whose last commit renames the environment sample-dev to sample-sandbox."""
    specs = tmp_path / "environments"
    specs.mkdir()
    (specs / "_defaults.yaml").write_text(DEFAULTS)
    (specs / "files").mkdir()
    (specs / "files" / "requirements.txt").write_text("pandas==2.2.3\n")
    spec = MINIMAL + "    requirements: files/requirements.txt\n"
    (specs / "sample.yaml").write_text(spec)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "sample-dev")
    (specs / "sample.yaml").write_text(spec.replace("name: sample-dev", "name: sample-sandbox"))
    git(tmp_path, "commit", "-qam", "rename sample-dev to sample-sandbox")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def review(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["review", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_renaming_an_environment_fails_the_review_and_names_what_it_destroys(repo, capsys):
    code, out, err = review(capsys, "--base", "HEAD~1", "environments/")
    assert code == 1
    verdict = out[out.index("Verdict: FAIL") :]
    assert "replace of MWAA environment sample-dev → sample-sandbox (forced by name)" in verdict
    assert "replace of S3 bucket airflow-sample-dev-" in verdict and "(forced by bucket)" in verdict
    for kind in ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker"):
        assert f"replace of log group airflow-sample-dev-{kind} → airflow-sample-sandbox-{kind} (forced by name)" in verdict
    assert verdict.count("--allow-replace sample-sandbox") == 7
    assert "Traceback" not in err


def test_the_acknowledged_rename_passes_and_still_lists_what_it_destroys(repo, capsys):
    code, out, _ = review(capsys, "--base", "HEAD~1", "environments/", "--allow-replace", "sample-sandbox")
    assert code == 0
    destructive = out[out.index("Destructive changes") : out.index("Stack sample")]
    assert destructive.count("acknowledged") == 7
    assert "replace MWAA environment sample-dev → sample-sandbox (forced by name)" in destructive
    assert "Verdict: PASS" in out


def test_json_names_each_destructive_change_and_what_forces_it(repo, capsys):
    code, out, _ = review(capsys, "--base", "HEAD~1", "--json", "--allow-replace", "sample-dev")
    document = json.loads(out)
    assert code == 0 and document["verdict"] == "pass"
    (stack,) = document["stacks"]
    destructive = {(c["type"], c["oldPhysicalName"]): c for c in stack["destructive"]}
    env = destructive[("aws:mwaa/environment:Environment", "sample-dev")]
    assert env["replacedBecause"] == ["name"] and env["acknowledged"] is True and env["physicalName"] == "sample-sandbox"
    assert len(destructive) == 7


def test_the_review_reads_the_ref_from_git_and_leaves_the_work_tree_alone(repo, capsys):
    before = (repo / "environments" / "sample.yaml").read_text()
    review(capsys, "--base", "HEAD~1")
    assert (repo / "environments" / "sample.yaml").read_text() == before
    assert git(repo, "status", "--porcelain") == ""


def test_an_acknowledgement_that_matches_nothing_is_reported(repo, capsys):
    code, out, _ = review(capsys, "--base", "HEAD~1", "--allow-replace", "sample-sandbox", "--allow-replace", "typo-env")
    assert code == 0
    assert "--allow-replace typo-env: no destructive change matches it" in out


def test_no_change_against_head_passes(repo, capsys):
    code, out, _ = review(capsys, "--base", "HEAD")
    assert code == 0 and "0 to replace, 0 to create, 0 to update, 0 to delete" in out


def test_an_invalid_spec_is_an_error_not_a_deleted_stack(repo, capsys):
    (repo / "environments" / "sample.yaml").write_text(MINIMAL.replace("stage: dev", "stage: qa"))
    code, out, err = review(capsys, "--base", "HEAD~1")
    assert code == 1
    assert "environments[0].stage" in err
    assert "stack sample: its spec is invalid" in out and "delete" not in out.split("Verdict")[0].replace("to delete", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--base", "no-such-ref"], "--base no-such-ref: no such commit"), (["--base", "HEAD~1", "elsewhere/"], "no such file or folder")],
)
def test_usage_mistakes_exit_2_without_a_traceback(repo, capsys, args, message):
    code, _, err = review(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_outside_a_git_repository_base_is_a_usage_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "stack.yaml").write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    code, _, err = review(capsys, "--base", "main", "stack.yaml")
    assert code == 2 and "needs a git repository" in err


def test_removing_a_spec_deletes_its_stack_and_that_is_destructive(repo, capsys):
    (repo / "environments" / "sample.yaml").unlink()
    code, out, _ = review(capsys, "--base", "HEAD~1", "--format", "markdown")
    assert code == 1
    assert "| sample (deleted) | 0 | 0 | 0 |" in out
    rows = [line for line in out.splitlines() if line.startswith("| ❌ |")]
    assert len(rows) == 7 and all("**delete**" in row for row in rows)
    assert "MWAA environment `sample-dev`" in rows[0]


def test_a_spec_invalid_at_the_base_fails_the_review_instead_of_showing_a_new_stack(repo, capsys):
    spec = repo / "environments" / "sample.yaml"
    valid = spec.read_text()
    spec.write_text(valid + "no_such_field: {}\n")
    git(repo, "commit", "-qam", "a field this version does not know")
    spec.write_text(valid)
    code, out, _ = review(capsys, "--base", "HEAD")
    assert code == 1
    assert "stack sample: its spec is invalid at HEAD (environments/sample.yaml:" in out and "unknown key 'no_such_field'" in out
    assert "to create" not in out


def test_a_bigger_class_shows_its_monthly_cost_in_text_comment_and_json(repo, capsys):
    # mw1.small $0.49 to mw1.medium $0.74 an hour in us-east-1, 730 hours: +$182.50 a month.
    spec = repo / "environments" / "sample.yaml"
    spec.write_text(spec.read_text() + "    environment_class: mw1.medium\n")
    code, out, _ = review(capsys, "--base", "HEAD")
    assert code == 0
    (line,) = [x for x in out.splitlines() if "Monthly cost estimate" in x]
    assert line.endswith("(+$182.50)")
    _, comment, _ = review(capsys, "--base", "HEAD", "--format", "markdown")
    assert "| cost a month |" in comment and "(+$182.50) |" in comment
    _, document, _ = review(capsys, "--base", "HEAD", "--json")
    (stack,) = json.loads(document)["stacks"]
    assert stack["cost"]["change"] == 182.5 and stack["cost"]["head"] - stack["cost"]["base"] == pytest.approx(182.5)


def test_re_adding_a_retained_environment_with_adopt_retained_imports_it_and_destroys_nothing(repo, capsys):
    # The environment sample-adopted was removed earlier, its log groups and bucket retained; it comes back adopting them.
    spec = repo / "environments" / "sample.yaml"
    spec.write_text(spec.read_text() + "  - name: sample-adopted\n    team: analytics\n    stage: dev\n    adopt_retained: true\n")
    code, out, _ = review(capsys, "--base", "HEAD")
    assert code == 0 and "Verdict: PASS" in out and "Destructive changes" not in out
    stack = out[out.index("Stack sample") :]
    for kind in ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker"):
        group = f"airflow-sample-adopted-{kind}"
        assert f"=  import aws:cloudwatch/logGroup:LogGroup {group} (adopts the existing {group})\n" in stack
    assert "=  import aws:s3/bucket:Bucket sample-adopted-bucket (adopts the existing airflow-sample-adopted-" in stack
    assert "+  create aws:mwaa/environment:Environment sample-adopted\n" in stack
    assert "create aws:cloudwatch/logGroup" not in stack and "create aws:s3/bucket:Bucket " not in stack
    assert ", 12 to import (adopted, not created), 0 to update, 0 to delete" in out

    _, document, _ = review(capsys, "--base", "HEAD", "--json")
    (result,) = json.loads(document)["stacks"]
    assert result["counts"]["import"] == 12 and result["counts"]["delete"] == result["counts"]["replace"] == 0
    assert result["destructive"] == []
    task = next(c for c in result["changes"] if c["name"] == "airflow-sample-adopted-Task")
    assert (task["op"], task["importId"]) == ("import", "airflow-sample-adopted-Task")

    _, comment, _ = review(capsys, "--base", "HEAD", "--format", "markdown")
    assert "| stack | replace | create | import | update | delete | destructive |" in comment
    assert re.search(r"^\| sample \| 0 \| \d+ \| 12 \| 0 \| 0 \| 0 \|", comment, flags=re.M)
    assert "| = import | `airflow-sample-adopted-Task` | `aws:cloudwatch/logGroup:LogGroup` | adopts the existing `airflow-sample-adopted-Task` |" in comment
    # The adopted log groups are drawn as imported (blue), the new environment as created.
    assert re.search(r"^  classDef import fill:#e1effe", comment, flags=re.M) and re.search(r"^  class \S+ import$", comment, flags=re.M)
