"""The figures `make load` prints (bench/load/figures.py): exact percentiles and the ramp's
crossing point, on samples made up here."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "load"))

from figures import crossing, per_page, percentile, ramp_windows, shortened  # noqa: E402


def test_percentiles_are_measured_times_by_nearest_rank():
    times = [float(n) for n in range(1, 21)]  # 1 … 20 ms
    assert percentile(times, 0.50) == 10
    assert percentile(times, 0.95) == 19
    assert percentile(times, 0.99) == 20
    assert percentile([], 0.95) is None


def test_per_page_counts_requests_and_errors():
    samples = [(0.0, "page école", 40.0, False), (1.0, "page école", 60.0, True), (2.0, "PDF", 900.0, False)]
    pages = per_page(samples)
    assert pages["page école"] == {"count": 2, "errors": 1, "p50": 40.0, "p95": 60.0, "p99": 60.0}
    assert pages["PDF"]["count"] == 1


def test_the_ramp_reports_the_throughput_where_p95_passes_one_second():
    samples = [(0.0 + n / 10, "a", 200.0, False) for n in range(50)]  # 10 req/s, fast
    samples += [(5.0 + n / 20, "a", 300.0, False) for n in range(100)]  # 20 req/s, fast
    samples += [(10.0 + n / 22, "a", 1500.0, False) for n in range(110)]  # 22 req/s, slow
    windows = ramp_windows(samples, 5.0)
    assert [round(w["rps"]) for w in windows] == [10, 20, 22]
    crossed = crossing(windows, 1000.0)
    assert crossed["window"]["start"] == 10.0
    assert crossed["rps_before"] == 20.0


def test_a_ramp_that_stays_fast_never_crosses():
    windows = ramp_windows([(n / 10, "a", 100.0, False) for n in range(100)], 5.0)
    assert crossing(windows, 1000.0) is None


def test_phases_keep_their_length_when_there_is_time():
    assert shortened([25, 10, 60, 36], 300, overhead=10, minimum=5) == [25, 10, 60, 36]


def test_phases_shrink_in_proportion_when_time_is_short():
    # 132 s of phases and 4 × 10 s of overhead in 106 s: 66 s of room, half of each phase.
    assert shortened([26, 10, 60, 36], 106, overhead=10, minimum=5) == [13, 5, 30, 18]


def test_phases_never_go_below_the_minimum_nor_past_the_budget_when_it_is_spent():
    assert shortened([25, 60], 0, overhead=10, minimum=5) == [5, 5]
    assert shortened([], 50, overhead=10, minimum=5) == []
