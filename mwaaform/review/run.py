"""``mwaaform review``: plan the specs as they are at a git ref and as they are now, and compare.

Everything after planning is a function of the two recorded plans of each stack: the resource diff
(:mod:`.diff`), the permissions, alarms, policy findings and cost estimate (:mod:`.deltas`), and the diagram
(:mod:`.diagram`). Without a ref, every stack is reviewed as new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mwaaform.plan.model import Plan
from mwaaform.review.deltas import Deltas, compare
from mwaaform.review.diagram import diagram
from mwaaform.review.diff import ResourceChange, StackDiff, diff_plans
from mwaaform.spec.loader import Diagnostic, UsageError, load, spec_files

STATEFUL_ORDER = ["aws:mwaa/environment:Environment", "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"]


@dataclass(frozen=True)
class StackReview:
    stack: str
    diff: StackDiff
    deltas: Deltas
    diagram: str

    @property
    def destructive(self) -> list[ResourceChange]:
        """Destructive changes, the most costly first: environments, buckets, keys, log groups."""
        return sorted(self.diff.destructive, key=lambda c: (STATEFUL_ORDER.index(c.type) if c.type in STATEFUL_ORDER else len(STATEFUL_ORDER), c.label))

    @property
    def blocking(self) -> list[ResourceChange]:
        return [c for c in self.diff.destructive if not c.acknowledged]

    @property
    def mandatory(self) -> list:
        return [f for f in (*self.deltas.findings.new, *self.deltas.findings.unchanged) if f.level == "mandatory"]


@dataclass
class Review:
    base: str | None
    stacks: list[StackReview] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # stacks that could not be planned, invalid specs
    notes: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """Why the review fails (empty: it passes)."""
        reasons = list(self.errors)
        for s in self.stacks:
            reasons += [
                f"{s.stack}: {c.op} of {c.kind} {c.title}{' (forced by ' + ', '.join(c.forced_by) + ')' if c.forced_by else ''} "
                f"loses data: acknowledge with --allow-replace {c.environments[0] if c.environments else c.label}"
                for c in s.blocking
            ]
            reasons += [f"{s.stack}: mandatory policy violation: {f}" for f in s.mandatory]
        return reasons

    @property
    def passed(self) -> bool:
        return not self.reasons


@dataclass
class _Side:
    plans: dict[str, Plan] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # stack -> why it could not be planned
    invalid: set[str] = field(default_factory=set)  # stacks whose spec file is invalid
    findings: dict[int, list] = field(default_factory=dict)  # id(plan) -> its policy review, made by the workers

    @property
    def unplanned(self) -> set[str]:
        return self.invalid | set(self.failures)


def _plan_all(paths: Sequence[str], allow_empty: bool = False, jobs: int | None = 1, cache=None) -> _Side:
    """Plan every stack under ``paths``; ``allow_empty``: folders without specs are no stacks."""
    from mwaaform.plan.run import plan_and_review_all

    side = _Side()
    try:
        spec_files(paths)
    except UsageError:
        if allow_empty and all(Path(p).is_dir() for p in paths):
            return side  # a change that removes the last spec deletes its stacks
        raise
    result = load(paths)
    side.diagnostics = result.diagnostics
    side.invalid = {p.stem for p in spec_files(paths)} - {s.name for s in result.stacks}
    for stack, (plan, findings, failure) in zip(result.stacks, plan_and_review_all(result.stacks, jobs, cache), strict=True):
        if plan is None:
            side.failures[stack.name] = failure
        else:
            side.plans[stack.name] = plan
            side.findings[id(plan)] = findings
    return side


def review_paths(
    paths: Sequence[str], base_ref: str | None, allow_replace: Sequence[str] = (), jobs: int | None = 1, cache=None
) -> tuple[Review, list[Diagnostic]]:
    """Review the specs under ``paths`` against ``base_ref``; the diagnostics of the current specs."""
    from mwaaform.plan.review import review as policy_review  # the one call into the policy review
    from mwaaform.review import gitref

    review = Review(base_ref, acknowledged=sorted(set(allow_replace)))
    if base_ref is None:
        head, base = _plan_all(paths, jobs=jobs, cache=cache), _Side()
    else:
        root = gitref.repository_root()
        relative = gitref.repository_paths(paths, root)
        with gitref.working_folder(root):
            head = _plan_all(relative, allow_empty=True, jobs=jobs, cache=cache)
        with gitref.checkout(base_ref, relative, root) as (folder, existing), gitref.working_folder(folder):
            base = _plan_all(existing, jobs=jobs, cache=cache) if existing else _Side()
        review.errors += [f"at {base_ref}: {failure}" for failure in base.failures.values()]
        review.errors += [
            f"stack {name}: its spec is invalid at {base_ref} ({_first_error(base.diagnostics, name)}), so what the change does cannot be told"
            for name in sorted(base.invalid)
        ]
    review.errors += list(head.failures.values())
    review.errors += [f"stack {name}: its spec is invalid (see above), so it is not reviewed" for name in sorted(head.invalid)]
    names = set(allow_replace)
    matched: set[str] = set()
    reviewed = {**base.findings, **head.findings}  # the workers' policy review of each plan
    for stack in sorted((base.plans.keys() | head.plans.keys()) - head.unplanned - base.unplanned):
        old, new = base.plans.get(stack), head.plans.get(stack)
        diff = diff_plans(stack, old, new)
        changes = tuple(c.with_acknowledgement(names) if c.destructive else c for c in diff.changes)
        diff = StackDiff(diff.stack, diff.base_exists, diff.head_exists, changes)
        for c in diff.destructive:
            matched |= names & {c.name, c.old_name, c.physical, c.old_physical, *c.environments}
        deltas = compare(old, new, lambda plan: reviewed[id(plan)] if id(plan) in reviewed else policy_review(plan))
        review.stacks.append(StackReview(stack, diff, deltas, diagram(new or old, diff)))  # type: ignore[arg-type]
    review.notes += [f"--allow-replace {name}: no destructive change matches it" for name in sorted(names - matched)]
    return review, head.diagnostics


def _first_error(diagnostics: Sequence[Diagnostic], stack: str) -> str:
    """The first error of a stack's spec (or of the defaults file it uses)."""
    errors = [d for d in diagnostics if d.severity == "error"]
    own = [d for d in errors if Path(d.position.file).stem == stack]
    return str((own or errors or [""])[0])
