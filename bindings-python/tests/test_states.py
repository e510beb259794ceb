"""Resumable states: chunks give bit-identical output to one call."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ferroscore as fs
from conftest import make_series

STATES = [
    (lambda: fs.ScoreSeries(0.8, 0.6, 1.0), lambda x: fs.score_series(x, 0.8, 0.6, 1.0)),
    (lambda: fs.EwmMean(span=12, adjust=False), lambda x: fs.ewm_mean(x, span=12, adjust=False)),
    (lambda: fs.EwmMean(alpha=0.2, ignore_na=True), lambda x: fs.ewm_mean(x, alpha=0.2, ignore_na=True)),
    (lambda: fs.EwmVar(com=3.0), lambda x: fs.ewm_var(x, com=3.0)),
    (lambda: fs.EwmStd(halflife=5.0, min_periods=4), lambda x: fs.ewm_std(x, halflife=5.0, min_periods=4)),
    *[(lambda k=k: fs.Rolling(k, 17, 3), lambda x, k=k: getattr(fs, f"rolling_{k}")(x, 17, 3)) for k in ["sum", "mean", "var", "std", "zscore", "min", "max", "median"]],
    (lambda: fs.Rolling("quantile", 9, q=0.3, interpolation="nearest"), lambda x: fs.rolling_quantile(x, 9, 0.3, interpolation="nearest")),
    *[(lambda k=k: fs.Cumulative(k), lambda x, k=k: getattr(fs, k)(x)) for k in ["cumsum", "cummax", "cummin", "drawdown"]],
]


@pytest.mark.parametrize("make,whole", STATES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_chunked_equals_one_shot(make, whole, dtype):
    x = make_series(3000, 11, nan_frac=0.1, dtype=dtype)
    st = make()
    rng = np.random.default_rng(5)
    cuts = np.sort(rng.choice(np.arange(1, 3000), 12, replace=False))
    parts = [st.update(p) for p in np.split(x, cuts)]
    # An empty chunk changes nothing.
    parts.append(st.update(np.zeros(0, dtype)))
    got = np.concatenate(parts)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, whole(x))
    st.reset()
    np.testing.assert_array_equal(st.update(x), whole(x))
    np.testing.assert_array_equal(st.run(x[:10]), whole(x[:10]))


def test_2d_chunks_carry_one_state_per_lane():
    x = make_series(400, 13).reshape(4, 100)
    st = fs.EwmMean(alpha=0.3)
    got = np.concatenate([st.update(x[:, :40]), st.update(x[:, 40:])], axis=1)
    np.testing.assert_array_equal(got, fs.ewm_mean(x, alpha=0.3))
    with pytest.raises(fs.FerroscoreError, match="length mismatch"):
        st.update(x[:3, :5])


def test_pandas_chunks_keep_index():
    s = pd.Series(make_series(20, 14), index=range(100, 120))
    st = fs.Rolling("max", 3)
    a, b = st.update(s.iloc[:7]), st.update(s.iloc[7:])
    pd.testing.assert_series_equal(pd.concat([a, b]), s.rolling(3).max())


def test_centered_window_is_not_resumable():
    with pytest.raises(fs.FerroscoreError, match="center"):
        fs.Kernel.rolling("mean", 3, None, True, 1, None, "linear", True).update(np.zeros(3))


@pytest.mark.parametrize("make,whole", STATES)
def test_states_pickle_mid_series(make, whole):
    import pickle

    x = make_series(2000, 12, nan_frac=0.1)
    st = make()
    a = st.update(x[:777])
    st = pickle.loads(pickle.dumps(st))  # shipped to another process, say
    b = st.update(x[777:])
    np.testing.assert_array_equal(np.concatenate([a, b]), whole(x))
    fresh = pickle.loads(pickle.dumps(make()))  # before any update
    np.testing.assert_array_equal(fresh.update(x), whole(x))


def test_2d_state_pickles_per_lane():
    import pickle

    x = make_series(400, 13).reshape(4, 100)
    st = fs.Rolling("median", 7, 1)
    a = st.update(x[:, :30])
    st = pickle.loads(pickle.dumps(st))
    np.testing.assert_array_equal(np.concatenate([a, st.update(x[:, 30:])], axis=1), fs.rolling_median(x, 7, 1))
