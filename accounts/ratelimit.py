"""A per-address request limit over Django's cache (shared by every worker when REDIS_URL is set;
per process otherwise): fixed windows, one counter per scope, address and window."""

import time

from django.core.cache import cache

from audit.log import client_ip

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"60/minute" -> (60, 60). A rate of 0 (e.g. "0/minute") means no limit."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def over_limit(request, scope: str, rate: str) -> bool:
    """Count this request against `rate` for its address; True once the limit is passed."""
    limit, seconds = parse_rate(rate)
    address = client_ip(request)
    if not limit or not address:
        return False
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{address}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    return count > limit
