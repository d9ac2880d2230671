"""The one tag rule: ``Name`` first, then the tags the caller passes (already merged)."""

from __future__ import annotations

from collections.abc import Mapping


def with_name(name: str, tags: Mapping[str, str]) -> dict[str, str]:
    """Tags of one resource: its ``Name``, then the component's tags.

    The stack's provider adds the common tags (Owner, CostCenter, ...) through ``default_tags``.
    """
    return {"Name": name, **tags}
