"""Mutation testing of the pure modules, each against its own tests only (``make mutation``).

For every module below, mutmut changes the code one small edit at a time (a flipped comparison,
``continue`` for ``break``, a changed constant ...) and runs the module's own tests against each
change. A change the tests do not notice ("survived") is behaviour nothing pins. The script
prints, per module, the mutants killed out of those tested, and lists the survivors
(``mutmut show NAME`` in the module's work folder prints the diff of one).

Each module runs in its own fresh folder under ``build/mutation/`` (a copy of the sources and
tests plus a ``setup.cfg`` naming the module and its tests): modules never share mutmut's cache,
and a result is never one cached from older tests. Usage::

    python tools/mutation.py                 # every module
    python tools/mutation.py naming tags     # some of them
    python tools/mutation.py --list          # the modules and their tests

Not part of ``make test``: on two cores it takes minutes per module.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"

# module key -> (source file, its own tests). Add the pure modules of new packages here.
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "naming": ("mwaaform/naming.py", ("tests/test_naming.py",)),
    "tags": ("mwaaform/tags.py", ("tests/test_tags.py",)),
    "network.cidr": ("mwaaform/network/cidr.py", ("tests/network/test_cidr.py", "tests/network/test_cidr_properties.py")),
    "network.endpoints": ("mwaaform/network/endpoints.py", ("tests/network/test_endpoints.py",)),
    "iam.documents": ("mwaaform/iam/documents.py", ("tests/iam/test_documents.py",)),
    "iam.flow_logs": ("mwaaform/iam/flow_logs.py", ("tests/alarms/test_definitions.py",)),
    # The checks half of grants.py is exercised through the spec's access section.
    "iam.grants": ("mwaaform/iam/grants.py", ("tests/iam/test_grants.py", "tests/iam/test_access_spec.py")),
    "spec.rules": ("mwaaform/spec/rules.py", ("tests/spec/test_rules.py",)),
    "alarms": ("mwaaform/alarms.py", ("tests/alarms/test_definitions.py",)),
    # The pure modules of the packages after compiling.
    "cost.egress": ("mwaaform/cost/egress.py", ("tests/cost/test_egress.py", "tests/cost/test_auto_egress.py")),
    "review.diff": ("mwaaform/review/diff.py", ("tests/review/test_diff.py",)),
    "review.deltas": ("mwaaform/review/deltas.py", ("tests/review/test_deltas.py",)),
    "rollout.waves": ("mwaaform/rollout/waves.py", ("tests/rollout/test_waves.py",)),
    "rollout.engine": ("mwaaform/rollout/engine.py", ("tests/rollout/test_engine.py",)),
}

# What a module's folder needs: the packages, the example specs some tests plan, the tests, the pytest configuration.
COPIED = ("mwaaform", "components", "policies", "environments", "tests", "pyproject.toml", "Pulumi.yaml")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")


def prepare(key: str) -> Path:
    """The module's work folder, with fresh copies of the sources and tests and its mutmut config."""
    source, tests = MODULES[key]
    folder = WORK / key
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in COPIED:
        target = folder / name
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target, ignore=IGNORED)
        else:
            shutil.copy2(ROOT / name, target)
    (folder / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = mwaaform\n"
        f"only_mutate = {source}\n"
        "also_copy =\n    components\n    policies\n    environments\n    Pulumi.yaml\n"
        "pytest_add_cli_args_test_selection =\n" + "".join(f"    {test}\n" for test in tests),
        encoding="utf-8",
    )
    return folder


def run(key: str, children: int) -> dict:
    folder = prepare(key)
    mutmut = [sys.executable, "-m", "mutmut"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    started = time.monotonic()
    log = folder / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call([*mutmut, "run", "--max-children", str(children)], cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
        subprocess.call([*mutmut, "export-cicd-stats"], cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    stats_file = folder / "mutants" / "mutmut-cicd-stats.json"
    if code != 0 or not stats_file.exists():
        return {"key": key, "error": f"mutmut exited {code}; see {log.relative_to(ROOT)}", "seconds": seconds}
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    listing = subprocess.run([*mutmut, "results"], cwd=folder, env=env, capture_output=True, text=True).stdout
    survivors = [line.strip() for line in listing.splitlines() if line.strip().endswith((": survived", ": no tests", ": suspicious"))]
    return {"key": key, "seconds": seconds, "survivors": survivors, **stats}


def killed_share(result: dict) -> float:
    tested = result["total"] - result.get("skipped", 0)
    return 100 * (result["killed"] + result.get("timeout", 0)) / tested if tested else 100.0


def ratio(result: dict) -> str:
    tested = result["total"] - result.get("skipped", 0)
    killed = result["killed"] + result.get("timeout", 0)
    return f"{killed}/{tested} killed ({100 * killed / tested:.0f} %)" if tested else "no mutants"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"module keys (default: all): {', '.join(MODULES)}")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests, then stop")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--fail-under", type=float, metavar="PERCENT", help="exit 1 when a module kills less than this share")
    args = parser.parse_args(argv)
    if args.list:
        for key, (source, tests) in MODULES.items():
            print(f"{key:20} {source:32} {' '.join(tests)}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    missing = [test for key in args.modules or MODULES for test in MODULES[key][1] if not (ROOT / test).exists()]
    if missing:
        parser.error(f"tests not found: {', '.join(missing)}")
    results = []
    for key in args.modules or list(MODULES):
        result = run(key, args.children)
        results.append(result)
        line = result.get("error") or ratio(result)
        print(f"{key:20} {line}  [{result['seconds']:.0f} s]", flush=True)
        for survivor in result.get("survivors", []):
            print(f"    {survivor}")
    done = [r for r in results if "error" not in r]
    if len(done) > 1:
        print(f"{'all':20} {ratio({'total': sum(r['total'] - r.get('skipped', 0) for r in done), 'killed': sum(r['killed'] + r.get('timeout', 0) for r in done)})}")
    low = [r["key"] for r in done if args.fail_under is not None and killed_share(r) < args.fail_under]
    if low:
        print(f"below {args.fail_under:g} %: {', '.join(low)}")
    return 1 if low or len(done) < len(results) else 0


if __name__ == "__main__":
    sys.exit(main())
