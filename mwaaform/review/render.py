"""A review as text (the terminal), JSON (``--json``) and Markdown (``--format markdown``, a
pull-request comment). Text and Markdown are Jinja2 templates in ``templates/``."""

from __future__ import annotations

from typing import Any

import jinja2

from mwaaform.plan.replacing import MISSING
from mwaaform.review.diff import PropertyChange, ResourceChange
from mwaaform.review.run import Review, StackReview

# The first line of every comment: the CI recipe finds its own comment by it, to update it.
MARKER = "<!-- mwaaform-review -->"
# GitHub refuses comments longer than 65,536 characters.
COMMENT_LIMIT = 65_000
# As `pulumi preview` marks each step (an import is "=").
SYMBOLS = {"create": "+", "import": "=", "update": "~", "replace": "+-", "delete": "-"}


def _md(value: Any) -> str:
    """Text for a Markdown table cell or line: no pipes, no line breaks, no HTML."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _code(value: Any) -> str:
    text = _md(value).replace("`", "'")
    return f"`{text}`"


def _money(value: float | None) -> str:
    """A monthly figure; none where the stack or environment does not exist on that side."""
    return "none" if value is None else f"${value:,.2f}"


def _signed(value: float) -> str:
    return f"+${value:,.2f}" if value > 0 else f"−${-value:,.2f}" if value < 0 else "±$0.00"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mwaaform.review", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - Markdown and text, escaped by the md/code filters
    )
    env.filters.update(md=_md, code=_code, money=_money, signed=_signed, shown=lambda p, limit=100: PropertyChange.shown(p, limit))
    env.globals.update(symbols=SYMBOLS)
    return env


def _context(review: Review, paths: list[str], compact: bool = False) -> dict[str, Any]:
    return {"review": review, "paths": paths, "compact": compact, "MISSING": MISSING, "marker": MARKER}


def text(review: Review, paths: list[str]) -> str:
    return _environment().get_template("review.txt.j2").render(_context(review, paths))


def markdown(review: Review, paths: list[str]) -> str:
    template = _environment().get_template("comment.md.j2")
    rendered = template.render(_context(review, paths))
    if len(rendered) > COMMENT_LIMIT:
        rendered = template.render(_context(review, paths, compact=True))
    return rendered


def _change(change: ResourceChange) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "op": change.op,
        "type": change.type,
        "name": change.name,
        "urn": change.urn,
        "physicalName": change.physical or None,
    }
    if change.import_id:
        doc["importId"] = change.import_id
    if change.old_name:
        doc["oldName"] = change.old_name
    if change.old_physical and change.old_physical != change.physical:
        doc["oldPhysicalName"] = change.old_physical
    if change.forced_by:
        doc["replacedBecause"] = list(change.forced_by)
    if change.environments:
        doc["environments"] = list(change.environments)
    if change.destructive:
        doc.update(destructive=True, acknowledged=change.acknowledged, protected=change.protected)
    doc["changes"] = [
        {"path": p.path, "old": p.shown(10_000)[0], "new": p.shown(10_000)[1], **({"secret": True} if p.secret else {}), **({"replaces": True} if p.replaces else {})}
        for p in change.changes
    ]
    return doc


def _stack(stack: StackReview) -> dict[str, Any]:
    findings = stack.deltas.findings
    return {
        "stack": stack.stack,
        "status": "new" if not stack.diff.base_exists else "deleted" if not stack.diff.head_exists else "changed",
        "counts": stack.diff.counts(),
        "destructive": [_change(c) for c in stack.destructive],
        "changes": [_change(c) for c in stack.diff.changes],
        "permissions": [
            {"role": r.role, "status": r.status, "added": [str(p) for p in r.added], "removed": [str(p) for p in r.removed]} for r in stack.deltas.roles
        ],
        "alarms": {"added": list(stack.deltas.alarms_added), "removed": list(stack.deltas.alarms_removed)},
        "policyFindings": {k: [f.__dict__ for f in getattr(findings, k)] for k in ("new", "fixed", "unchanged")},
        "cost": _cost(stack),
        "diagram": stack.diagram,
    }


def _cost(stack: StackReview) -> dict[str, Any]:
    cost = stack.deltas.cost
    return {
        "currency": "USD",
        "base": cost.base,
        "head": cost.head,
        "change": cost.change,
        "environments": {name: {"base": old, "head": new} for name, old, new in cost.environments},
        "unknown": list(cost.unknown),
    }


def document(review: Review) -> dict[str, Any]:
    return {
        "base": review.base,
        "verdict": "pass" if review.passed else "fail",
        "reasons": review.reasons,
        "notes": review.notes,
        "acknowledged": review.acknowledged,
        "stacks": [_stack(s) for s in review.stacks],
    }
