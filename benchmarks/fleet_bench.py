"""Fleet benchmark: `make bench` (or `venv/bin/python -m benchmarks.fleet_bench --help`).

Generates a fleet of one-environment stacks (benchmarks/fleet.py) in a scratch git repository,
then runs each job as a whole `mwaaform` process several times and reports the median wall time,
milliseconds per planned resource, the peak memory (largest resident set of the process and its
workers) and the ratio to the floor measured in the same run: the same resources registered
directly through pulumi-aws under Pulumi's mock runtime, in one process (benchmarks/floor.py);
and the ratio to the same registrations through mwaaform's own offline engine, which isolates
the cost of mwaaform's program. Prints a table and writes the figures as JSON
(build/bench/fleet.json). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.fleet import spec, write_fleet

ROOT = Path(__file__).resolve().parents[1]
MWAAFORM = [sys.executable, "-m", "mwaaform"]


@dataclass
class Row:
    job: str
    seconds: float  # median wall time
    runs: list[float]
    peak_mb: float  # largest of the runs
    resources: int = 0
    ms_per_resource: float | None = None
    floor_ratio: float | None = None  # over the floor: Pulumi's mock runtime
    engine_ratio: float | None = None  # over the same registrations through mwaaform's engine


def measure(command: list[str], cwd: Path, runs: int, stdout_to: Path | None = None) -> tuple[float, list[float], float]:
    """Median wall time, all samples, and peak RSS (MB) of ``command`` run ``runs`` times."""
    samples, peak = [], 0.0
    for _ in range(runs):
        out = open(stdout_to, "w") if stdout_to else subprocess.DEVNULL  # noqa: SIM115
        try:
            start = time.perf_counter()
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": "0"})
            _, status, usage = os.wait4(process.pid, 0)
            samples.append(time.perf_counter() - start)
            # Linux: ru_maxrss in KiB, of the largest of the process and its waited-for workers.
            peak = max(peak, usage.ru_maxrss / 1024)
            stderr = process.stderr.read().decode() if process.stderr else ""
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdout_to:
                out.close()
        if process.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-2000:]}")
    return statistics.median(samples), samples, peak


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", type=int, default=100, help="environments in the fleet, one per stack (default 100)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each job; the median is reported (default 3)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs of the parallel runs (default: mwaaform's, every CPU)")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "fleet.json"), help="where to write the JSON figures")
    parser.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    args = parser.parse_args(argv)
    env_cmd = MWAAFORM
    parallel = [] if args.jobs is None else ["--jobs", str(args.jobs)]
    rows: list[Row] = []
    # Bytecode as an installed mwaaform has it: with PYTHONDONTWRITEBYTECODE set (as on some CI
    # machines) or a stale cache after an edit, every process would compile the modules it
    # imports again, and the start-up rows would measure the compiler.
    compileall.compile_dir(ROOT, quiet=2, rx=re.compile(r"/(venv|\.venv|\.node|node_modules|build|\.git)/"))
    with tempfile.TemporaryDirectory(prefix="mwaaform-bench-") as scratch:
        work = Path(scratch)
        fleet = work / "fleet"
        write_fleet(fleet, args.stacks)
        git(work, "init", "-q")
        git(work, "add", ".")
        git(work, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "fleet")
        plans = work / "plans.json"
        one = fleet / "fleet-000.yaml"
        # A cache of this run's own (rows with --no-cache neither read nor write it).
        os.environ["MWAAFORM_CACHE_DIR"] = str(work / "cache")

        def row(job: str, command: list[str], resources: int = 0, stdout_to: Path | None = None, cwd: Path = work) -> Row:
            median, samples, peak = measure(command, cwd, args.runs, stdout_to)
            r = Row(job, median, samples, peak, resources)
            if resources:
                r.ms_per_resource = 1000 * median / resources
            rows.append(r)
            print(f"  {job}: {median:.2f} s", file=sys.stderr)
            return r

        print(f"fleet of {args.stacks} stacks in {fleet}", file=sys.stderr)
        row("mwaaform --help", [*env_cmd, "--help"])
        row("validate 1 file", [*env_cmd, "validate", str(one)])
        row(f"validate {args.stacks} stacks", [*env_cmd, "validate", str(fleet)])
        seq = row("plan, --jobs 1", [*env_cmd, "plan", str(fleet), "--json", "--jobs", "1", "--no-cache"], stdout_to=plans)
        documents = json.loads(plans.read_text())["stacks"]
        count = sum(len(d["steps"]) for d in documents)
        floor = row("floor: pulumi-aws, Pulumi's mock runtime", [sys.executable, "-m", "benchmarks.floor", str(plans)], count, cwd=ROOT)
        engine = row("same, through mwaaform's engine", [sys.executable, "-m", "benchmarks.floor", str(plans), "--engine"], count, cwd=ROOT)
        seq.resources, seq.ms_per_resource = count, 1000 * seq.seconds / count
        row("plan, every CPU", [*env_cmd, "plan", str(fleet), *parallel, "--no-cache"], count)
        subprocess.run([*env_cmd, "plan", str(fleet), *parallel], cwd=work, capture_output=True, check=False)  # fills the cache
        row("plan, every CPU, cache warm", [*env_cmd, "plan", str(fleet), *parallel], count)
        row("cost, every CPU", [*env_cmd, "cost", str(fleet), *parallel, "--no-cache"], count)
        one_count = len(documents[0]["steps"])
        single = row("plan 1 stack", [*env_cmd, "plan", str(one), "--jobs", "1", "--no-cache"], one_count)
        quarter = work / "quarter"
        write_fleet(quarter, max(1, args.stacks // 4))
        row(f"plan {args.stacks // 4} stacks, every CPU (memory)", [*env_cmd, "plan", str(quarter), *parallel, "--no-cache"])
        (fleet / "fleet-000.yaml").write_text(spec(0, workers_max=5))  # the one-line change under review
        # The base's plans are in the cache once any review (or CI run) planned them: one untimed run.
        subprocess.run([*env_cmd, "review", str(fleet), "--base", "HEAD", *parallel], cwd=work, capture_output=True, check=False)
        review = row("review --base HEAD, 1 spec changed", [*env_cmd, "review", str(fleet), "--base", "HEAD", *parallel], 2 * count)
        cold = row("review --base HEAD, --no-cache", [*env_cmd, "review", str(fleet), "--base", "HEAD", *parallel, "--no-cache"], 2 * count)
    print("  examples in-process against their floor", file=sys.stderr)
    done = subprocess.run([sys.executable, "-m", "benchmarks.examples", str(max(args.runs, 9))], cwd=ROOT, capture_output=True, text=True, check=True)
    examples = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    for r in rows:
        if r.resources:
            r.floor_ratio = r.seconds / (floor.seconds * r.resources / count)
            r.engine_ratio = r.seconds / (engine.seconds * r.resources / count)
    result = {
        "stacks": args.stacks,
        "resources": count,
        "runs": args.runs,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "rows": [asdict(r) for r in rows],
        "examples_in_process": examples,
        "review_over_one_stack_plan": review.seconds / single.seconds,
        "review_no_cache_over_one_stack_plan": cold.seconds / single.seconds,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.stacks} stacks, {count} resources; median of {args.runs} runs; {os.cpu_count()} CPUs; Python {platform.python_version()}")
    print(f"{'job':<42} {'wall s':>8} {'ms/res':>7} {'peak MB':>8} {'x floor':>8} {'x engine':>8}")
    for r in rows:
        ms = f"{r.ms_per_resource:.2f}" if r.ms_per_resource else "-"
        ratio = f"{r.floor_ratio:.2f}" if r.floor_ratio else "-"
        engine_ratio = f"{r.engine_ratio:.2f}" if r.engine_ratio else "-"
        print(f"{r.job:<42} {r.seconds:8.2f} {ms:>7} {r.peak_mb:8.0f} {ratio:>8} {engine_ratio:>8}")
    for e in examples:
        print(f"example {e['stack']:<20} in-process plan {1000 * e['plan_s']:7.1f} ms, floor {1000 * e['floor_s']:7.1f} ms, "
              f"engine {1000 * e['engine_floor_s']:7.1f} ms ({e['resources']} resources): {e['ratio']:.2f}x floor, "
              f"{e['engine_ratio']:.2f}x engine")
    print(f"review --base over planning its one stack: {result['review_over_one_stack_plan']:.1f}x "
          f"(without the cache {result['review_no_cache_over_one_stack_plan']:.1f}x)")
    print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
