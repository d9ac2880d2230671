"""The CLI's edge: a bug is one line and exit 3 (never 1, which means an invalid spec); the five
crash signatures of issue 14 are spec errors (exit 1) with their line."""

from __future__ import annotations

import pytest

from mwaaform import cli
from tests.conftest import MINIMAL


def crash(*args, **kwargs):
    raise RuntimeError("something\nwe did not expect")


def test_a_bug_is_one_line_and_exit_3(monkeypatch, capsys, write_spec):
    path = write_spec()
    monkeypatch.setattr(cli, "load", crash)
    assert cli.main(["validate", str(path)]) == cli.EXIT_BUG == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "internal error" in err and "RuntimeError: something we did not expect" in err
    assert "report it" in err and "--debug" in err


@pytest.mark.parametrize("argv", [["--debug", "validate"], ["validate", "--debug"]])
def test_debug_shows_the_traceback(monkeypatch, write_spec, argv):
    path = write_spec()
    monkeypatch.setattr(cli, "load", crash)
    with pytest.raises(RuntimeError):
        cli.main([*argv, str(path)])


def test_debug_does_not_change_a_valid_run(capsys, write_spec):
    path = write_spec()
    assert cli.main(["validate", "--debug", str(path)]) == 0


CRASHERS = {
    "nul": ("tags:\n  Owner: a\x00b\n", 2),
    "merge_list": ("base: &a [1]\naccount:\n  <<: *a\n", 3),
    "nesting": ("account: " + "[" * 500 + "]" * 500 + "\n", 1),
    "include": ("account:\n  id: {% include 'x.yaml' %}\n", 2),
    "import": ("{% import 'x.yaml' as x %}\naccount: {}\n", 1),
    "range": ("account:\n  id: '{{ range(200000) | length }}'\n", 2),
    "big_string": ("account:\n  id: '{{ \"A\" * 300000000 }}'\n", 2),
}


@pytest.mark.parametrize("name", sorted(CRASHERS))
def test_former_crashes_are_spec_errors_at_their_line(capsys, write_spec, name):
    text, line = CRASHERS[name]
    path = write_spec(text)
    (path.parent / "x.yaml").write_text(MINIMAL)
    assert cli.main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"stack.yaml:{line}:" in err and "internal error" not in err and "Traceback" not in err


def test_a_reader_that_stops_early_is_not_an_error():
    # `mwaaform schema | head -3`: the pipe closes before mwaaform writes; nothing on stderr.
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "mwaaform", "schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == cli.EXIT_BROKEN_PIPE == 141
    assert err == ""


@pytest.mark.parametrize("verb", [["validate"], ["plan"], ["cost"], ["pipeline", "--github-actions"], ["preflight"], ["rollout", "--dry-run"]])
def test_every_verb_reports_an_invalid_spec_alike(capsys, write_spec, verb):
    path = write_spec(MINIMAL.replace("stage: dev", "stage: dve"))
    assert cli.main([*verb, str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "1 error" and "environments[0].stage" in err[0]
