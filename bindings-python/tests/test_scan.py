"""The scan language from Python: same numbers as the kernels it can
express, errors with a caret, inputs, lanes, chunks and pickling."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

import ferroscore as fs
from conftest import make_series

SEED_FMA = "if x > s then fma(s, up, x) else s * down"
SEED = "if x > s then s * up + x else s * down"
P = {"up": 0.9, "down": 0.5}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_seed_rule_equals_score_series(dtype):
    x = make_series(20_000, 3, nan_frac=0.05, dtype=dtype)
    got = fs.scan(SEED_FMA, x, 0.0, P)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, fs.score_series(x))  # same bits
    np.testing.assert_allclose(fs.scan(SEED, x, 0.0, P), fs.score_series(x), rtol=1e-13 if dtype == np.float64 else 1e-6)


def test_ewm_adjust_false_as_a_scan():
    # pandas' recurrence, written out: mean = ((1-a)*mean + a*x) / ((1-a) + a)
    x = make_series(5000, 4, nan_frac=0.1)
    x[:3] = np.nan
    a = 0.3
    src = "if isnan(s) then x else if s == x then s else (f * s + a * x) / (f + a)"
    got = fs.scan(src, x, float("nan"), {"a": a, "f": 1 - a})
    np.testing.assert_array_equal(got, fs.ewm_mean(x, alpha=a, adjust=False, ignore_na=True))
    # the textbook form agrees to rounding
    np.testing.assert_allclose(fs.scan("s * (1 - a) + x * a", x[3:], float(x[3]), {"a": a}), got[3:], rtol=1e-14)


@pytest.mark.parametrize(
    "src,f",
    [
        ("x + 2 * 3", lambda x: x + 6),
        ("x - 1 - 1", lambda x: x - 2),
        ("2 ^ 3 ^ 2 + x * 0", lambda x: 512 + x * 0),
        ("-2 ^ 2 + x * 0", lambda x: -4 + x * 0),
        ("x % 3", lambda x: np.mod(x, 3)),
        ("abs(x) + sqrt(abs(x)) + exp(x / 100) + log1p(abs(x))", lambda x: np.abs(x) + np.sqrt(np.abs(x)) + np.exp(x / 100) + np.log1p(np.abs(x))),
        ("min(x, 1, 2) + max(x, -1) + clamp(x, -2, 2)", lambda x: np.minimum(x, 1) + np.maximum(x, -1) + np.clip(x, -2, 2)),
        ("floor(x) + ceil(x) + pow(abs(x), 1.5)", lambda x: np.floor(x) + np.ceil(x) + np.abs(x) ** 1.5),
        ("if x > 0 and not (x > 5) then 1 else 0", lambda x: ((x > 0) & ~(x > 5)).astype(float)),
        ("if x < -1 or x >= 1 then x else -x", lambda x: np.where((x < -1) | (x >= 1), x, -x)),
    ],
)
def test_operators_against_numpy(src, f):
    x = np.linspace(-7.3, 7.9, 101)
    np.testing.assert_allclose(fs.scan(src, x), f(x), rtol=1e-15, atol=1e-15)


def test_row_index_multi_state_and_two_inputs():
    x = np.arange(5.0)
    np.testing.assert_array_equal(fs.scan("i + x * 0", x), [0, 1, 2, 3, 4])
    # running mean with two states and an output expression
    src = "n = n + 1\ntotal = total + x\nout = total / n"
    np.testing.assert_allclose(fs.scan(src, x, [0.0, 0.0]), np.cumsum(x) / np.arange(1, 6))
    p = fs.compile_scan("price * qty + s", inputs=["price", "qty"])
    assert p.inputs == ["price", "qty"]
    df = pd.DataFrame({"price": [1.0, 2.0], "qty": [3.0, 4.0]})
    np.testing.assert_array_equal(fs.scan(p, df), [3.0, 11.0])
    np.testing.assert_array_equal(fs.scan(p, {"price": [1.0, 2.0], "qty": [3.0, 4.0]}), [3.0, 11.0])
    np.testing.assert_array_equal(fs.scan(p, (np.array([1.0, 2.0]), np.array([3.0, 4.0]))), [3.0, 11.0])


def test_2d_lanes_and_pandas_index():
    x = make_series(4 * 500, 5).reshape(4, 500)
    got = fs.scan(SEED_FMA, x, 0.0, P)
    for i in range(4):
        np.testing.assert_array_equal(got[i], fs.score_series(np.ascontiguousarray(x[i])))
    np.testing.assert_array_equal(fs.scan(SEED_FMA, x, 0.0, P, axis=0)[:, 1], fs.score_series(np.ascontiguousarray(x[:, 1])))
    s = pd.Series([1.0, 2.0], index=["a", "b"], name="v")
    out = fs.scan("s + x", s)
    assert list(out.index) == ["a", "b"] and out.name == "v"


def test_chunks_and_pickle():
    x = make_series(3000, 6, nan_frac=0.1)
    whole = fs.scan(SEED, x, 1.0, P)
    st = fs.Scan(SEED, 1.0, P)
    parts = [st.update(x[:1000])]
    st = pickle.loads(pickle.dumps(st))  # ship the state mid-series
    parts += [st.update(x[1000:2500]), st.update(x[2500:])]
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    p = fs.compile_scan(SEED, P)
    q = pickle.loads(pickle.dumps(p))
    assert q.source == p.source and q.params == p.params
    np.testing.assert_array_equal(fs.scan(q, x, 1.0), whole)


def test_missing_values():
    x = np.array([1.0, np.nan, 2.0])
    np.testing.assert_array_equal(fs.scan("s + x", x), [1.0, 1.0, 3.0])
    got = fs.scan("s + x", x, skipna=False)
    assert got[0] == 1.0 and math.isnan(got[1]) and math.isnan(got[2])


def test_errors_name_line_and_column():
    with pytest.raises(fs.ScanSyntaxError) as e:
        fs.compile_scan("s +\n  * x")
    msg = str(e.value)
    assert "line 2, column 3" in msg and "^" in msg
    with pytest.raises(fs.ScanSyntaxError, match="unknown name `y`"):
        fs.compile_scan("s + y")
    with pytest.raises(fs.ScanSyntaxError, match="argument"):
        fs.compile_scan("sqrt(x, 2)")
    with pytest.raises(fs.ScanSyntaxError):
        fs.compile_scan("(" * 1000 + "x" + ")" * 1000)
    assert issubclass(fs.ScanSyntaxError, fs.FerroscoreError)
    with pytest.raises(fs.FerroscoreError, match="init"):
        fs.scan("n = n + 1\nm = m + x\nout = m", [1.0], [0.0, 0.0, 0.0])
    with pytest.raises(TypeError, match="source"):
        fs.compile_scan(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="inputs"):
        fs.scan(fs.compile_scan("a + b", inputs=["a", "b"]), [1.0, 2.0])
    with pytest.raises(fs.FerroscoreError, match="params"):
        fs.compile_scan("s + x", {"x": 1.0})
