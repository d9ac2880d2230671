"""The price table (``mwaaform/data/prices.yaml``): list prices per region, each with its source.

A price that is not in the table, or is there as ``price: null`` / ``by_class: {}`` (looked for and
not found for that region), is unknown (``None``): callers report it as such and never fall back to
another region's figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PRICES_FILE = Path(__file__).resolve().parent.parent / "data" / "prices.yaml"


@dataclass(frozen=True)
class Price:
    amount: float
    unit: str  # hour | GB | GB-month | month
    source: str
    checked: str


@dataclass(frozen=True)
class PriceTable:
    hours_per_month: float
    regions: dict[str, dict[str, Any]]
    included: dict[str, dict[str, int]]

    def price(self, region: str, item: str, environment_class: str | None = None) -> Price | None:
        """The price of ``item`` in ``region`` (per class for MWAA items), or None when unknown."""
        entry = self.regions.get(region, {}).get(item)
        if entry is None:
            return None
        if "by_class" in entry:
            amount = (entry["by_class"] or {}).get(environment_class)
        else:
            amount = entry.get("price")
        if amount is None:
            return None
        return Price(float(amount), entry["unit"], entry["source"], str(entry["checked"]))

    def monthly(self, region: str, item: str, environment_class: str | None = None) -> float | None:
        """The monthly figure of one unit: hourly prices times hours a month, others as they are."""
        price = self.price(region, item, environment_class)
        if price is None:
            return None
        return price.amount * self.hours_per_month if price.unit == "hour" else price.amount

    def included_in_environment(self, environment_class: str) -> dict[str, int]:
        """Workers, schedulers and web servers the environment price includes."""
        return self.included.get(environment_class, self.included["default"])


def _figure(value: Any) -> bool:
    """A price: a number of dollars, not negative (``True`` is no price)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _check(data: dict[str, Any]) -> None:
    from mwaaform.cost.estimate import UNITS

    for region, items in data["regions"].items():
        for name, entry in items.items():
            if UNITS.get(name) != entry.get("unit"):
                raise ValueError(f"{PRICES_FILE.name}: {region}.{name} is not a known price item with unit {UNITS.get(name)}")
            missing = {"unit", "source", "checked"} - set(entry)
            if missing or ("price" in entry) == ("by_class" in entry):
                raise ValueError(f"{PRICES_FILE.name}: {region}.{name} needs unit, source, checked and one of price or by_class")
            # An unknown figure is written as such (price: null, by_class: {}), never as 0 or a string.
            by_class = entry.get("by_class", {})
            if not isinstance(by_class, dict) or not all(_figure(v) for v in by_class.values()):
                raise ValueError(f"{PRICES_FILE.name}: {region}.{name}.by_class maps classes to dollar figures")
            if entry.get("price") is not None and not _figure(entry["price"]):
                raise ValueError(f"{PRICES_FILE.name}: {region}.{name}.price is a dollar figure, or null when unknown")


@lru_cache(maxsize=4)
def load_prices(path: Path = PRICES_FILE) -> PriceTable:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _check(data)
    return PriceTable(float(data["hours_per_month"]), data["regions"], data["mwaa_included"])
