"""Rate limits: a token bucket per client, with an honest Retry-After."""

from __future__ import annotations

from mv.core.limits import RateLimiter


def test_bucket_allows_the_budget_then_says_how_long_to_wait() -> None:
    now = [0.0]
    limiter = RateLimiter(6, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(6)] == [0.0] * 6
    wait = limiter.take("a")
    assert 9.9 < wait <= 10.0
    assert limiter.take("b") == 0.0
    now[0] += 10.0
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
