"""Failed-login throttling, in memory: per account and per client address, over a sliding window.

Immich itself has no login throttle (it leaves that to a reverse proxy); Albumen is often exposed
directly, so password guessing is slowed here. State lives in one process, which is what a single
``albumen serve`` runs as; a restart forgets it.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from albumen.services.errors import TooManyRequestsError

TOO_MANY_ATTEMPTS = "Too many failed login attempts, try again later"

Clock = Callable[[], float]


class SlidingWindow:
    """At most ``limit`` events per key within ``window_seconds``; old keys are forgotten as they expire."""

    def __init__(self, limit: int, window_seconds: float, clock: Clock, *, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}

    def __len__(self) -> int:
        """How many keys are tracked (bounded by ``max_keys``)."""
        return len(self._events)

    def retry_after(self, key: str) -> float | None:
        """Seconds until ``key`` may try again, or None when it is under its limit."""
        events = self._prune(key)
        if events is None or len(events) < self.limit:
            return None
        return events[-self.limit] + self.window_seconds - self.clock()

    def hit(self, key: str) -> None:
        if key not in self._events and len(self._events) >= self.max_keys:
            self._forget_expired()
        events = self._prune(key)
        if events is None:
            events = self._events[key] = deque()
        events.append(self.clock())
        while len(events) > self.limit:
            events.popleft()

    def reset(self, key: str) -> None:
        self._events.pop(key, None)

    def _prune(self, key: str) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        horizon = self.clock() - self.window_seconds
        while events and events[0] <= horizon:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _forget_expired(self) -> None:
        for key in list(self._events):
            self._prune(key)
        if len(self._events) >= self.max_keys:
            # Still full of live keys (an attack from many addresses): drop the oldest half.
            by_age = sorted(self._events, key=lambda item: self._events[item][-1])
            for key in by_age[: len(by_age) // 2]:
                del self._events[key]


class LoginRateLimiter:
    """Blocks an account after ``account_limit`` failures and an address after ``ip_limit`` failures.

    A blocked attempt is refused before the password is checked, so the right password does not help
    until the window has moved on. A successful login clears the account's failures.
    """

    def __init__(
        self,
        *,
        account_limit: int = 10,
        ip_limit: int = 50,
        window_seconds: float = 15 * 60,
        clock: Clock = time.monotonic,
    ) -> None:
        self._accounts = SlidingWindow(account_limit, window_seconds, clock)
        self._addresses = SlidingWindow(ip_limit, window_seconds, clock)

    def check(self, *, account: str, ip: str) -> None:
        waits = [
            wait
            for wait in (self._accounts.retry_after(account.lower()), self._addresses.retry_after(ip))
            if wait is not None
        ]
        if waits:
            raise TooManyRequestsError(TOO_MANY_ATTEMPTS, retry_after_seconds=max(1, math.ceil(max(waits))))

    def record_failure(self, *, account: str, ip: str) -> None:
        self._accounts.hit(account.lower())
        self._addresses.hit(ip)

    def record_success(self, *, account: str) -> None:
        self._accounts.reset(account.lower())
