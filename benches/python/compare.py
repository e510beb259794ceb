"""ferroscore against the peers a user would pick instead, side by side.

    python benches/python/compare.py [--sizes 1e6,1e7] [--dtypes f64,f32]
                                     [--repeat 5] [--out benches/results/python.json]

Every (tool, kernel family) runs in its own fresh interpreter (a thread pool
left spinning by one library would steal the second core from the next),
on the same seeded data: normal values, 1% NaN, window 100, 1000 groups.
Each kernel is called once to warm up (that first call is recorded: for
numba it is the JIT compile), then timed `repeat` times; the median is
reported. With `--rounds R` every family runs R times, each round through
all tools in a rotated order, and each row keeps the fastest of its R
medians: a neighbour on a shared host only ever slows a run down (most of
all the 2-thread runs, which need both cores), and the rounds give every
tool the same chances at a quiet spell. Peers that fail to import are skipped and reported
as such.
ferroscore runs single-threaded (RAYON_NUM_THREADS=1) unless the tool name
says `-2t`; its scans write into a preallocated `out=` buffer, and the
`ferroscore-alloc` rows show the cost of a fresh result array instead.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

VARIANTS = {
    # name: (tool in peers.TOOLS, extra environment, allocate outputs)
    "ferroscore": ("ferroscore", {"RAYON_NUM_THREADS": "1"}, False),
    "ferroscore-alloc": ("ferroscore", {"RAYON_NUM_THREADS": "1"}, True),
    "ferroscore-2t": ("ferroscore", {"RAYON_NUM_THREADS": "2"}, False),
    "python": ("python", {}, True),
    "numpy": ("numpy", {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}, True),
    "bottleneck": ("bottleneck", {}, True),
    "numbagg": ("numbagg", {"NUMBA_NUM_THREADS": "1"}, True),
    "pandas": ("pandas", {}, True),
    "polars": ("polars", {"POLARS_MAX_THREADS": "1"}, True),
    "numba": ("numba", {"NUMBA_NUM_THREADS": "1"}, False),
    "pyarrow": ("pyarrow", {"OMP_NUM_THREADS": "1"}, True),
    "pandera": ("pandera", {}, True),
}


def make_data(n: int, dtype: str, python_lists: bool) -> Dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(12345)
    x = rng.normal(size=n)
    x[rng.random(n) < 0.01] = np.nan
    y = rng.normal(size=n)
    dt = np.float32 if dtype == "f32" else np.float64
    d: Dict[str, Any] = {
        "x": x.astype(dt),
        "y": y.astype(dt),
        "g": rng.integers(0, 1000, n).astype(np.int64),
        "id": np.arange(n, dtype=np.int64),
        "out": np.zeros(n, dt),
    }
    if python_lists:
        d["xs"] = x.tolist()
        d["xs_out"] = [0.0] * n
    return d


def worker(variant: str, family: str, sizes: List[int], dtypes: List[str], repeat: int) -> None:
    import peers

    tool, _, alloc = VARIANTS[variant]
    try:
        impl = peers.TOOLS[tool](family)
    except ImportError as e:
        print(json.dumps({"variant": variant, "family": family, "skipped": f"import failed: {e}"}))
        return
    if not impl:
        return
    for n in sizes:
        for dtype in dtypes:
            if tool == "python" and dtype != "f64":
                continue
            d = make_data(n, dtype, tool == "python")
            if alloc:
                d["out"] = None
            for kernel, f in impl.items():
                t0 = time.perf_counter()
                try:
                    f(d)
                except Exception as e:  # a peer without this dtype, say
                    print(json.dumps({"variant": variant, "family": family, "kernel": kernel, "n": n, "dtype": dtype, "skipped": f"{type(e).__name__}: {e}"[:200]}))
                    continue
                first = time.perf_counter() - t0
                runs = []
                reps = repeat if not (tool == "python" and n > 1_000_000) else max(3, repeat // 2)
                for _ in range(reps):
                    t0 = time.perf_counter()
                    f(d)
                    runs.append(time.perf_counter() - t0)
                row = {
                    "variant": variant, "family": family, "kernel": kernel, "n": n, "dtype": dtype,
                    "median_s": statistics.median(runs), "min_s": min(runs), "first_s": first, "runs": len(runs),
                }
                if hasattr(f, "expr"):
                    row["expr"] = f.expr(d)
                print(json.dumps(row), flush=True)


OVERHEAD = {
    # variant: (setup code, statement) timed on a 1-element float64 array
    "ferroscore": ("import ferroscore as fs", "fs.score_series(x)"),
    "ferroscore rolling_mean": ("import ferroscore as fs", "fs.rolling_mean(x, 3)"),
    "ferroscore sum": ("import ferroscore as fs", "fs.sum(x)"),
    "numpy cumsum": ("import numpy as np", "np.cumsum(x)"),
    "numpy sum": ("", "x.sum()"),
    "bottleneck move_mean": ("import bottleneck as bn", "bn.move_mean(x, 1)"),
    "numbagg move_mean": ("import numbagg as nb; nb.move_mean(x, 1)", "nb.move_mean(x, 1)"),
    "pandas rolling mean": ("import pandas as pd; s = pd.Series(x)", "s.rolling(3).mean()"),
    "polars rolling_mean": ("import polars as pl; s = pl.Series(x)", "s.rolling_mean(3)"),
}


def overhead() -> Dict[str, float]:
    """Per-call cost in microseconds on a 1-element array, each in a fresh
    interpreter (best of 5 batches of 20000 calls)."""
    res = {}
    for name, (setup, stmt) in OVERHEAD.items():
        code = (
            "import timeit, numpy as np\nx = np.ones(1)\n" + setup + "\n"
            f"print(min(timeit.repeat({stmt!r}, globals=globals(), number=20000, repeat=5)) / 20000 * 1e6)"
        )
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if r.returncode == 0:
            res[name] = float(r.stdout.strip().splitlines()[-1])
    return res


def versions() -> Dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for mod in ["ferroscore", "numpy", "pandas", "polars", "bottleneck", "numbagg", "numba", "pyarrow", "pandera"]:
        try:
            m = __import__(mod)
            out[mod] = getattr(m, "__version__", "?")
        except Exception as e:  # noqa: BLE001
            out[mod] = f"not available ({type(e).__name__})"
    return out


def numba_first_call() -> Dict[str, float]:
    """numba's first call (JIT) and ferroscore's first call, each in a fresh
    interpreter, on 1e6 values: import excluded, compile included."""
    code = """
