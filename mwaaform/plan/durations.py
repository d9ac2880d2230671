"""Durations as the Pulumi engine reads custom timeouts: Go's ``time.ParseDuration``.

The engine turns each ``custom_timeouts`` string into seconds (pulumi/pulumi
pkg/resource/deploy/source_eval.go, ``generateTimeoutInSeconds``) and refuses one it cannot parse;
that number of seconds is what state, ``pulumi preview --json`` and policy packs see.
"""

from __future__ import annotations

import re

# Go's units (time/format.go): ns, us (µs, μs), ms, s, m, h.
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
# ASCII digits only (Python's \d would take "٣h" for 3h, which Go refuses).
_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)")
# Go's Duration is an int64 of nanoseconds: about 2,562,047 hours; a longer one does not parse.
_MAX_SECONDS = (2**63 - 1) / 1e9


def seconds(text: str) -> float:
    """The seconds of a Go duration ("90m" -> 5400.0, "1h30m" -> 5400.0); ValueError if it is none."""
    body = text[1:] if text[:1] in "+-" else text
    sign = -1.0 if text[:1] == "-" else 1.0
    if body == "0":
        return 0.0
    position, total = 0, 0.0
    while position < len(body):
        match = _PART.match(body, position)
        if match is None:
            raise ValueError(f"unable to parse customTimeout Value {text}")
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if not body or total > _MAX_SECONDS:
        raise ValueError(f"unable to parse customTimeout Value {text}")
    return sign * total


def timeout_seconds(timeouts: dict[str, str]) -> dict[str, float]:
    """``{"create": "3h"}`` -> ``{"create": 10800}``: the engine's numbers (Go's float64, written
    as JSON writes them: whole seconds without a fraction), zero ones left out as ``omitempty`` does."""
    result: dict[str, float] = {}
    for op in ("create", "update", "delete"):
        if op in timeouts and (value := seconds(timeouts[op])):
            result[op] = int(value) if value.is_integer() else value
    return result


def duration_text(value: float) -> str:
    """Seconds as one duration text (10800 -> "3h", 9000 -> "2h30m", 0.3 -> "0.3s"): every way of
    writing the same time ("180m", "3h") reads the same, as the engine stores it (in seconds)."""
    sign, rest = ("-", -value) if value < 0 else ("", value)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    parts = [f"{int(hours)}h" if hours else "", f"{int(minutes)}m" if minutes else "", f"{rest:g}s" if rest else ""]
    return sign + ("".join(parts) or "0s")
