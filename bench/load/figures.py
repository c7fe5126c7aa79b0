"""The figures `make load` prints, computed from the raw samples (no locust here, so that the
unit test runs without it): exact percentiles, and the throughput at which a ramp's p95 passes
a threshold."""

import math
from collections import defaultdict


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `fraction` of the values at
    or below it (p95 of 20 values is the 19th), so that a figure is always a measured time."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def per_page(samples: list[tuple[float, str, float, bool]]) -> dict[str, dict]:
    """samples: (time, page, response time in ms, failed). Per page: count, errors, p50/p95/p99."""
    pages = defaultdict(list)
    errors = defaultdict(int)
    for _, page, elapsed, failed in samples:
        pages[page].append(elapsed)
        errors[page] += failed
    return {
        page: {
            "count": len(times),
            "errors": errors[page],
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
        }
        for page, times in sorted(pages.items())
    }


def ramp_windows(samples: list[tuple[float, str, float, bool]], window: float) -> list[dict]:
    """The ramp cut into windows of `window` seconds (from the first sample): each with its
    throughput (requests finished per second) and p95."""
    if not samples:
        return []
    start = min(sample[0] for sample in samples)
    buckets = defaultdict(list)
    for at, _, elapsed, _ in samples:
        buckets[int((at - start) // window)].append(elapsed)
    return [
        {
            "start": index * window,
            "rps": len(buckets[index]) / window,
            "p95": percentile(buckets[index], 0.95),
        }
        for index in range(max(buckets) + 1)
        if buckets[index]
    ]


def crossing(windows: list[dict], threshold_ms: float) -> dict | None:
    """The first window whose p95 passes the threshold, with the throughput reached just before
    (the best window below it); None when the p95 never passes it."""
    best_below = None
    for window in windows:
        if window["p95"] > threshold_ms:
            return {"window": window, "rps_before": best_below}
        best_below = max(best_below or 0.0, window["rps"])
    return None


def shortened(run_times: list[float], available: float, *, overhead: float, minimum: float) -> list[int]:
    """The run times of the phases still to come, cut in the same proportion so that they and
    each phase's fixed `overhead` (locust's start, the journeys finishing) fit in `available`
    seconds; never below `minimum` (a phase too short measures nothing), never lengthened."""
    room = available - overhead * len(run_times)
    factor = min(1.0, max(room, 0.0) / sum(run_times)) if run_times else 1.0
    return [max(int(minimum), int(seconds * factor)) for seconds in run_times]
