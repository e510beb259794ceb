"""Against independent references: pandas, numpy, bottleneck and plain
Python loops, on random data with NaN and inf, over option combinations."""

from __future__ import annotations

import itertools
import math

import bottleneck as bn
import numpy as np
import pandas as pd
import pytest

import ferroscore as fs
from conftest import make_series

ROLLING = ["sum", "mean", "var", "std", "min", "max", "median"]


def close(got, exp, rtol=1e-9, atol=1e-9):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(exp, dtype=np.float64), rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize(
    "kind,window,min_periods,center",
    list(itertools.product(ROLLING, [1, 3, 20], [None, 1, 2], [False, True])),
)
def test_rolling_vs_pandas(kind, window, min_periods, center):
    x = make_series(400, window * 7 + 3, nan_frac=0.1)
    mp = None if min_periods is None else min(min_periods, window)
    exp = getattr(pd.Series(x).rolling(window, min_periods=mp, center=center), kind)()
    got = getattr(fs, f"rolling_{kind}")(x, window, min_periods=mp, center=center)
    close(got, exp, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("kind", ["var", "std"])
def test_rolling_ddof(kind, ddof):
    x = make_series(300, 5)
    exp = getattr(pd.Series(x).rolling(10, min_periods=4), kind)(ddof=ddof)
    close(getattr(fs, f"rolling_{kind}")(x, 10, 4, ddof=ddof), exp)


def test_rolling_zscore_vs_pandas():
    x = make_series(300, 9)
    r = pd.Series(x).rolling(12, min_periods=3)
    exp = (x - r.mean()) / r.std()
    close(fs.rolling_zscore(x, 12, 3), exp, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "nearest", "midpoint"])
def test_rolling_quantile_vs_pandas(q, interpolation):
    x = make_series(300, 11, nan_frac=0.1)
    exp = pd.Series(x).rolling(15, min_periods=5).quantile(q, interpolation=interpolation)
    close(fs.rolling_quantile(x, 15, q, 5, interpolation=interpolation), exp)


@pytest.mark.parametrize("kind,bnf", [("sum", bn.move_sum), ("mean", bn.move_mean), ("std", bn.move_std), ("var", bn.move_var), ("min", bn.move_min), ("max", bn.move_max), ("median", bn.move_median)])
def test_rolling_vs_bottleneck(kind, bnf):
    x = make_series(2000, 3, nan_frac=0.02)
    # bottleneck uses ddof=0 for std/var; ferroscore takes ddof.
    kw = {"ddof": 0} if kind in ("std", "var") else {}
    got = getattr(fs, f"rolling_{kind}")(x, 50, 10, **kw)
    close(got, bnf(x, 50, min_count=10), rtol=1e-8, atol=1e-8)


def test_rolling_inf_vs_naive_windows():
    # pandas turns +-Inf into NaN before rolling; ferroscore keeps them
    # (README "Semantics"), so the reference here is a plain window loop.
    x = make_series(300, 4, nan_frac=0.05, inf_frac=0.03)
    fns = {"sum": np.sum, "mean": np.mean, "min": np.min, "max": np.max, "median": np.median}
    for kind, fn in fns.items():
        exp = []
        for i in range(len(x)):
            win = x[max(0, i - 6) : i + 1]
            win = win[~np.isnan(win)]
            exp.append(fn(win) if len(win) >= 2 else np.nan)
        close(getattr(fs, f"rolling_{kind}")(x, 7, 2), exp)


def test_rolling_skipna_false_propagates():
    x = make_series(100, 8, nan_frac=0.1)
    got = fs.rolling_mean(x, 5, 1, skipna=False)
    has_nan = pd.Series(np.isnan(x).astype(float)).rolling(5, min_periods=1).max().to_numpy() > 0
    assert np.isnan(got[has_nan]).all()
    close(got[~has_nan], pd.Series(x).rolling(5, min_periods=1).mean()[~has_nan])


DECAYS = [{"alpha": 0.3}, {"span": 10.0}, {"com": 2.5}, {"halflife": 4.0}]


