"""The shared vectors of tests/vectors/: same input, same numbers as every
other binding."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest

import ferroscore as fs

VEC = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def _read(path: Path) -> np.ndarray:
    lines = path.read_text().splitlines()
    n, k = map(int, lines[0].split())
    vals = [[float(v) for v in ln.split()] for ln in lines[1 : n + 1]]
    return np.array(vals, dtype=np.float64).reshape(n, k)


def _opts(text: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if text == "-":
        return out
    for kv in text.split(","):
        k, v = kv.split("=")
        if v in ("true", "false"):
            out[k] = v == "true"
        else:
            try:
                out[k] = int(v)
            except ValueError:
                try:
                    out[k] = float(v)
                except ValueError:
                    out[k] = v
    return out


def _cases() -> List[List[str]]:
    rows = (VEC / "cases.tsv").read_text().splitlines()[1:]
    return [r.split("\t") for r in rows if r.strip()]


def _run(kernel: str, x: np.ndarray, col2: np.ndarray, o: Dict[str, Any]) -> np.ndarray:
    f = getattr(fs, kernel)
    if kernel == "dot":
        return np.array([f(x, col2.astype(x.dtype))])
    if kernel.startswith("group_"):
        codes = col2.astype(np.int64)
        return f(x, codes, **o)
    if kernel == "ewm_mean" and o.pop("times", False):
        return f(x, times=col2, **o)
    if kernel in ("sum", "mean", "var", "std", "min", "max", "count", "power_sum"):
        return np.array([f(x, **o)], dtype=np.float64)
    return f(x, **o)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_vector(case: List[str]) -> None:
    cid, kernel, dtype, options, rtol, atol = case
    data = _read(VEC / f"{cid}.in")
    exp = _read(VEC / f"{cid}.out")[:, 0]
    dt = np.float32 if dtype == "f32" else np.float64
    x = np.ascontiguousarray(data[:, 0]).astype(dt) if data.shape[1] else np.zeros(0, dt)
    col2 = data[:, 1] if data.shape[1] > 1 else np.zeros(0)
    got = np.asarray(_run(kernel, x, col2, _opts(options)), dtype=np.float64)
    if not kernel.startswith(("group_", "sum", "mean", "var", "std", "min", "max", "count", "power_sum", "dot")):
        assert np.asarray(_run(kernel, x, col2, _opts(options))).dtype == dt, "float32 must stay float32"
    assert got.shape == exp.shape
    r, a = float(rtol), float(atol)
    for i, (g, e) in enumerate(zip(got.tolist(), exp.tolist())):
        if math.isnan(e):
            assert math.isnan(g), f"row {i}: expected NaN, got {g}"
        elif math.isinf(e):
            assert g == e, f"row {i}: expected {e}, got {g}"
        else:
            assert abs(g - e) <= a + r * abs(e), f"row {i}: expected {e}, got {g}"
