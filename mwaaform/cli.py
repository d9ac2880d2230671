"""The ``mwaaform`` command: a thin layer over the spec loader, the plan and the docs.

Exit codes: 0 success, 1 invalid specs (or policy violations that are mandatory), 2 usage error,
3 a bug in mwaaform. A user's mistake never ends in a traceback; a bug ends in one line saying
so (``--debug`` prints the traceback), so that CI can tell a bad spec from a broken tool.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mwaaform.spec.loader import LoadResult

DEFAULT_PATHS = ["environments"]
EXIT_BUG = 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a reader that stopped
REPORT_BUGS = "report it to the mwaaform maintainers with the command and the spec (README, 'Reporting a bug')"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line: before or after the verb
    args = parser.parse_args([arg for arg in argv if arg != "--debug"])
    # Imported once the line is parsed: `--help` and usage errors need none of the spec models.
    from mwaaform.spec.loader import UsageError

    try:
        return args.func(args)
    except UsageError as exc:
        print(f"mwaaform: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`mwaaform docs | head`): not an error to report. Later writes
        # (the interpreter's final flush) go nowhere; the exit code is the shell's for SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # e.g. --out names a file, or a folder we may not write to
        print(f"mwaaform: cannot write {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the edge of the program: anything else is our bug
        if debug:
            raise
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        print(f"mwaaform: internal error (a bug in mwaaform, not in your spec): {what}; {REPORT_BUGS}; "
              "run again with --debug for the traceback", file=sys.stderr)
        return EXIT_BUG


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mwaaform", description="Amazon MWAA environments from YAML specs, compiled to Pulumi.")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an internal error (for bug reports)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check spec files; every problem with its file and line")
    validate.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    validate.set_defaults(func=_validate)

    plan = commands.add_parser("plan", help="offline plan: what `pulumi up` would create, without credentials")
    plan.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    plan.add_argument("--json", action="store_true", help="print the plan in the shape of `pulumi preview --json`")
    plan.add_argument("--out", metavar="DIR", help="also write <stack>.json and <stack>.txt plans into DIR")
    plan.add_argument("--no-policies", action="store_true", help="skip the policy pack review")
    plan.add_argument(
        "--policy-config", metavar="FILE", help="policy pack configuration, in the format of `pulumi preview --policy-pack-config`"
    )
    plan.add_argument(
        "--first-preview",
        action="store_true",
        help="also review the stack's first preview (outputs unknown) and list the rules `pulumi preview` would skip there; plans twice",
    )
    _jobs_option(plan)
    plan.set_defaults(func=_plan)

    cost = commands.add_parser("cost", help="monthly cost estimate per stack from its offline plan, and NAT versus endpoints")
    cost.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    cost.add_argument("--json", action="store_true", help="print the estimates as JSON")
    _jobs_option(cost)
    cost.set_defaults(func=_cost)

    review = commands.add_parser("review", help="what a change does to what is deployed: diff against a git ref, verdict, PR comment")
    review.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    review.add_argument("--base", metavar="GIT_REF", help="compare with the specs at this git ref (without it, every stack is new)")
    review.add_argument(
        "--allow-replace",
        action="append",
        default=[],
        metavar="NAME",
        help="acknowledge the destructive changes of this environment (or resource); repeatable",
    )
    review.add_argument("--format", choices=["text", "json", "markdown"], default="text", help="text (default), json, or markdown (a PR comment)")
    review.add_argument("--json", action="store_const", const="json", dest="format", help="same as --format json")
    review.add_argument("--out", metavar="FILE", help="also write the output to FILE")
    _jobs_option(review)
    review.set_defaults(func=_review)

    schema = commands.add_parser("schema", help="print the JSON Schema of a spec file")
    schema.set_defaults(func=_schema)

    docs = commands.add_parser("docs", help="print the reference of every spec field (docs/spec.md)")
    docs.set_defaults(func=_docs)

    rollout = commands.add_parser("rollout", help="preview and update every stack with Pulumi, in waves by stage (dev first, prod last)")
    rollout.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    rollout.add_argument("--parallel", type=_positive, default=1, metavar="N", help="stacks of one wave run at once (default 1)")
    rollout.add_argument("--stacks", metavar="A,B", help="only these stacks (comma-separated names)")
    rollout.add_argument("--dry-run", action="store_true", help="print the waves and the commands; run nothing")
    rollout.add_argument("--preview-only", action="store_true", help="stop after the previews")
    rollout.add_argument("--no-preflight", action="store_true", help="skip the live preflight before each wave")
    rollout.set_defaults(func=_rollout)

    pipeline = commands.add_parser("pipeline", help="write a CI workflow that runs the rollout's waves as jobs")
    pipeline.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    pipeline.add_argument("--github-actions", action="store_true", required=True, help="a GitHub Actions workflow (the one CI supported)")
    pipeline.add_argument("--out", metavar="FILE", default=".github/workflows/mwaaform-rollout.yml", help="where to write it (default: %(default)s); - for stdout")
    pipeline.add_argument("--parallel", type=_positive, default=1, metavar="N", help="stacks of one wave run at once (default 1)")
    pipeline.set_defaults(func=_pipeline)

    preflight = commands.add_parser("preflight", help="check each stack's account with boto3 before a rollout (network, names, keys, what it adopts)")
    preflight.add_argument("paths", nargs="*", default=DEFAULT_PATHS, metavar="PATH", help="spec files or folders (default: environments)")
    preflight.set_defaults(func=_preflight)
    return parser


def _jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs", "-j", type=_positive, default=None, metavar="N", help="plan stacks in N worker processes (default: every CPU); same output"
    )
    parser.add_argument("--no-cache", action="store_true", help="plan every stack again: neither read nor write the plan cache")


def _cache(args: argparse.Namespace):
    from mwaaform.plan.cache import PlanCache

    return None if args.no_cache else PlanCache()


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _report(result: LoadResult) -> None:
    """The diagnostics of the specs, then (every verb alike) how many errors stop it."""
    for diagnostic in result.diagnostics:
        print(diagnostic, file=sys.stderr)
    if not result.ok:
        count = len(result.errors)
        print(f"{count} error{'s' if count != 1 else ''}", file=sys.stderr)


def load(paths: Sequence[str]) -> LoadResult:
    # Importing the spec models and the IAM database, and reading the specs, build long-lived
    # objects and hardly a reference cycle: the cyclic collector, triggered by the allocations,
    # would walk the growing heap again and again for nothing (about a tenth of `validate`).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from mwaaform.spec.loader import load as load_specs

        return load_specs(paths)
    finally:
        if collecting:
            gc.enable()


def _validate(args: argparse.Namespace) -> int:
    result = load(args.paths)
    _report(result)
    if not result.ok:
        return 1
    names = ", ".join(f"{s.name} ({len(s.spec.environments)} env)" for s in result.stacks)
    print(f"valid: {names}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    result = load(args.paths)
    _report(result)
    if not result.ok:
        return 1
    from mwaaform.plan.run import plan_command  # imports pulumi: only for this verb

    return plan_command(
        result.stacks,
        as_json=args.json,
        out_dir=args.out,
        policies=not args.no_policies,
        policy_config=args.policy_config,
        first_preview=args.first_preview,
        jobs=args.jobs,
        cache=_cache(args),
    )


def _cost(args: argparse.Namespace) -> int:
    result = load(args.paths)
    _report(result)
    if not result.ok:
        return 1
    from mwaaform.cost.command import cost_command  # plans the stacks: imports pulumi

    return cost_command(result.stacks, as_json=args.json, jobs=args.jobs, cache=_cache(args))


def _review(args: argparse.Namespace) -> int:
    from mwaaform.review.command import review_command  # imports pulumi: only for this verb

    return review_command(args.paths, base=args.base, allow_replace=args.allow_replace, fmt=args.format, out=args.out, jobs=args.jobs, cache=_cache(args))


def _schema(args: argparse.Namespace) -> int:
    from mwaaform.spec.reference import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _docs(args: argparse.Namespace) -> int:
    from mwaaform.spec.reference import markdown

    sys.stdout.write(markdown())
    return 0


def _rollout(args: argparse.Namespace) -> int:
    from mwaaform.rollout.waves import parse_stacks

    names = parse_stacks(args.stacks)
    result = load(args.paths)
    _report(result)
    if not result.ok:
        return 1
    from mwaaform.rollout.command import rollout_command

    return rollout_command(
        result.stacks, names=names, parallel=args.parallel, dry=args.dry_run, preview_only=args.preview_only, preflight=not args.no_preflight
    )


def _pipeline(args: argparse.Namespace) -> int:
    result = load(args.paths)
    _report(result)
    if not result.ok:
        return 1
    from mwaaform.pipeline.command import pipeline_command

    return pipeline_command(result.stacks, out=args.out, parallel=args.parallel)


def _preflight(args: argparse.Namespace) -> int:
    result = load(args.paths)
    _report(result)
    if not result.ok:
        return 1
    from mwaaform.preflight.command import preflight_command

    return preflight_command(result.stacks)


if __name__ == "__main__":
    sys.exit(main())
