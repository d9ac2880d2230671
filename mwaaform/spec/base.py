"""The base class of every spec model: strict, documented, immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    """A YAML-shaped spec section.

    Unknown keys are errors (a typo must never be silently ignored), values are not coerced
    between types (strict mode: ``"3"`` is not a worker count and an unquoted account id is
    not a string), and a validated spec is immutable. Strict mode is why closed sets are
    ``Literal`` (not ``Enum``) and sequences are ``list`` (not ``tuple``).
    Every field carries a description: it feeds the JSON Schema and ``docs/spec.md``.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=False,
        validate_default=True,
    )
