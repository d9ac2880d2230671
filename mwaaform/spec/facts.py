"""AWS facts kept as data files (``mwaaform/data/*.yaml``, each with its sources and date).

Read once per process; plain values out, so rules and models never parse YAML themselves.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


# --- Airflow versions -----------------------------------------------------------------------


@dataclass(frozen=True)
class AirflowVersionInfo:
    """One Airflow version as MWAA treats it; ``facts`` holds per-version extras from the data."""

    version: str
    status: Literal["current", "deprecated", "refused"]
    end_of_support: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """CreateEnvironment accepts it."""
        return self.status != "refused"


@cache
def airflow_versions() -> dict[str, AirflowVersionInfo]:
    data = _load("airflow_versions.yaml")["versions"]
    result = {}
    for version, entry in data.items():
        extras = {k: v for k, v in entry.items() if k not in ("status", "end_of_support")}
        result[version] = AirflowVersionInfo(version, entry["status"], entry.get("end_of_support"), extras)
    return result


def accepted_airflow_versions() -> tuple[str, ...]:
    """The versions CreateEnvironment accepts, oldest first (the spec's Literal)."""
    return tuple(v for v, info in airflow_versions().items() if info.accepted)


def version_key(version: str) -> tuple[int, ...]:
    """``"2.10.3"`` -> ``(2, 10, 3)``, for comparisons."""
    return tuple(int(part) for part in version.split("."))


@cache
def minimum_versions() -> dict[str, str]:
    """Feature -> the first Airflow version that has it (``since`` in the data)."""
    return {name: entry["version"] for name, entry in (_load("airflow_versions.yaml").get("since") or {}).items()}


# --- Availability Zones ---------------------------------------------------------------------


@cache
def availability_zones() -> dict[str, tuple[str, ...]]:
    """Region -> its AZ names (``us-east-1`` -> ``("us-east-1a", ...)``)."""
    regions = _load("availability_zones.yaml")["regions"]
    return {region: tuple(f"{region}{letter}" for letter in letters) for region, letters in regions.items()}


# --- VPC CIDR ranges ------------------------------------------------------------------------


@cache
def vpc_cidr_ranges() -> tuple[tuple[ipaddress.IPv4Network, str], ...]:
    """The ranges a managed VPC's block may come from, with their names."""
    return tuple((ipaddress.IPv4Network(entry["cidr"]), entry["name"]) for entry in _load("vpc_cidr_ranges.yaml")["allowed"])
