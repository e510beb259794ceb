"""The GIL is released while the core works: Python threads run alongside."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import ferroscore as fs


def test_gil_is_released_during_a_call():
    # score_series is sequential, ~2 ns per value: 4e7 values keep the core
    # busy for tens of milliseconds. If the GIL were held, the main thread
    # could not run a single Python bytecode in that time.
    x = np.random.default_rng(1).normal(size=40_000_000)
    span = {}

    def work():
        span["start"] = time.perf_counter()
        fs.score_series(x)
        span["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    ticks = []
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    inside = [s for s in ticks if span["start"] < s < span["end"]]
    assert len(inside) > 1000, f"main thread ran {len(inside)} times during the call"


def test_two_threads_give_the_right_answers():
    rng = np.random.default_rng(2)
    xs = [rng.normal(size=1_000_000) for _ in range(8)]
    expected = [fs.rolling_std(x, 100) for x in xs]
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda x: fs.rolling_std(x, 100), xs))
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)
