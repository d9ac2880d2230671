"""Custom timeouts of the MWAA environment: defaults longer than the provider's, validated."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mwaaform.spec.models import Timeouts

# terraform-provider-aws aws_mwaa_environment (inherited by pulumi-aws): create 120m, update 120m, delete 90m.
PROVIDER_MINUTES = {"create": 120, "update": 120, "delete": 90}


def minutes(duration: str) -> int:
    return int(duration[:-1]) * (60 if duration.endswith("h") else 1)


def test_defaults_outlast_the_provider():
    defaults = Timeouts()
    for operation, provider in PROVIDER_MINUTES.items():
        assert minutes(getattr(defaults, operation)) > provider


@pytest.mark.parametrize("bad", ["0h", "3 hours", "90", "1d", "-5m"])
def test_a_timeout_is_a_number_and_m_or_h(bad):
    with pytest.raises(ValidationError):
        Timeouts(create=bad)
