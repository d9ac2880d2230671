"""The tag rules: the stack's common tags, and ``Name`` first on each resource."""

from __future__ import annotations

from collections.abc import Mapping

from mwaaform.spec.models import StackSpec


def stack_tags(spec: StackSpec, stack_name: str) -> dict[str, str]:
    """Tags on every resource of the stack (the provider's default_tags)."""
    tags = spec.tags
    return {
        "Owner": tags.Owner,
        "CostCenter": tags.CostCenter,
        "DataClassification": tags.DataClassification,
        **{key: str(value) for key, value in (tags.model_extra or {}).items()},
        "ManagedBy": "mwaaform",
        "Stack": stack_name,
    }


def with_name(name: str, tags: Mapping[str, str]) -> dict[str, str]:
    """Tags of one resource: its ``Name``, then the component's tags.

    The stack's provider adds the common tags (Owner, CostCenter, ...) through ``default_tags``.
    """
    return {"Name": name, **tags}
