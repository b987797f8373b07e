"""Which function runs a job, where it runs (event loop, thread or process), and how it is retried."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from albumen.jobs.names import JOB_QUEUE, JobName, QueueName

if TYPE_CHECKING:
    from albumen.jobs.worker import JobContext

#: ``io``: a coroutine function ``async def handler(ctx: JobContext)`` awaited on the worker's event loop
#: (it must not block; blocking calls go through ``ctx.run_in_thread``, CPU work through ``ctx.run_cpu``),
#: or a plain function ``def handler(data: dict)`` run in a thread.
#: ``cpu``: a plain, picklable module-level function ``def handler(data: dict)`` run in the worker's
#: process pool, so decoding or hashing never holds the event loop or the GIL of the API process.
HandlerKind = Literal["io", "cpu"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``max_attempts`` runs; before run ``n + 1`` wait ``backoff_seconds * 2 ** (n - 1)`` (capped)."""

    max_attempts: int = 3
    backoff_seconds: float = 10.0
    max_backoff_seconds: float = 3600.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.backoff_seconds * 2 ** max(attempt - 1, 0), self.max_backoff_seconds))


DEFAULT_RETRY = RetryPolicy()


class RetryLater(Exception):
    """Raised by a handler whose work cannot run yet (a service it needs is down): the job waits
    ``delay_seconds`` and runs again, and the attempt is not counted, so waiting never fails it."""

    def __init__(self, reason: str, delay_seconds: float = 60.0) -> None:
        super().__init__(reason)
        self.delay_seconds = delay_seconds


class SkipJob(Exception):
    """Raised by a handler whose work cannot be done and would not succeed on a retry until an
    administrator acts (a model no ML service has): the job ends as completed, not failed, and is
    not retried; a later "missing" run of its queue picks the work up again."""


@dataclass(frozen=True)
class Handler:
    name: JobName
    queue: QueueName
    function: Callable[..., Any]
    kind: HandlerKind
    retry: RetryPolicy

    @property
    def is_coroutine(self) -> bool:
        return inspect.iscoroutinefunction(self.function)


AsyncHandler = Callable[["JobContext"], Awaitable[None]]


@dataclass
class JobRegistry:
    """Job name → handler. A worker claims only jobs whose names it has a handler for, so a host can run a
    subset (for example only the machine-learning queues)."""

    handlers: dict[JobName, Handler] = field(default_factory=dict)

    def register(
        self,
        name: JobName,
        function: Callable[..., Any],
        *,
        kind: HandlerKind = "io",
        retry: RetryPolicy | None = None,
    ) -> Handler:
        if name in self.handlers:
            raise ValueError(f"a handler for {name} is already registered")
        if kind == "cpu" and inspect.iscoroutinefunction(function):
            raise ValueError(f"{name}: a cpu handler must be a plain function, it runs in another process")
        handler = Handler(name, JOB_QUEUE[name], function, kind, retry or DEFAULT_RETRY)
        self.handlers[name] = handler
        return handler

    def handler(
        self, name: JobName, *, kind: HandlerKind = "io", retry: RetryPolicy | None = None
    ) -> Callable[[F], F]:
        """Decorator form of :meth:`register`."""

        def decorate(function: F) -> F:
            self.register(name, function, kind=kind, retry=retry)
            return function

        return decorate

    def get(self, name: str) -> Handler | None:
        try:
            return self.handlers.get(JobName(name))
        except ValueError:
            return None

    def queues(self) -> list[QueueName]:
        """Queues with at least one handler, in Immich's queue order."""
        used = {handler.queue for handler in self.handlers.values()}
        return [queue for queue in QueueName if queue in used]

    def names_for(self, queue: QueueName) -> list[JobName]:
        return [name for name, handler in self.handlers.items() if handler.queue == queue]

    def merge(self, others: Iterable[JobRegistry]) -> JobRegistry:
        """A registry holding this one's handlers and those of ``others`` (one registry per feature)."""
        merged = JobRegistry(dict(self.handlers))
        for other in others:
            for handler in other.handlers.values():
                merged.register(handler.name, handler.function, kind=handler.kind, retry=handler.retry)
        return merged