import time, numpy as np
x = np.random.default_rng(1).normal(size=1_000_000); out = np.zeros_like(x)
{setup}
t = time.perf_counter(); f(x, out); print(time.perf_counter() - t)
"""
    numba_setup = """
import numba
@numba.njit
def f(x, out):
    s = 0.0
    for i in range(x.shape[0]):
        v = x[i]
        if v == v:
            s = s * 0.9 + v if v > s else s * 0.5
        out[i] = s
    return out
"""
    fs_setup = "import ferroscore as fs\nf = lambda x, out: fs.score_series(x, out=out)"
    res = {}
    for name, setup in [("numba", numba_setup), ("ferroscore", fs_setup)]:
        r = subprocess.run([sys.executable, "-c", code.format(setup=setup)], capture_output=True, text=True)
        if r.returncode == 0:
            res[name] = float(r.stdout.strip().splitlines()[-1])
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=2, metavar=("VARIANT", "FAMILY"))
    ap.add_argument("--sizes", default="1e6,1e7")
    ap.add_argument("--dtypes", default="f64,f32")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3,
                    help="runs of every (tool, family) process, interleaved; rows keep the fastest median")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--families", default="seed,reduce,rolling,ewm,group,validate")
    ap.add_argument("--out", default=str(HERE.parent / "results" / "python.json"))
    ap.add_argument("--merge", action="store_true",
                    help="re-run only --families/--variants and replace their rows in --out")
    a = ap.parse_args()
    sizes = [int(float(s)) for s in a.sizes.split(",")]
    dtypes = a.dtypes.split(",")
    if a.worker:
        worker(a.worker[0], a.worker[1], sizes, dtypes, a.repeat)
        return
    rows: List[Dict[str, Any]] = []
    variants = a.variants.split(",")
    for family in a.families.split(","):
        timed: Dict[tuple, List[Dict[str, Any]]] = {}
        skipped: Dict[str, Dict[str, Any]] = {}
        for rnd in range(a.rounds):
            # Rotate the order so that no tool always runs right after the
            # same neighbour.
            k = rnd % len(variants)
            for variant in variants[k:] + variants[:k]:
                if variant in skipped:  # failed to import or to run
                    continue
                env = dict(os.environ, **VARIANTS[variant][1])
                cmd = [sys.executable, __file__, "--worker", variant, family, "--sizes", a.sizes,
                       "--dtypes", a.dtypes, "--repeat", str(a.repeat)]
                r = subprocess.run(cmd, env=env, capture_output=True, text=True)
                if r.returncode != 0:
                    skipped[variant] = {"variant": variant, "family": family,
                                        "skipped": f"worker failed: {r.stderr.strip()[-300:]}"}
                for line in r.stdout.splitlines():
                    if not line.startswith("{"):
                        continue
                    row = json.loads(line)
                    if "median_s" not in row:
                        # A tool that failed to import skips all rounds; a
                        # kernel it lacks is reported once.
                        whole = "kernel" not in row
                        skipped[variant if whole else f"{variant} {row['kernel']} {row['n']} {row['dtype']}"] = row
                        continue
                    key = (variant, row["kernel"], row["n"], row["dtype"])
                    timed.setdefault(key, []).append(row)
                    print(f"{family:9} {row['kernel']:15} {variant:17} n={row['n']:<9} {row['dtype']} "
                          f"{row['median_s'] * 1e3:10.2f} ms {row['median_s'] / row['n'] * 1e9:8.2f} ns/el"
                          f"  (round {rnd + 1})", flush=True)
        rows.extend(skipped.values())
        for runs in timed.values():
            row = dict(runs[0])
            row["round_medians_s"] = [r["median_s"] for r in runs]
            row["median_s"] = min(row["round_medians_s"])
            row["min_s"] = min(r["min_s"] for r in runs)
            row["rounds"] = len(runs)
            rows.append(row)
    if a.merge and Path(a.out).exists():
        old = json.loads(Path(a.out).read_text())
        redone = {(r["variant"], r["family"]) for r in rows}
        old["rows"] = [r for r in old["rows"] if (r["variant"], r["family"]) not in redone] + rows
        Path(a.out).write_text(json.dumps(old, indent=1))
        print(f"merged into {a.out}")
        return
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "versions": versions(),
        "first_call_1e6": numba_first_call(),
        "overhead_us": overhead(),
        "rows": rows,
    }
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=1))
    print(f"wrote {a.out}")


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}"


if __name__ == "__main__":
    main()