@pytest.mark.parametrize(
    "decay,adjust,ignore_na,min_periods",
    list(itertools.product(DECAYS, [True, False], [True, False], [0, 5])),
)
def test_ewm_vs_pandas(decay, adjust, ignore_na, min_periods):
    x = make_series(300, 17, nan_frac=0.15)
    e = pd.Series(x).ewm(adjust=adjust, ignore_na=ignore_na, min_periods=min_periods, **decay)
    kw = dict(adjust=adjust, ignore_na=ignore_na, min_periods=min_periods, **decay)
    close(fs.ewm_mean(x, **kw), e.mean(), rtol=1e-10, atol=1e-10)
    for bias in (False, True):
        close(fs.ewm_var(x, bias=bias, **kw), e.var(bias=bias), rtol=1e-8, atol=1e-8)
        close(fs.ewm_std(x, bias=bias, **kw), e.std(bias=bias), rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("adjust", [True, False])
def test_ewm_times_vs_pandas(adjust):
    x = make_series(200, 21, nan_frac=0.1)
    rng = np.random.default_rng(3)
    t = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.cumsum(rng.integers(1, 72, 200)), unit="h")
    exp = pd.Series(x).ewm(halflife="2 days", times=t, adjust=adjust).mean()
    close(fs.ewm_mean(x, halflife="2 days", times=t.to_numpy(), adjust=adjust), exp, rtol=1e-10, atol=1e-10)
    close(fs.ewm_mean(x, halflife=pd.Timedelta("2 days"), times=t.to_numpy(), adjust=adjust), exp, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("skipna", [True, False])
def test_cumulative_vs_pandas(skipna):
    x = make_series(300, 23, nan_frac=0.1, inf_frac=0.01)
    s = pd.Series(x)
    close(fs.cumsum(x, skipna=skipna), s.cumsum(skipna=skipna))
    close(fs.cummax(x, skipna=skipna), s.cummax(skipna=skipna))
    close(fs.cummin(x, skipna=skipna), s.cummin(skipna=skipna))


def test_drawdown_vs_numpy():
    x = np.abs(make_series(300, 25, nan_frac=0.0)) + 1
    close(fs.drawdown(x), x / np.maximum.accumulate(x) - 1)


def score_loop(xs, up=0.9, down=0.5, init=0.0):
    s, out = init, []
    for v in xs:
        if not math.isnan(v):
            s = s * up + v if v > s else s * down
        out.append(s)
    return out


@pytest.mark.parametrize("up,down,init", [(0.9, 0.5, 0.0), (0.5, 0.99, 3.0), (1.0, 0.0, -2.0)])
def test_score_series_vs_loop(up, down, init):
    # 30,000 values: long enough for the core's speculative lanes.
    x = make_series(30_000, 27, nan_frac=0.1)
    close(fs.score_series(x, up, down, init), score_loop(x.tolist(), up, down, init), rtol=1e-12, atol=1e-12)


def test_reductions_vs_numpy():
    x = make_series(10_001, 29, nan_frac=0.1)
    assert fs.sum(x) == pytest.approx(np.nansum(x), rel=1e-12)
    assert fs.mean(x) == pytest.approx(np.nanmean(x), rel=1e-12)
    assert fs.count(x) == int(np.sum(~np.isnan(x)))
    for ddof in (0, 1, 5):
        assert fs.var(x, ddof) == pytest.approx(np.nanvar(x, ddof=ddof), rel=1e-12)
        assert fs.std(x, ddof) == pytest.approx(np.nanstd(x, ddof=ddof), rel=1e-12)
    assert fs.min(x) == np.nanmin(x) and fs.max(x) == np.nanmax(x)
    pos = x[x > 0]
    for p in (0.5, 1.0, 1.5, 2.0, 3.0):
        assert fs.power_sum(x, p) == pytest.approx(np.sum(pos**p), rel=1e-12)
    y = make_series(10_001, 31, nan_frac=0.1)
    both = ~np.isnan(x) & ~np.isnan(y)
    assert fs.dot(x, y) == pytest.approx(np.dot(x[both], y[both]), rel=1e-12)


def test_reductions_vs_bottleneck_float32():
    x = make_series(100_000, 33, dtype=np.float32)
    # Accumulation is in float64: at least as close to the exact sum as bottleneck.
    exact = math.fsum(float(v) for v in x if not math.isnan(v))
    assert abs(fs.sum(x) - exact) <= abs(float(bn.nansum(x)) - exact) + 1e-9
    assert fs.mean(x) == pytest.approx(np.nanmean(x.astype(np.float64)), rel=1e-12)


@pytest.mark.parametrize("kind", ["sum", "mean", "var", "std", "min", "max", "count"])
def test_group_vs_pandas(kind):
    rng = np.random.default_rng(35)
    x = make_series(5000, 37, nan_frac=0.1)
    g = rng.integers(0, 50, 5000)
    exp = getattr(pd.Series(x).groupby(g), kind)().reindex(range(60))
    got = getattr(fs, f"group_{kind}")(x, g, n_groups=60)
    if kind in ("sum", "count"):
        exp = exp.fillna(0)
    close(got, exp, rtol=1e-10, atol=1e-10)


def test_group_power_sum_vs_loop():
    rng = np.random.default_rng(39)
    x = make_series(3000, 41)
    g = rng.integers(0, 7, 3000).astype(np.int32)
    exp = [np.sum(np.power(x[(g == k) & (x > 0)], 2.5)) for k in range(7)]
    close(fs.group_power_sum(x, g, p=2.5), exp, rtol=1e-12)


def test_group_labels_and_pandas_index():
    x = pd.Series([1.0, 2.0, 3.0, np.nan], name="v")
    g = pd.Series(["b", "a", "b", "a"])
    out = fs.group_sum(x, g)
    assert list(out.index) == ["a", "b"] and out.tolist() == [2.0, 4.0] and out.name == "v"
    cat = pd.Categorical(["x", "y", "x", "x"], categories=["y", "x", "z"])
    out = fs.group_count(pd.Series([1.0, 2.0, 3.0, 4.0]), pd.Series(cat))
    assert list(out.index) == ["y", "x", "z"] and out.tolist() == [1, 3, 0]
    assert fs.group_mean(np.array([1.0, 3.0, 5.0]), np.array(["q", "p", "q"])).tolist() == [3.0, 3.0]
    # negative codes skip the row
    assert fs.group_sum([1.0, 2.0, 4.0], np.array([0, -1, 0])).tolist() == [5.0]


def test_moments_merge_equals_whole():
    x = make_series(10_000, 43)
    whole = fs.moments(x)
    parts = fs.moments(x[:3333]) + fs.moments(x[3333:7000]) + fs.moments(x[7000:])
    assert parts.count == whole.count
    assert parts.mean == pytest.approx(whole.mean, rel=1e-12)
    assert parts.var() == pytest.approx(np.nanvar(x, ddof=1), rel=1e-12)
    assert (parts.min, parts.max) == (np.nanmin(x), np.nanmax(x))
    import pickle

    assert pickle.loads(pickle.dumps(whole)) == whole
