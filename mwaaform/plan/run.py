"""``mwaaform plan``: run the real program offline for each stack, review it, print it."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mwaaform.plan.cache import PlanCache
from mwaaform.plan.engine import STACK_TYPE, Plan, run_program
from mwaaform.plan.render import preview_json, render_tree
from mwaaform.plan.review import SKIPPED, Finding, PackConfig, effective_level, review
from mwaaform.plan.summary import summarize
from mwaaform.spec.loader import LoadedStack


@dataclass(frozen=True)
class StackPlan:
    stack: LoadedStack
    plan: Plan
    violations: list[Finding]

    def document(self) -> dict:
        doc = preview_json(self.plan, self.stack.name)
        doc["costEstimate"] = self.estimate().as_dict()
        doc["policyViolations"] = [
            {"policyName": v.policy, "enforcementLevel": v.level, "urn": v.urn, "message": v.message} for v in self.violations
        ]
        return doc

    def estimate(self):
        from mwaaform.cost import estimate_plan

        return estimate_plan(self.plan)

    def text(self) -> str:
        estimate = self.estimate()
        unknown = " + unknown prices" if estimate.unknown else ""
        cost = f"Estimated cost: ${estimate.monthly:,.2f} a month{unknown} (details: mwaaform cost)"
        parts = [render_tree(self.plan, self.stack.name), summarize(self.plan), cost]
        if self.violations:
            parts.append("Policy violations:\n" + "\n".join(f"    {v}" for v in self.violations))
        else:
            parts.append("Policies: no violations")
        return "\n".join(part.rstrip("\n") + "\n" for part in parts if part)


def plan_stack(
    stack: LoadedStack,
    policies: bool = True,
    policy_config: PackConfig | None = None,
    first_preview: bool = False,
    cache: PlanCache | None = None,
) -> StackPlan:
    """The offline plan of one stack (the same program `pulumi up` runs).

    The policy review judges the plan's values, as ``pulumi up`` does. With ``first_preview``, it
    also runs the program a second time as the stack's first preview (every output still unknown)
    and reviews that, so a rule the CLI would skip there ("can't run policy ... during preview")
    shows up as ``skipped``; that pass doubles the time of the plan, so it is asked for
    (``mwaaform plan --first-preview``), and the policy pack's own tests run it over every example.
    With a ``cache``, the recorded plan is taken from it when the stack's inputs did not change.
    """
    from mwaaform.program import build_stack

    def run(preview: bool) -> Plan:
        return run_program(
            lambda: build_stack(stack),
            project="mwaaform",
            stack=stack.name,
            account_id=stack.spec.account.id,
            region=stack.spec.account.region,
            preview=preview,
        )

    plan = cache.get(stack) if cache is not None else None
    if plan is None:
        plan = run(preview=False)
        if cache is not None:
            cache.put(stack, plan)
    if not policies:
        return StackPlan(stack, plan, [])
    findings = review(plan, policy_config) + _budget_review(plan, policy_config)
    if first_preview:
        findings += [f for f in review(run(preview=True), policy_config) if f.level == SKIPPED]
    return StackPlan(stack, plan, findings)


def _budget_review(plan: Plan, config: PackConfig | None) -> list[Finding]:
    """The budget rule over the recorded plan (it needs the plan's outputs, which the pack's
    offline review does not pass to stack rules)."""
    from mwaaform.cost import estimate_plan
    from policies.budget import MWAA, NAME, over_budget
    from policies.rules import BY_NAME

    level = effective_level(BY_NAME[NAME], config)
    if level == "disabled":
        return []
    urns = {r.inputs.get("name"): r.urn for r in plan.of_type(MWAA)}
    stack_urn = next((r.urn for r in plan.of_type(STACK_TYPE)), "")
    return [Finding(level, NAME, urns.get(env, stack_urn) if env else stack_urn, message) for env, message in over_budget(estimate_plan(plan))]


def _user_errors() -> tuple[type[BaseException], ...]:
    import pulumi

    from mwaaform.iam.grants import GrantsTooLarge
    from mwaaform.plan.engine import CloudLookupError

    return (pulumi.RunError, GrantsTooLarge, CloudLookupError, FileNotFoundError)


@dataclass(frozen=True)
class _Task:
    stack: LoadedStack
    policies: bool = False
    config: PackConfig | None = None
    first_preview: bool = False
    cache: PlanCache | None = None


def _plan_task(task: _Task) -> tuple[StackPlan | None, str | None]:
    """One stack's plan, or why it cannot be planned (a user's mistake); run in a worker."""
    try:
        options = {"first_preview": True} if task.first_preview else {}
        if task.cache is not None:
            options["cache"] = task.cache
        return plan_stack(task.stack, task.policies, task.config, **options), None
    except _user_errors() as exc:
        return None, f"cannot plan stack {task.stack.name} ({task.stack.path}): {exc}"


def plan_all(
    stacks: Sequence[LoadedStack], jobs: int | None = 1, cache: PlanCache | None = None
) -> list[tuple[Plan | None, str | None]]:
    """The recorded plan of each stack (without the policy review), or why it could not be made,
    in the order of ``stacks``; ``jobs`` worker processes (None: every CPU)."""
    from mwaaform.plan.parallel import run_all

    tasks = [_Task(s, cache=cache) for s in stacks]
    return [(p.plan if p else None, failure) for p, failure in run_all(_plan_task, tasks, jobs)]


def plan_and_review_all(
    stacks: Sequence[LoadedStack], jobs: int | None = 1, cache: PlanCache | None = None
) -> list[tuple[Plan | None, list[Finding], str | None]]:
    """As :func:`plan_all`, with the policy pack's default review of each plan, made in the
    workers too (and taken from the cache when the stack did not change)."""
    from mwaaform.plan.parallel import run_all

    return run_all(_plan_and_review_task, [_Task(s, cache=cache) for s in stacks], jobs)


def _plan_and_review_task(task: _Task) -> tuple[Plan | None, list[Finding], str | None]:
    findings = task.cache.get_findings(task.stack) if task.cache is not None else None
    stack_plan, failure = _plan_task(task)
    if stack_plan is None:
        return None, [], failure
    if findings is None:
        findings = review(stack_plan.plan)
        if task.cache is not None:
            task.cache.put_findings(task.stack, findings)
    return stack_plan.plan, findings, None


def _policy_config(path: str | None) -> PackConfig | None:
    from mwaaform.plan.review import ConfigError, load_config

    if path is None:
        return None
    try:
        return load_config(path)
    except OSError as error:
        raise ConfigError([f"cannot read the policy config {path}: {error.strerror}"]) from None


def plan_command(
    stacks: Sequence[LoadedStack],
    *,
    as_json: bool,
    out_dir: str | None,
    policies: bool,
    policy_config: str | None = None,
    first_preview: bool = False,
    jobs: int | None = 1,
    cache: PlanCache | None = None,
) -> int:
    from mwaaform.plan.review import ConfigError

    try:
        config = _policy_config(policy_config)
    except ConfigError as error:
        for problem in error.problems:
            print(f"mwaaform: {problem}", file=sys.stderr)
        return 2
    from mwaaform.plan.parallel import run_all

    plans, failures = [], []
    tasks = [_Task(stack, policies, config, first_preview, cache) for stack in stacks]
    for stack_plan, failure in run_all(_plan_task, tasks, jobs):
        if failure is None:
            plans.append(stack_plan)
        else:
            failures.append(f"mwaaform: {failure}")
    if out_dir:
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for stack_plan in plans:
            (folder / f"{stack_plan.stack.name}.json").write_text(json.dumps(stack_plan.document(), indent=2, sort_keys=True) + "\n")
            (folder / f"{stack_plan.stack.name}.txt").write_text(stack_plan.text())
    if as_json and (plans or len(stacks) > 1):
        # The shape follows what was asked for: one stack, one document; several, {"stacks": [...]}.
        documents = [p.document() for p in plans]
        output = documents[0] if len(stacks) == 1 else {"stacks": documents}
        sys.stdout.write(json.dumps(output, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write("\n".join(p.text() for p in plans))
    # The plans that could be made are shown; the stacks that could not are reported after them.
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        return 1
    mandatory = [v for p in plans for v in p.violations if v.level == "mandatory"]
    if mandatory:
        print(f"{len(mandatory)} mandatory policy violation(s): `pulumi up --policy-pack policies` would refuse", file=sys.stderr)
        return 1
    return 0
