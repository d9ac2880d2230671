"""The difference between two recorded plans of one stack: what `pulumi up` would do to what is deployed.

Pure functions of two :class:`~mwaaform.plan.model.Plan` objects (``None`` for a stack that does
not exist on that side). Resources are matched by URN; a resource whose URN changed (an environment
renamed: its logical names follow its name) is matched with the one that takes its place, and shown
as replaced. A new resource with an import id (``adopt_retained``) is imported: `pulumi up` adopts
what already exists in the account, nothing is created or lost. Which property changes replace a
resource, and which resources hold data, comes from ``mwaaform/data/replacement.yaml``; resource
options (protect, retainOnDelete, custom timeouts, the import id) are not inputs and never replace.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mwaaform.plan.durations import duration_text, timeout_seconds
from mwaaform.plan.model import Plan, RecordedResource
from mwaaform.plan.replacing import MISSING, replacing_changes, rules_for

MWAA = "aws:mwaa/environment:Environment"
SECRET = "[secret]"
# What `pulumi up` does to a resource, in the order a review lists the counts.
OPS = ("create", "import", "update", "replace", "delete")
# Logical names at least this similar (difflib ratio) pair a deleted resource with a created one.
RENAME_SIMILARITY = 0.6


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any  # MISSING when the property is added
    new: Any  # MISSING when it is removed
    secret: bool = False
    replaces: bool = False

    def shown(self, limit: int = 100) -> tuple[str, str]:
        """(old, new) as a reviewer may read them: secrets never shown, long values cut."""
        if self.secret:
            return (SECRET if self.old is not MISSING else "(none)", SECRET + f" ({_secret_change(self.old, self.new)})" if self.new is not MISSING else "(none)")
        return _show(self.old, limit), _show(self.new, limit)


@dataclass(frozen=True)
class ResourceChange:
    op: str  # one of OPS: "create", "import" (adopt an existing resource), "update", "replace", "delete"
    type: str
    name: str  # the logical name (the new one for a renamed resource)
    urn: str
    physical: str = ""
    old_name: str = ""  # the logical name it had, for a renamed resource
    old_physical: str = ""
    changes: tuple[PropertyChange, ...] = ()
    forced_by: tuple[str, ...] = ()
    stateful: bool = False
    what: str = ""
    kind: str = ""
    protected: bool = False  # `protect` on the deployed resource: `pulumi up` refuses to replace or delete it
    environments: tuple[str, ...] = ()  # the environments this resource belongs to
    acknowledged: bool = False
    import_id: str = ""  # for an import: the id of the existing resource adopted

    @property
    def destructive(self) -> bool:
        return self.stateful and self.op in ("replace", "delete")

    @property
    def label(self) -> str:
        return self.physical or self.old_physical or self.name

    @property
    def title(self) -> str:
        """Its physical name, as "old → new" when the change renames it."""
        if self.old_physical and self.physical and self.old_physical != self.physical:
            return f"{self.old_physical} → {self.physical}"
        return self.label

    def with_acknowledgement(self, names: set[str]) -> ResourceChange:
        keys = {self.name, self.old_name, self.physical, self.old_physical, *self.environments} - {""}
        return ResourceChange(**{**self.__dict__, "acknowledged": bool(keys & names)})


@dataclass(frozen=True)
class StackDiff:
    stack: str
    base_exists: bool
    head_exists: bool
    changes: tuple[ResourceChange, ...] = field(default_factory=tuple)

    def of(self, op: str) -> list[ResourceChange]:
        return [c for c in self.changes if c.op == op]

    @property
    def destructive(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.destructive]

    def counts(self) -> dict[str, int]:
        return {op: len(self.of(op)) for op in OPS}


def _secret_change(old: Any, new: Any) -> str:
    """What changed in a secret, without its values: for a map, the keys added, removed, changed."""
    old = {} if old is MISSING else old
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return "changed"
    parts = [f"added {', '.join(sorted(new.keys() - old.keys()))}" if new.keys() - old.keys() else ""]
    parts.append(f"removed {', '.join(sorted(old.keys() - new.keys()))}" if old.keys() - new.keys() else "")
    changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    parts.append(f"changed {', '.join(changed)}" if changed else "")
    return "; ".join(p for p in parts if p) or "changed"


def _show(value: Any, limit: int) -> str:
    if value is MISSING:
        return "(none)"
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("$asset", "$archive"):
        # An uploaded file: its path and the start of its content hash.
        fields = next(iter(value.values()))
        where = fields.get("path") or fields.get("uri") or "text"
        value = f"{where} (sha256 {fields['sha256'][:12]})" if "sha256" in fields else where
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def properties(resource: RecordedResource) -> dict[str, Any]:
    """What a diff compares: the inputs, the tags as the provider applies them, the resource
    options that guard against loss (``pulumi:protect``, ``pulumi:retainOnDelete``) and how long
    `pulumi up` waits (``pulumi:customTimeouts``). Options are no inputs: no rule in the replacement
    data names them, so changing one alone is an update of the stack's state, never a replacement.
    The import id is left out: for a resource already deployed `pulumi up` ignores it."""
    props = dict(resource.inputs)
    if "tagsAll" in resource.outputs:
        props["tagsAll"] = resource.outputs["tagsAll"]
    props["pulumi:protect"] = resource.protect
    props["pulumi:retainOnDelete"] = resource.retain_on_delete
    # Compared as the engine stores them, in seconds ("180m" is "3h"; a zero one is none), shown
    # as one duration text each.
    if timeouts := timeout_seconds(resource.custom_timeouts):
        props["pulumi:customTimeouts"] = {op: duration_text(value) for op, value in timeouts.items()}
    return props


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value and not any(k.startswith("$") for k in value):
        found: dict[str, Any] = {}
        for key in sorted(value):
            found.update(_leaves(value[key], f"{prefix}.{key}" if prefix else key))
        return found
    return {prefix: value}


def property_changes(old: RecordedResource, new: RecordedResource) -> list[PropertyChange]:
    before, after = properties(old), properties(new)
    replacing = set(replacing_changes(new.type, before, after))
    secret_keys = set(old.secret_inputs) | set(new.secret_inputs)
    changes = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key, MISSING), after.get(key, MISSING)
        if a == b:
            continue
        if key in secret_keys:
            # A secret is compared, never shown, and never split into its parts.
            changes.append(PropertyChange(key, a, b, secret=True, replaces=key in replacing))
            continue
        left = _leaves(a, key) if a is not MISSING else {}
        right = _leaves(b, key) if b is not MISSING else {}
        for path in sorted(set(left) | set(right)):
            x, y = left.get(path, MISSING), right.get(path, MISSING)
            if x != y:
                changes.append(PropertyChange(path, x, y, replaces=any(path == r or path.startswith(r + ".") or r.startswith(path + ".") for r in replacing)))
    return changes


def physical_name(resource: RecordedResource) -> str:
    for key in ("name", "bucket", "key"):
        for source in (resource.inputs, resource.outputs):
            if isinstance(source.get(key), str):
                return source[key]
    return resource.id or ""


def environment_owners(plan: Plan | None) -> dict[str, set[str]]:
    """URN -> names of the MWAA environments that use it (directly, or through a component)."""
    if plan is None:
        return {}
    by_urn = {r.urn: r for r in plan.resources}
    children: dict[str, list[str]] = {}
    for r in plan.resources:
        if r.parent:
            children.setdefault(r.parent, []).append(r.urn)
    owners: dict[str, set[str]] = {}
    for env in plan.of_type(MWAA):
        name = env.inputs.get("name", env.name)
        pending = [env.urn, *env.dependencies, *(u for deps in env.property_dependencies.values() for u in deps)]
        seen: set[str] = set()
        while pending:
            urn = pending.pop()
            if urn in seen or urn not in by_urn:
                continue
            seen.add(urn)
            owners.setdefault(urn, set()).add(name)
            if not by_urn[urn].custom:
                pending.extend(children.get(urn, []))
    return owners


def _reviewed(plan: Plan | None) -> dict[str, RecordedResource]:
    """The resources a review reports: custom resources, not providers (their settings show on the resources)."""
    if plan is None:
        return {}
    return {r.urn: r for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")}


def _qualified(urn: str) -> str:
    return urn.split("::")[2]


def _pair_renames(deleted: list[RecordedResource], created: list[RecordedResource]) -> list[tuple[RecordedResource, RecordedResource]]:
    """Deleted and created resources of the same kind and similar names: one takes the other's place."""
    scored = []
    for old in deleted:
        for new in created:
            if _qualified(old.urn).rsplit("$", 1)[-1] != _qualified(new.urn).rsplit("$", 1)[-1]:
                continue
            ratio = difflib.SequenceMatcher(None, old.name, new.name).ratio()
            if ratio >= RENAME_SIMILARITY:
                scored.append((-ratio, old.urn, new.urn, old, new))
    pairs, used = [], set()
    for _, old_urn, new_urn, old, new in sorted(scored, key=lambda s: s[:3]):
        if old_urn not in used and new_urn not in used:
            used.update((old_urn, new_urn))
            pairs.append((old, new))
    return pairs


