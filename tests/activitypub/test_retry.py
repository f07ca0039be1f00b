"""The delivery retry policy, case by case (node/activitypub/retry.py)."""

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from node.activitypub import retry

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def decide(status, attempts=1, **kw):
    return retry.decide(status, attempts, now=NOW, rng=random.Random(1), **kw)


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_2xx_is_done(status):
    assert decide(status).action == "done"


def test_410_marks_the_follower_gone():
    assert decide(410).action == "gone"


@pytest.mark.parametrize("status", [400, 403, 404, 405, 406, 413, 415, 422])
def test_other_4xx_give_up_at_once(status):
    d = decide(status)
    assert d.action == "fail" and str(status) in d.reason


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_back_off(status):
    d = decide(status, attempts=1)
    assert d.action == "retry"
    assert 0.75 * retry.BASE_DELAY <= d.delay <= 1.25 * retry.BASE_DELAY


def test_network_error_backs_off():
    d = decide(None, error="ClientConnectorError: refused")
    assert d.action == "retry" and "refused" in d.reason


def test_backoff_grows_exponentially_and_is_capped():
    delays = [retry.backoff(n, random.Random(0)) for n in range(1, 20)]
    assert delays[1] > delays[0] * 1.2 and delays[4] > delays[3] * 1.2
    assert max(delays) <= retry.MAX_DELAY * 1.25


def test_jitter_spreads_retries():
    rng = random.Random(7)
    assert len({round(retry.backoff(3, rng), 3) for _ in range(20)}) > 10


def test_retry_after_seconds_is_honoured_for_429_and_503():
    assert decide(429, retry_after="120").delay == 120
    assert decide(503, retry_after="7").delay == 7


def test_retry_after_http_date_is_honoured():
    when = format_datetime(NOW + timedelta(minutes=10), usegmt=True)
    assert decide(503, retry_after=when).delay == pytest.approx(600)


def test_retry_after_is_capped_and_floored():
    assert decide(429, retry_after="99999999").delay == retry.MAX_DELAY
    assert decide(429, retry_after="0").delay == 1.0


def test_unparseable_retry_after_falls_back_to_backoff():
    d = decide(429, retry_after="soon")
    assert d.action == "retry" and d.delay <= 1.25 * retry.BASE_DELAY


def test_401_is_retried_a_few_times_only():
    assert decide(401, attempts=retry.MAX_ATTEMPTS_401 - 1).action == "retry"
    assert decide(401, attempts=retry.MAX_ATTEMPTS_401).action == "fail"


def test_gives_up_after_max_attempts():
    assert decide(500, attempts=retry.MAX_ATTEMPTS - 1).action == "retry"
    d = decide(500, attempts=retry.MAX_ATTEMPTS)
    assert d.action == "fail" and "gave up" in d.reason


def test_permanent_errors_give_up():
    d = decide(None, error="refusing private or loopback address 10.0.0.1", permanent_error=True)
    assert d.action == "fail" and "10.0.0.1" in d.reason


def test_host_parking_starts_after_repeated_failures_and_grows():
    assert retry.park_for(retry.PARK_AFTER - 1) is None
    first = retry.park_for(retry.PARK_AFTER)
    assert first == retry.PARK_BASE
    assert retry.park_for(retry.PARK_AFTER + 1) == 2 * first
    assert retry.park_for(100) == retry.PARK_MAX
