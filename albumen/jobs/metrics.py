"""The hook the metrics module plugs into: one call per finished job attempt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from albumen.jobs.names import JobName, QueueName

#: ``completed``: the handler returned; ``retrying``: it raised and another attempt is scheduled;
#: ``failed``: it raised on its last attempt (or its worker died on the last one).
JobOutcomeStatus = Literal["completed", "retrying", "failed"]


@dataclass(frozen=True)
class JobOutcome:
    name: JobName
    queue: QueueName
    status: JobOutcomeStatus
    duration_seconds: float
    attempt: int
    error: str | None = None


class JobMetrics(Protocol):
    """Called on the worker's event loop after each attempt; must be quick and must not raise."""

    def job_finished(self, outcome: JobOutcome) -> None: ...
