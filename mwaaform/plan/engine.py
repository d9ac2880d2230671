"""Offline plan engine: run the real Pulumi program in-process under Pulumi's mock runtime.

Every registration is recorded with its options and its inputs (engine camelCase, plain JSON
values); the mocks answer with deterministic, realistic ids and state derived from the account,
the region and a hash of the URN, so the same program always gives the same plan.

Mock runtime API: https://www.pulumi.com/docs/iac/guides/testing/unit/
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.runtime import resource as pulumi_resource
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import massage, run_pulumi_func

from mwaaform.plan.mock_state import StateFactory
from mwaaform.plan.model import STACK_TYPE, CloudLookupError, Diagnostic, Plan, RecordedResource
from mwaaform.plan.monitor import Mocks, RecordingMonitor
from mwaaform.plan.wire import UNKNOWN

__all__ = ["STACK_TYPE", "UNKNOWN", "CloudLookupError", "Diagnostic", "Plan", "RecordedResource", "run_program"]

_log = logging.getLogger(__name__)


class _DiagnosticsHandler(logging.Handler):
    def __init__(self) -> None:
        # Debug messages are the SDK's own tracing; the CLI leaves them out of previews too.
        super().__init__(logging.INFO)
        self.records: list[Diagnostic] = []

    def emit(self, record: logging.LogRecord) -> None:
        severity = {"WARNING": "warning", "ERROR": "error", "CRITICAL": "error"}.get(record.levelname, "info")
        self.records.append(Diagnostic(severity, record.getMessage()))



def run_program(
    program: Callable[[], Any],
    *,
    project: str = "mwaaform",
    stack: str = "test",
    account_id: str = "111122223333",
    region: str = "us-east-1",
    config: Mapping[str, Any] | None = None,
    preview: bool = False,
) -> Plan:
    """Run ``program`` under Pulumi's mocks and return what it would create.

    ``config`` keys may be bare (``key``, qualified with the project) or fully qualified
    (``aws:region``). Raises ``CloudLookupError`` if the program invoked a provider function, and
    re-raises whatever the program (or one of its ``apply`` callbacks) raised.

    ``preview=True`` runs it as the first ``pulumi preview`` of a new stack: outputs that only
    exist once a resource is created (ids, ARNs, computed attributes) are unknown, recorded as
    ``UNKNOWN`` in the inputs that use them (see :func:`mwaaform.plan.mock_state.first_preview_state`).
    """
    lookups: list[str] = []
    mocks = Mocks(StateFactory(account_id, region, project, stack), lookups, preview)
    monitor = RecordingMonitor(mocks, project, stack)
    full_config = {(k if ":" in k else f"{project}:{k}"): _config_value(v) for k, v in (config or {}).items()}

    # The engine's log messages go to the plan, not to the root logger (whose last-resort
    # handler would print them on stderr).
    handler = _DiagnosticsHandler()
    logger = logging.Logger(f"mwaaform.plan.{stack}", logging.INFO)
    logger.addHandler(handler)
    # A fresh context isolates the runtime's context variables (settings, root stack, config)
    # from the caller and from the previous run; a fresh event loop, closed afterwards, keeps
    # its self-pipe from leaking into the next run or into interpreter exit.
    context = contextvars.Context()
    loop = _InlineLoop()
    loop.set_exception_handler(_quiet_unretrieved)
    try:
        with _no_stack_capture():
            context.run(_run, program, project, stack, full_config, mocks, monitor, logger, loop, preview)
    except Exception as exc:
        # An error after a look-up the program swallowed: the look-up is the cause. An interrupt
        # (Ctrl-C, SystemExit) stays what it is.
        if lookups and not isinstance(exc, CloudLookupError):
            raise CloudLookupError(lookups[0]) from exc
        raise
    finally:
        _close(loop)
    if lookups:
        raise CloudLookupError(lookups[0])
    return Plan(
        project=project,
        stack=stack,
        resources=monitor.recorded(),
        outputs=monitor.stack_outputs or {},
        diagnostics=handler.records,
        config=dict(sorted(full_config.items())),
    )


class _InlineLoop(asyncio.SelectorEventLoop):
    """An event loop that runs "blocking" calls on the spot instead of on an executor thread.

    The SDK sends each call to the monitor (register a resource, its outputs, a feature query)
    through ``run_in_executor`` because the real monitor is a gRPC service in another process.
    The recording monitor answers in microseconds from Python, so the hop to a worker thread and
    back (a thread switch, a lock and a wake-up of the loop per call) is most of what such a call
    costs; run here, the answer is ready when the SDK awaits it, and registrations reach the
    monitor in the program's order.
    """

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        future = self.create_future()
        try:
            future.set_result(func(*args))
        except Exception as exc:  # noqa: BLE001 - handed to whoever awaits the call, as an executor would
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def _no_stack_capture():
    """Skip the SDK's capture of the Python stack at each registration while the program runs.

    The SDK walks the whole stack (and reads its source lines) twice per resource to send the
    engine a source position and a stack trace; the mock monitor drops both and the plan records
    neither, so offline that walk is pure cost (7 to 14 % of a plan). Outside ``run_program``,
    as under ``pulumi up``, the SDK is left as it is.
    """
    original = getattr(pulumi_resource, "_get_stack_trace", None)
    if original is None:  # a future SDK without it: nothing to skip
        yield
        return
    pulumi_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        pulumi_resource._get_stack_trace = original


def _quiet_unretrieved(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # When a program fails, the SDK fails every output future of the resources it was building;
    # nobody awaits them, and asyncio would print each one to stderr when it is collected. The
    # run already raised the first error, so these echoes are only logged at debug level.
    if "never retrieved" in context.get("message", ""):
        _log.debug("%s: %r", context["message"], context.get("exception"))
        return
    loop.default_exception_handler(context)


def _config_value(value: Any) -> str:
    # The engine passes configuration as strings; structured values as JSON.
    return value if isinstance(value, str) else json.dumps(value)


def _run(
    program: Callable[[], Any],
    project: str,
    stack: str,
    config: dict[str, str],
    mocks: Mocks,
    monitor: RecordingMonitor,
    logger: logging.Logger,
    loop: asyncio.AbstractEventLoop,
    preview: bool = False,
) -> None:
    asyncio.set_event_loop(loop)
    # Fresh settings (own RPC manager, pending-outputs set, lock, package refs) and no root
    # stack yet; set_mocks then installs the mock monitor and registers a new root stack.
    pulumi_settings.reset_options(project=project, stack=stack, preview=preview)
    pulumi.runtime.set_all_config(config, [])
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, logger=logger, monitor=monitor)
    root = pulumi_settings.get_root_resource()

    def declare(args: pulumi.ResourceTransformationArgs) -> None:
        monitor.declare(args)
        return None

    pulumi.runtime.register_stack_transformation(declare)

    def main() -> None:
        program()
        # set_mocks registered the root stack's (empty) outputs before the program ran; register
        # the exports now, as the CLI's entry point does once the program returns.
        root.register_outputs(massage(root.outputs, []))

    loop.run_until_complete(run_pulumi_func(main))


def _close(loop: asyncio.AbstractEventLoop) -> None:
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
        asyncio.set_event_loop(None)

