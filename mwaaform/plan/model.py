"""What a plan is: the resources one run of a program would register, with their inputs and state.

Plain data, shared by the engine that records it and everything that reads it afterwards (render,
policy review, change review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STACK_TYPE = "pulumi:pulumi:Stack"


class CloudLookupError(RuntimeError):
    """The program looked at the cloud (``aws.get_*``, ``Resource.get``): plans must not."""

    def __init__(self, token: str):
        what = token if token.startswith("read of ") else f"the provider function {token!r}"
        super().__init__(
            f"the program made a cloud look-up ({what}); the offline plan forbids cloud "
            "look-ups: take account, region and availability zones from the spec instead"
        )
        self.token = token


@dataclass(frozen=True)
class RecordedResource:
    """One resource registration as the engine would receive it."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    id: str | None
    parent: str | None
    provider: str | None
    protect: bool = False
    retain_on_delete: bool = False
    # Every resource this one waits for: explicit depends_on and those its inputs come from
    # (what the engine records as "dependencies"); property_dependencies maps each input key
    # to the resources its value came from.
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    # Top-level input keys holding secret values (preview_json masks them as the CLI does).
    secret_inputs: list[str] = field(default_factory=list)
    # The `import_` option: the id of an existing resource `pulumi up` adopts instead of creating.
    import_id: str | None = None
    # The `custom_timeouts` option as the program wrote it: the non-empty durations of "create",
    # "update" and "delete" ("3h", "90m"), how long `pulumi up` waits for each operation.
    custom_timeouts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "info", "warning" or "error"
    message: str




@dataclass(frozen=True)
class Plan:
    """What one run of a program would create."""

    project: str
    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    # Messages the program logged (pulumi.log.*, SDK deprecation warnings), as the CLI would show.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The stack configuration the program ran with (fully qualified keys).
    config: dict[str, str] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> RecordedResource:
        """The single resource of this type (and logical name, if given)."""
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            wanted = type_ if name is None else f"{type_} named {name!r}"
            raise AssertionError(f"expected exactly one {wanted}, found {len(found)}; {type_} names in plan: {names}")
        return found[0]

    def children_of(self, urn: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == urn]

    def by_urn(self, urn: str) -> RecordedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

