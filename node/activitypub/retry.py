"""The delivery retry policy, as one explicit table (tested case by case).

| outcome of one attempt                         | what we do                                   |
|------------------------------------------------|----------------------------------------------|
| 2xx                                            | done                                         |
| 410 Gone                                       | give up; the follower(s) at that inbox go    |
| 429 or 503 with Retry-After (seconds or date)  | retry then (at least 1 s, at most 12 h)      |
| 401                                            | retry with backoff, at most 4 attempts (the  |
|                                                | receiver may not have our new key yet)       |
| 408, 429, 5xx, timeout, connection error       | retry with backoff, at most 12 attempts      |
| other 4xx                                      | give up (permanent)                          |
| refused address, bad URL, TLS/certificate, DNS | give up (permanent)                          |
| "does not exist" (NXDOMAIN)                    |                                              |

Backoff: 30 s x 2^(attempt-1), capped at 12 h, with +-25 % jitter; the
attempts above span about 17 hours. Hosts that fail 5 times in a row
are parked (see :func:`park_for`) so their rows wait without holding workers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

BASE_DELAY = 30.0
MAX_DELAY = 12 * 3600.0
MAX_ATTEMPTS = 12
MAX_ATTEMPTS_401 = 4
PARK_AFTER = 5
PARK_BASE = 600.0
PARK_MAX = 24 * 3600.0


@dataclass(frozen=True)
class Decision:
    action: str  # "done" | "retry" | "fail" | "gone"
    delay: float = 0.0
    reason: str = ""



def backoff(attempts: int, rng: random.Random | None = None) -> float:
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** max(0, attempts - 1))
    jitter = (rng or random).uniform(-0.25, 0.25)
    return max(1.0, delay * (1 + jitter))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(MAX_DELAY, max(1.0, seconds))


def decide(status: int | None, attempts: int, *, error: str | None = None, permanent_error: bool = False,
           retry_after: str | None = None, now: datetime | None = None,
           rng: random.Random | None = None) -> Decision:
    """What to do after attempt number ``attempts`` (1-based) ended with ``status`` or ``error``."""
    now = now or datetime.now(UTC)
    if status is not None and 200 <= status < 300:
        return Decision("done")
    if status == 410:
        return Decision("gone", reason="410 Gone")
    if permanent_error:
        return Decision("fail", reason=error or "permanent error")
    if status is not None and 400 <= status < 500 and status not in (401, 408, 429):
        return Decision("fail", reason=f"HTTP {status}")
    limit = MAX_ATTEMPTS_401 if status == 401 else MAX_ATTEMPTS
    reason = f"HTTP {status}" if status is not None else (error or "network error")
    if attempts >= limit:
        return Decision("fail", reason=f"{reason}; gave up after {attempts} attempts")
    if status in (429, 503):
        delay = parse_retry_after(retry_after, now)
        if delay is not None:
            return Decision("retry", delay=delay, reason=f"{reason}, Retry-After {delay:.0f}s")
    return Decision("retry", delay=backoff(attempts, rng), reason=reason)


def park_for(consecutive_failures: int) -> float | None:
    """How long to park a host after this many failures in a row (None: not parked)."""
    if consecutive_failures < PARK_AFTER:
        return None
    return min(PARK_MAX, PARK_BASE * 2 ** (consecutive_failures - PARK_AFTER))
