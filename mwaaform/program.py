"""The Pulumi program: pick this stack's spec, validate it, declare the stack.

``pulumi up`` runs it through the root ``__main__.py``; ``mwaaform plan`` calls :func:`build_stack`
under the mock runtime. No cloud look-ups: everything comes from the spec.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from mwaaform.spec.loader import LoadedStack, load_file, spec_files
from mwaaform.stack import build

SPEC_DIR = Path("environments")


def spec_path(stack: str, configured: str | None, spec_dir: Path = SPEC_DIR) -> Path:
    """Stack config ``mwaaform:spec`` if set, else ``environments/<stack>.yaml``; a clear error otherwise."""
    path = Path(configured) if configured else spec_dir / f"{stack}.yaml"
    if path.is_file():
        return path
    try:
        available = ", ".join(p.stem for p in spec_files([spec_dir]))
    except Exception:  # noqa: BLE001 - only used to word the error
        available = "none"
    hint = "set it with `pulumi config set mwaaform:spec PATH`" if configured is None else "check `mwaaform:spec`"
    raise pulumi.RunError(f"no spec for stack {stack!r}: {path} does not exist ({hint}). Specs in {spec_dir}/: {available}")


def load_stack(path: Path) -> LoadedStack:
    """Load one spec; invalid specs stop the program with every diagnostic, never a traceback."""
    stack, diagnostics = load_file(path)
    for diagnostic in diagnostics:
        if diagnostic.severity == "warning":
            pulumi.log.warn(str(diagnostic))
    if stack is None:
        raise pulumi.RunError("invalid spec:\n" + "\n".join(str(d) for d in diagnostics if d.severity == "error"))
    return stack


def build_stack(stack: LoadedStack, stack_name: str | None = None) -> None:
    """Declare ``stack``; names and tags use ``stack_name`` (the Pulumi stack's), else the spec's."""
    build(stack.spec, stack_name or stack.name, base_dir=str(stack.path.parent))


def main() -> None:
    stack_name = pulumi.get_stack()
    path = spec_path(stack_name, pulumi.Config("mwaaform").get("spec"))
    # The Pulumi stack names what is per stack (Stack tag, flow-log group, key alias), so two
    # stacks deploying one spec (`mwaaform:spec`) never collide.
    build_stack(load_stack(path), stack_name)
