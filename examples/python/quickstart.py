"""The seed workload: score_series and power_sum on 10 million values, as a
pure-Python loop, as NumPy where NumPy can, and with ferroscore.

    make demo            # sets up .venv, builds ferroscore, runs this
    python examples/python/quickstart.py [n]
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

import ferroscore as fs


def best_of(f, repeat):
    best, out = math.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def score_loop(xs, up=0.9, down=0.5, init=0.0):
    s, out = init, [0.0] * len(xs)
    for i, v in enumerate(xs):
        if v == v:  # not NaN
            s = s * up + v if v > s else s * down
        out[i] = s
    return out


def power_sum_loop(xs, p=1.5):
    return math.fsum(v**p for v in xs if v > 0)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rng = np.random.default_rng(42)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.01] = np.nan
    xs = x.tolist()

    rows = []
    t_loop, s_loop = best_of(lambda: score_loop(xs), 1)
    t_fs, s_fs = best_of(lambda: fs.score_series(x), 5)
    np.testing.assert_allclose(s_fs, s_loop, rtol=1e-12, atol=1e-12)
    buf = np.empty_like(x)
    t_out, _ = best_of(lambda: fs.score_series(x, out=buf), 5)
    np.testing.assert_array_equal(buf, s_fs)
    # The same rule written in the scan language, compiled once by the core.
    t_compile, prog = best_of(lambda: fs.ScanProgram("if x > s then s * up + x else s * down", [("up", 0.9), ("down", 0.5)]), 20)
    t_scan, s_scan = best_of(lambda: fs.scan(prog, x), 5)
    np.testing.assert_allclose(s_scan, s_loop, rtol=1e-12, atol=1e-12)
    rows += [
        ("score_series", "pure Python loop", t_loop, t_loop),
        ("score_series", "NumPy", None, t_loop),
        ("score_series", "ferroscore", t_fs, t_loop),
        ("score_series", "ferroscore, out=", t_out, t_loop),
        ("score_series", "fs.scan(rule)", t_scan, t_loop),
    ]

    t_ploop, p_loop = best_of(lambda: power_sum_loop(xs), 1)
    t_np, p_np = best_of(lambda: float(np.sum(x[x > 0] ** 1.5)), 5)
    t_pfs, p_fs = best_of(lambda: fs.power_sum(x, 1.5), 5)
    assert abs(p_fs - p_loop) <= 1e-12 * abs(p_loop) and abs(p_np - p_loop) <= 1e-9 * abs(p_loop)
    rows += [("power_sum", "pure Python loop", t_ploop, t_ploop), ("power_sum", "NumPy x[x>0]**1.5", t_np, t_ploop), ("power_sum", "ferroscore", t_pfs, t_ploop)]

    print(f"ferroscore {fs.__version__}: seed workload on {n:,} float64 values (1% NaN)\n")
    print(f"{'kernel':<14}{'implementation':<22}{'time':>12}{'ns/value':>10}{'speed-up':>11}")
    for kernel, impl, t, base in rows:
        if t is None:
            print(f"{kernel:<14}{impl:<22}{'(no vectorized form: recursive)':>33}")
            continue
        print(f"{kernel:<14}{impl:<22}{t * 1e3:>9.1f} ms{t / n * 1e9:>10.2f}{base / t:>10.0f}x")
    print(f"\nfs.scan compiles the rule in {t_compile * 1e6:.1f} us (no JIT, no cache); backend: {prog.backend}")
    print("(a new 80 MB result costs the OS ~0.7 ns/value to zero its pages; out= reuses a buffer)")
    print("results agree: score_series to 1e-12, power_sum to 1e-12 (ferroscore) / 1e-9 (NumPy)")


if __name__ == "__main__":
    main()
