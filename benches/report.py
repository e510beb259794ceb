"""Writes BENCHMARKS.md and benches/results/ratios.png from the results of
benches/python/compare.py, benches/r/compare.R and the criterion runs.

    python benches/report.py
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
RES = ROOT / "benches" / "results"
OURS = ("ferroscore", "ferroscore-alloc", "ferroscore-2t")

# kernel -> (wording, {peer: speed-up ferroscore must reach over it}).
TARGETS: Dict[str, Tuple[str, Dict[str, float]]] = {
    "score_series": ("as fast as numba (steady state); >= 100x pure Python", {"numba": 1.0, "python": 100.0}),
    "power_sum": (">= 2x NumPy; within 1.5x of a plain read", {"numpy": 2.0}),
    "sum": (">= 2x NumPy; within 1.5x of a plain read", {"numpy": 2.0}),
    "dot": (">= 2x NumPy; within 1.5x of a plain read", {"numpy": 2.0}),
    "rolling_mean": ("faster than bottleneck; >= 3x pandas, polars", {"bottleneck": 1.0, "pandas": 3.0, "polars": 3.0}),
    "rolling_std": ("faster than bottleneck; >= 3x pandas, polars", {"bottleneck": 1.0, "pandas": 3.0, "polars": 3.0}),
    "rolling_min": ("faster than bottleneck; >= 3x pandas, polars", {"bottleneck": 1.0, "pandas": 3.0, "polars": 3.0}),
    "rolling_max": ("faster than bottleneck; >= 3x pandas, polars", {"bottleneck": 1.0, "pandas": 3.0, "polars": 3.0}),
    "rolling_median": ("as fast as bottleneck; >= 4x pandas", {"bottleneck": 1.0, "pandas": 4.0}),
    "ewm_mean": ("faster than numbagg; >= 2x pandas", {"numbagg": 1.0, "pandas": 2.0}),
    "ewm_std": ("faster than numbagg; >= 2x pandas", {"numbagg": 1.0, "pandas": 2.0}),
    "group_sum": ("as fast as numbagg; >= 5x pandas, polars", {"numbagg": 1.0, "pandas": 5.0, "polars": 5.0}),
    "group_mean": ("as fast as numbagg; >= 5x pandas, polars", {"numbagg": 1.0, "pandas": 5.0, "polars": 5.0}),
    "group_std": ("as fast as numbagg; >= 5x pandas, polars", {"numbagg": 1.0, "pandas": 5.0, "polars": 5.0}),
    "validate": (">= 20x pandera; faster than hand-written NumPy", {"pandera": 20.0, "numpy": 1.0}),
}
# Kernels whose 2-thread time must be <= 1/1.7 of the 1-thread time.
SCALES = {"sum", "dot", "power_sum", "group_sum", "group_mean", "group_std", "rolling_mean",
          "rolling_std", "rolling_min", "rolling_max", "rolling_median", "validate"}


def load(name: str) -> Optional[Dict[str, Any]]:
    p = RES / name
    return json.loads(p.read_text()) if p.exists() else None


def fmt(v: Optional[float], digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.{digits}f}"


def python_tables(res: Dict[str, Any]) -> Tuple[List[str], List[Tuple[str, float]]]:
    rows = [r for r in res["rows"] if "median_s" in r]
    skipped = [r for r in res["rows"] if "skipped" in r]
    by: Dict[Tuple[str, int, str], Dict[str, float]] = defaultdict(dict)
    for r in rows:
        by[(r["kernel"], r["n"], r["dtype"])][r["variant"]] = r["median_s"] / r["n"] * 1e9
    variants = sorted({r["variant"] for r in rows}, key=lambda v: (v not in OURS, v))
    out = ["| kernel | n | dtype | " + " | ".join(variants) + " | best peer | best peer time / ferroscore time |",
           "|---|---|---|" + "---|" * len(variants) + "---|---|"]
    ratios: List[Tuple[str, float]] = []
    for (kernel, n, dtype), d in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        peers = {v: t for v, t in d.items() if v not in OURS}
        best = min(peers.items(), key=lambda kv: kv[1]) if peers else None
        ours = d.get("ferroscore")
        speed = best[1] / ours if best and ours else None
        if speed and n == max(x[1] for x in by) and dtype == "f64":
            ratios.append((kernel, speed))
        cells = [fmt(d.get(v)) for v in variants]
        peer = best[0] if best else "—"
        out.append(f"| {kernel} | {n:.0e} | {dtype} | " + " | ".join(cells) + f" | {peer} | {fmt(speed)} |")
    exprs = sorted({(r["kernel"], f"{r['n']:.0e} {r['dtype']}", r["expr"]) for r in rows if r.get("expr")})
    if exprs:
        out += ["", "NumPy's row is the fastest of several expressions, timed on the same data before the runs: "
                + "; ".join(f"{k} {at}: `{e}`" for k, at, e in exprs) + "."]
    if skipped:
        out.append("")
        out.append("Skipped: " + "; ".join(sorted({f"{r['variant']} {r.get('kernel', r['family'])}: {r['skipped'][:80]}" for r in skipped})))
    return out, ratios


def target_table(res: Dict[str, Any], per: Dict[str, Dict[str, float]]) -> List[str]:
    rows = [r for r in res["rows"] if "median_s" in r and r["dtype"] == "f64"]
    big = max(r["n"] for r in rows)
    t: Dict[str, Dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r["n"] == big:
            t[r["kernel"]][r["variant"]] = r["median_s"]
    out = ["| kernel | target | ferroscore's speed-up over each peer (1 thread) | 2 threads vs 1 (target 1.7x) | met |",
           "|---|---|---|---|---|"]
    for kernel, (words, needs) in TARGETS.items():
        d = t.get(kernel, {})
        ours = d.get("ferroscore")
        if not ours:
            continue
        parts, ok = [], True
        for peer, need in needs.items():
            if peer in d:
                r = d[peer] / ours
                hit = r >= need
                ok &= hit
                parts.append(f"{r:.2f}x {peer}" + ("" if hit else f" (**< {need:g}x**)"))
        if kernel in STREAM:
            # criterion, same size: the time of a plain read of the same arrays
            size = f"n={big:.0e}".replace("e+0", "e")
            ours_c, read = per.get(kernel, {}).get(size), per.get(STREAM[kernel], {}).get(size)
            if ours_c and read:
                r = ours_c / read
                ok &= r <= 1.5
                parts.append(f"time {r:.2f}x a plain read" + ("" if r <= 1.5 else " (**> 1.5x**)"))
        two = d.get("ferroscore-2t")
        scale = ours / two if two else None
        if kernel in SCALES and scale is not None:
            ok &= scale >= 1.7
            scale_s = f"{scale:.2f}x" + ("" if scale >= 1.7 else " (**< 1.7x**)")
        else:
            scale_s = "— (sequential)" if kernel in ("score_series", "ewm_mean", "ewm_std") else fmt(scale)
        out.append(f"| {kernel} | {words} | {', '.join(parts) or '—'} | {scale_s} | {'yes' if ok and parts else '**no**'} |")
    return out


def criterion_results() -> Dict[str, Dict[str, float]]:
    """Criterion's medians in ns per element: kernel -> size -> ns
    (target/criterion/n=<size>/<kernel>/<n>/new)."""
    base = ROOT / "target" / "criterion"
    found = sorted(base.glob("n=*/*/*/new/estimates.json")) if base.exists() else []
    per: Dict[str, Dict[str, float]] = defaultdict(dict)
    for est in found:
        size, kernel, n = est.parts[-5], est.parts[-4], int(est.parts[-3])
        try:
            ns = json.loads(est.read_text())["median"]["point_estimate"]
        except (KeyError, ValueError):
            continue
        per[kernel][size] = ns / n
    return per


# Reduction -> the plain read of the same arrays it must stay within 1.5x of.
STREAM = {"sum": "read_baseline", "power_sum": "read_baseline", "dot": "read_baseline_2"}

# Memory-bound kernel -> its two-thread bench; the plain reads first.
TWO = {"read_baseline": "read_baseline_2t", "read_baseline_2": "read_baseline_2_2t",
       "sum": "sum_2t", "dot": "dot_2t", "group_sum_1000": "group_sum_1000_2t"}


def paired(per: Dict[str, Dict[str, float]], pairs: Dict[str, str], sizes: List[str],
           row: Callable[[str, str, str, float, float], str]) -> List[str]:
    """`row(kernel, other, size, its time, other's time)` for every pair and
    size where both have a criterion time."""
    return [row(k, o, s, per[k][s], per[o][s]) for k, o in pairs.items() for s in sizes
            if per.get(k, {}).get(s) and per.get(o, {}).get(s)]


def stream_table(per: Dict[str, Dict[str, float]]) -> List[str]:
    """The reductions against a plain streaming read of the same bytes."""
    sizes = sorted({s for k in STREAM.values() for s in per.get(k, {})})
    if not sizes:
        return []

    def row(kernel: str, base: str, size: str, ours: float, read: float) -> str:
        r = ours / read
        return (f"| {kernel} | {size[2:]} | {ours:.2f} | {read:.2f} ({base}) | "
                + (f"{r:.2f}x" if r <= 1.5 else f"**{r:.2f}x**") + " |")

    head = ["| kernel | n | ns/element | plain read of the same arrays | ratio (target <= 1.5x) |", "|---|---|---|---|---|"]
    return head + paired(per, STREAM, sizes, row)


def two_thread_table(per: Dict[str, Dict[str, float]]) -> List[str]:
    """One thread against two on the plain reads and the reductions that
    one thread already runs near the read's speed, at the largest size."""
    sizes = sorted({s for k in TWO.values() for s in per.get(k, {})}, key=lambda s: float(s[2:]))[-1:]
    if not sizes:
        return []
    head = ["| kernel | n | 1 thread (ns/element) | 2 threads | speed-up |", "|---|---|---|---|---|"]
    return head + paired(per, TWO, sizes,
                         lambda one, _, size, a, b: f"| {one} | {size[2:]} | {a:.2f} | {b:.2f} | {a / b:.2f}x |")