def diff_plans(stack: str, base: Plan | None, head: Plan | None) -> StackDiff:
    before, after = _reviewed(base), _reviewed(head)
    owners_before, owners_after = environment_owners(base), environment_owners(head)

    def change(op: str, old: RecordedResource | None, new: RecordedResource | None, props=(), forced=()) -> ResourceChange:
        if op == "create" and new is not None and new.import_id:
            op = "import"
        current = new or old
        assert current is not None
        rules = rules_for(current.type)
        # The environment names it has now first (what an acknowledgement most likely names).
        now = sorted(owners_after.get(new.urn, set())) if new else []
        then = sorted(owners_before.get(old.urn, set()) - set(now)) if old else []
        return ResourceChange(
            op=op,
            type=current.type,
            name=current.name,
            urn=current.urn,
            physical=physical_name(new) if new else "",
            old_name=old.name if old and new and old.name != new.name else "",
            old_physical=physical_name(old) if old else "",
            changes=tuple(props),
            forced_by=tuple(forced),
            stateful=rules.stateful,
            what=rules.what,
            kind=rules.kind,
            protected=bool(old and old.protect),
            environments=(*now, *then),
            import_id=(new.import_id or "") if op == "import" and new else "",
        )

    changes: list[ResourceChange] = []
    for urn in after.keys() & before.keys():
        old, new = before[urn], after[urn]
        props = property_changes(old, new)
        if not props:
            continue
        forced = [p.path for p in props if p.replaces]
        changes.append(change("replace" if forced else "update", old, new, props, _forcing(new.type, forced)))
    deleted = [before[u] for u in before.keys() - after.keys()]
    created = [after[u] for u in after.keys() - before.keys()]
    # An imported resource takes no deleted one's place: it adopts what is already in the account.
    paired = _pair_renames(deleted, [r for r in created if not r.import_id])
    for old, new in paired:
        props = property_changes(old, new)
        forced = _forcing(new.type, [p.path for p in props if p.replaces]) or ["logical name (URN)"]
        changes.append(change("replace", old, new, props, forced))
    gone = {o.urn for o, _ in paired} | {n.urn for _, n in paired}
    changes += [change("delete", r, None) for r in deleted if r.urn not in gone]
    changes += [change("create", None, r) for r in created if r.urn not in gone]
    # The head plan's order, then the resources only the base plan has (a URN in both keeps its head position).
    order = {urn: i for i, urn in enumerate([*after, *(u for u in before if u not in after)])}
    changes.sort(key=lambda c: order.get(c.urn, len(order)))
    return StackDiff(stack, base is not None, head is not None, tuple(changes))


def _forcing(type_: str, paths: Iterable[str]) -> list[str]:
    """The replacing properties (as named in the data file) behind changed paths."""
    rules = rules_for(type_)
    named = [*rules.force_new, *rules.rules]
    found = []
    for path in paths:
        for rule_path in named:
            if (path == rule_path or path.startswith(rule_path + ".") or rule_path.startswith(path + ".")) and rule_path not in found:
                found.append(rule_path)
    return found
