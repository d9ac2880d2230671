"""Placeholder: the helper writing issue 4 replaces this file."""
from mwaaform.spec.base import SpecModel


class Access(SpecModel):
    """What the environment's DAGs may do (placeholder)."""