def criterion_table(per: Dict[str, Dict[str, float]]) -> List[str]:
    if not per:
        return ["(no criterion results: run `make bench-core`)"]
    sizes = sorted({s for d in per.values() for s in d})
    out = ["| kernel | " + " | ".join(f"{s} (ns/element)" for s in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for kernel in sorted(per):
        out.append(f"| {kernel} | " + " | ".join(fmt(per[kernel].get(s)) for s in sizes) + " |")
    return out


def chart(ratios: List[Tuple[str, float]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    if not ratios:
        return False
    names = [k for k, _ in ratios]
    vals = [v for _, v in ratios]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.2))
    colors = ["#2a9d8f" if v >= 1 else "#e76f51" for v in vals]
    ax.barh(names, vals, color=colors)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("speed vs the best peer measured in the same run (>1: ferroscore faster), float64, 1e7, 1 thread")
    for i, v in enumerate(vals):
        ax.text(v, i, f" {v:.2f}x", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main() -> None:
    py = load("python.json")
    r = load("r.json")
    lines = ["# ferroscore benchmarks", "",
             "Generated by `make bench` (`benches/report.py`); do not edit by hand. Ratios are measured side by",
             "side in one run (shared machines drift ±20%, so absolute times are indicative only).", ""]
    if py:
        lines += [f"Run: {py['date']}, {py['machine']}.", "",
                  "Versions: " + ", ".join(f"{k} {v}" for k, v in py["versions"].items()), "",
                  "## Targets (float64, largest size, single thread)", "", *target_table(py, criterion_results()), "",
                  "![ratios](benches/results/ratios.png)", ""]
        table, ratios = python_tables(py)
        rounds = sorted({r.get("rounds", 1) for r in py["rows"] if "median_s" in r})
        how = "median of 5 runs after a warm-up" + (
            f"; families re-run in interleaved rounds ({'/'.join(map(str, rounds))} runs of each tool) keep each row's fastest round"
            if rounds != [1] else "")
        lines += [f"## Python: ns per element ({how})", "",
                  "`ferroscore` writes scans into a preallocated `out=` buffer, `ferroscore-alloc` returns a new",
                  "array (its first touch costs page faults), `ferroscore-2t` runs with 2 threads. Peers use their",
                  "defaults with their own thread pools limited to 1 where they have one.", "", *table, ""]
        fc = py.get("first_call_1e6", {})
        if fc:
            lines += ["## First call (fresh interpreter, 1e6 values, import excluded)", "",
                      "| tool | first call, ms |", "|---|---|", *[f"| {k} | {v * 1e3:.1f} |" for k, v in fc.items()], ""]
        oh = py.get("overhead_us", {})
        if oh:
            lines += ["## Per-call overhead on a 1-element array (µs)", "", "| call | µs |", "|---|---|",
                      *[f"| Python: {k} | {v:.2f} |" for k, v in oh.items()]]
            if r and r.get("overhead_us"):
                lines += [f"| R: {k} | {v:.2f} |" for k, v in r["overhead_us"].items()]
            c = load("c.json")
            if c:
                lines += [f"| C: {k} | {v:.3f} |" for k, v in c.get("overhead_us", {}).items()]
            lines.append("")
        if chart(ratios, RES / "ratios.png"):
            pass
    if r:
        lines += ["## R: ms per call (bench::mark, median)", "", f"Run: {r['date']}; {r.get('versions', '')}", "",
                  "| kernel | n | implementation | ms | ns/element | ratio to ferroscore |", "|---|---|---|---|---|---|"]
        for row in r["rows"]:
            lines.append(f"| {row['kernel']} | {row['n']:.0e} | {row['impl']} | {row['ms']:.2f} | {row['ms'] * 1e6 / row['n']:.2f} | {row['ratio']:.2f} |")
        lines.append("")
    per = criterion_results()
    stream = stream_table(per)
    if stream:
        lines += ["## Reductions against a plain streaming read (criterion, single thread)", "",
                  "A plain read sums the same arrays in sixteen lanes and nothing else: the memory floor.", "",
                  *stream, ""]
    two = two_thread_table(per)
    if two:
        lines += ["## Two threads on the memory-bound reductions (criterion, largest size)", "",
                  "The plain reads split in halves over two threads bound what a reduction that one thread "
                  "already runs near the read's speed can gain from the second core. Criterion's arrays are "
                  "a Rust `Vec` on 4 KB pages, where one thread streams slower than on NumPy's huge pages "
                  "(see the notes below).", "",
                  *two, ""]
    lines += ["## Core (criterion, single thread; `_2t`: two threads)", "", *criterion_table(per), ""]
    notes = ROOT / "benches" / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text()]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
