"""Placeholder: the helper writing issue 5 replaces this file."""
from mwaaform.spec.base import SpecModel


class Alarms(SpecModel):
    """Alarms of one environment (placeholder)."""


class FlowLogs(SpecModel):
    """VPC flow logs (placeholder)."""
