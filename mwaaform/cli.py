"""The ``mwaaform`` command: a thin layer over the spec loader, the plan and the docs.

Exit codes: 0 success, 1 invalid specs (or policy violations that are mandatory), 2 usage error,
3 a bug in mwaaform. A user's mistake never ends in a traceback; a bug ends in one line saying
so (``--debug`` prints the traceback), so that CI can tell a bad spec from a broken tool.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from mwaaform.spec.loader import LoadResult, UsageError, load

DEFAULT_PATHS = ["environments"]
EXIT_BUG = 3
REPORT_BUGS = "report it to the mwaaform maintainers with the command and the spec (README, 'Reporting a bug')"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # accepted anywhere on the line: before or after the verb
    args = parser.parse_args([arg for arg in argv if arg != "--debug"])
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"mwaaform: {exc}", file=sys.stderr)
        return 2
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
    plan.set_defaults(func=_plan)

    schema = commands.add_parser("schema", help="print the JSON Schema of a spec file")
    schema.set_defaults(func=_schema)

    docs = commands.add_parser("docs", help="print the reference of every spec field (docs/spec.md)")
    docs.set_defaults(func=_docs)
    return parser


def _report(result: LoadResult) -> None:
    for diagnostic in result.diagnostics:
        print(diagnostic, file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    result = load(args.paths)
    _report(result)
    if not result.ok:
        count = len(result.errors)
        print(f"{count} error{'s' if count != 1 else ''}", file=sys.stderr)
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

    return plan_command(result.stacks, as_json=args.json, out_dir=args.out, policies=not args.no_policies)


def _schema(args: argparse.Namespace) -> int:
    from mwaaform.spec.reference import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def _docs(args: argparse.Namespace) -> int:
    from mwaaform.spec.reference import markdown

    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
