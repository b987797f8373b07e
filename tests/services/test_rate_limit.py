"""The login limiter over a fake clock: limits per account and per address, sliding window, reset."""

from __future__ import annotations

import pytest

from albumen.services.errors import TooManyRequestsError
from albumen.services.rate_limit import TOO_MANY_ATTEMPTS, LoginRateLimiter, SlidingWindow


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def fail(limiter: LoginRateLimiter, times: int, *, account: str = "a@x.test", ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        limiter.check(account=account, ip=ip)
        limiter.record_failure(account=account, ip=ip)


def test_an_account_is_blocked_after_its_limit(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(account_limit=3, ip_limit=100, window_seconds=60, clock=clock)
    fail(limiter, 3)
    with pytest.raises(TooManyRequestsError) as blocked:
        limiter.check(account="a@x.test", ip="10.0.0.1")
    assert blocked.value.message == TOO_MANY_ATTEMPTS
    assert blocked.value.retry_after_seconds == 60
    # The same account from elsewhere is blocked too; another account is not.
    with pytest.raises(TooManyRequestsError):
        limiter.check(account="A@X.test", ip="10.0.0.2")
    limiter.check(account="b@x.test", ip="10.0.0.1")


def test_the_window_slides(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(account_limit=3, ip_limit=100, window_seconds=60, clock=clock)
    fail(limiter, 1)
    clock.advance(30)
    fail(limiter, 2)
    with pytest.raises(TooManyRequestsError) as blocked:
        limiter.check(account="a@x.test", ip="10.0.0.1")
    assert blocked.value.retry_after_seconds == 30
    clock.advance(30)
    limiter.check(account="a@x.test", ip="10.0.0.1")  # the first failure has left the window
    limiter.record_failure(account="a@x.test", ip="10.0.0.1")
    with pytest.raises(TooManyRequestsError):
        limiter.check(account="a@x.test", ip="10.0.0.1")


def test_an_address_is_blocked_across_accounts(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(account_limit=100, ip_limit=4, window_seconds=60, clock=clock)
    for index in range(4):
        fail(limiter, 1, account=f"user{index}@x.test")
    with pytest.raises(TooManyRequestsError):
        limiter.check(account="fresh@x.test", ip="10.0.0.1")
    limiter.check(account="fresh@x.test", ip="10.0.0.2")


def test_success_resets_the_account_but_not_the_address(clock: FakeClock) -> None:
    limiter = LoginRateLimiter(account_limit=3, ip_limit=5, window_seconds=60, clock=clock)
    fail(limiter, 2)
    limiter.record_success(account="a@x.test")
    fail(limiter, 2)
    limiter.check(account="a@x.test", ip="10.0.0.1")
    limiter.record_failure(account="a@x.test", ip="10.0.0.1")  # fifth failure from this address
    with pytest.raises(TooManyRequestsError):
        limiter.check(account="other@x.test", ip="10.0.0.1")


def test_a_full_window_forgets_expired_keys_first(clock: FakeClock) -> None:
    window = SlidingWindow(limit=2, window_seconds=10, clock=clock, max_keys=3)
    for key in ("a", "b", "c"):
        window.hit(key)
    clock.advance(11)
    window.hit("d")
    assert window.retry_after("a") is None
    window.hit("d")
    assert window.retry_after("d") == 10


def test_a_window_full_of_live_keys_stays_bounded(clock: FakeClock) -> None:
    window = SlidingWindow(limit=2, window_seconds=10, clock=clock, max_keys=4)
    for index in range(50):
        clock.advance(0.01)
        window.hit(f"key{index}")
    assert len(window) <= 4
