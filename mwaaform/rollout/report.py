"""Progress while a rollout runs, and the summary table at its end."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mwaaform.rollout.engine import Event, Outcome

# Pulumi's change-summary operations with the symbol `pulumi up` marks each with, in the order of
# the change review (mwaaform.review): an import (adopt_retained adopts an existing resource) is
# "=", as the review and the plan's tree mark it; an import that replaces is Pulumi's "=>".
_OPERATIONS = (("create", "+"), ("import", "="), ("update", "~"), ("replace", "+-"), ("import-replacement", "=>"), ("delete", "-"))


def changes_text(changes: Mapping[str, int]) -> str:
    """``{"create": 3, "import": 6, "same": 20}`` -> ``+3 =6``; nothing to change -> ``no changes``."""
    parts = [f"{sign}{changes[op]}" for op, sign in _OPERATIONS if changes.get(op)]
    other = sorted(op for op, count in changes.items() if count and op not in dict(_OPERATIONS) and op != "same")
    parts += [f"{op} {changes[op]}" for op in other]
    return " ".join(parts) if parts else "no changes"


def summary_table(outcomes: Sequence[Outcome]) -> str:
    """One row per stack: stack, wave, account, region, result, changes, duration, log."""
    header = ("stack", "wave", "account", "region", "result", "changes", "duration", "log")
    rows = [header]
    for o in outcomes:
        ran = o.result in ("updated", "previewed") or (o.result == "failed" and o.seconds)
        rows.append((
            o.target.name,
            o.wave,
            o.target.account,
            o.target.region,
            o.result,
            changes_text(o.changes) if o.result in ("updated", "previewed") else "-",
            _duration(o.seconds) if ran else "-",
            o.log or "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failures = [o for o in outcomes if o.result == "failed"]
    lines += [f"{o.target.name}: {o.message}" for o in failures]
    counts = {r: sum(1 for o in outcomes if o.result == r) for r in ("updated", "previewed", "failed", "skipped")}
    lines.append(", ".join(f"{n} {r}" for r, n in counts.items() if n) or "no stacks")
    return "\n".join(lines) + "\n"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class Progress:
    """Prints stack events: a timestamped line per event, or, on a terminal, one live status line per stack."""

    def __init__(self, stream: TextIO, stacks: Sequence[str], *, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.status = {name: "waiting" for name in stacks}
        self.width = max((len(n) for n in stacks), default=0)
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, event: Event) -> None:
        with self._lock:
            text = event.status + (f": {event.detail}" if event.detail else "")
            if not self.live:
                self.stream.write(f"{time.strftime('%H:%M:%S')} {event.stack.ljust(self.width)}  {text}\n")
            else:
                self.status[event.stack] = text
                if self._drawn:
                    self.stream.write(f"\x1b[{len(self.status)}F")  # back to the first status line
                for name, status in self.status.items():
                    self.stream.write(f"\x1b[2K{name.ljust(self.width)}  {status}\n")
                self._drawn = True
            self.stream.flush()
