"""Every input container, 2-D axis handling, float32 and zero-copy paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import ferroscore as fs
from conftest import make_series


def test_list_int_bool_become_float64():
    assert fs.cumsum([1, 2, 3]).dtype == np.float64
    assert fs.cumsum(np.array([True, False, True])).tolist() == [1.0, 1.0, 2.0]
    assert fs.sum(np.arange(5, dtype=np.int32)) == 10.0


def test_float32_stays_float32_and_close_to_float64():
    x64 = make_series(5000, 2)
    x32 = x64.astype(np.float32)
    for f, kw in [(fs.rolling_mean, {"window": 20}), (fs.rolling_std, {"window": 20}), (fs.ewm_mean, {"alpha": 0.1}), (fs.score_series, {}), (fs.cumsum, {})]:
        out = f(x32, **kw)
        assert out.dtype == np.float32
        ref = f(x32.astype(np.float64), **kw)
        np.testing.assert_allclose(out, ref.astype(np.float32), rtol=2e-6, atol=1e-5, equal_nan=True)
    # Reductions of float32 accumulate in float64: same as on the upcast data.
    assert fs.sum(x32) == fs.sum(x32.astype(np.float64))


def test_non_contiguous_and_readonly_inputs():
    x = make_series(1000, 3)
    strided = x[::2]
    np.testing.assert_array_equal(fs.rolling_sum(strided, 5), fs.rolling_sum(strided.copy(), 5))
    ro = x.copy()
    ro.setflags(write=False)
    np.testing.assert_array_equal(fs.cumsum(ro), fs.cumsum(x))
    be = x.astype(">f8")
    np.testing.assert_array_equal(fs.cumsum(be), fs.cumsum(x))


@pytest.mark.parametrize("order", ["C", "F"])
def test_2d_axis(order):
    x = np.asarray(make_series(600, 4).reshape(6, 100), order=order)
    rows = fs.rolling_mean(x, 5)  # axis=-1: along each row
    for i in range(6):
        np.testing.assert_array_equal(rows[i], fs.rolling_mean(np.ascontiguousarray(x[i]), 5))
    cols = fs.rolling_mean(x, 5, axis=0)
    assert cols.shape == x.shape
    for j in range(100):
        np.testing.assert_array_equal(cols[:, j], fs.rolling_mean(np.ascontiguousarray(x[:, j]), 5))
    np.testing.assert_array_equal(fs.sum(x, axis=0), [fs.sum(x[:, j].copy()) for j in range(100)])
    np.testing.assert_array_equal(fs.sum(x), [fs.sum(x[i].copy()) for i in range(6)])
    np.testing.assert_array_equal(fs.count(x), [100 - np.isnan(x[i]).sum() for i in range(6)])


def test_2d_empty_shapes():
    assert fs.rolling_mean(np.zeros((3, 0)), 2).shape == (3, 0)
    assert fs.sum(np.zeros((3, 0))).tolist() == [0.0, 0.0, 0.0]
    assert fs.sum(np.zeros((0, 4)), axis=0).tolist() == [0.0] * 4


def test_pandas_series_and_frame_keep_labels():
    idx = pd.date_range("2024-01-01", periods=50, name="t")
    s = pd.Series(make_series(50, 5), index=idx, name="price")
    out = fs.rolling_mean(s, 3)
    assert isinstance(out, pd.Series) and out.index.equals(idx) and out.name == "price"
    pd.testing.assert_series_equal(out, s.rolling(3).mean())
    df = pd.DataFrame({"a": make_series(50, 6), "b": make_series(50, 7)}, index=idx)
    got = fs.rolling_std(df, 4)
    pd.testing.assert_frame_equal(got, df.rolling(4).std(), rtol=1e-10)
    red = fs.mean(df)
    assert isinstance(red, pd.Series) and list(red.index) == ["a", "b"]
    np.testing.assert_allclose(red.to_numpy(), df.mean().to_numpy(), rtol=1e-14)
    nullable = pd.Series([1.0, None, 3.0], dtype="Float64")
    assert fs.cumsum(nullable).tolist()[2] == 4.0
    ints = pd.DataFrame({"i": [1, 2, 3], "f": [0.5, 1.5, np.nan]})
    np.testing.assert_array_equal(fs.cumsum(ints).to_numpy(), ints.cumsum().to_numpy())


def test_polars_series_and_frame():
    s = pl.Series("v", [1.0, None, 3.0, 4.0])
    out = fs.cumsum(s)
    assert isinstance(out, pl.Series) and out.name == "v"
    assert np.isnan(out[1]) and out.to_list()[3] == 8.0
    df = pl.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1, 2, 4]})
    got = fs.rolling_sum(df, 2)
    assert isinstance(got, pl.DataFrame) and got.columns == ["a", "b"]
    assert got["a"].to_list()[1:] == [3.0, 5.0] and got["b"].to_list()[1:] == [3.0, 6.0]
    assert fs.sum(df).row(0) == (6.0, 7.0)
    with pytest.raises(TypeError, match="axis"):
        fs.rolling_sum(df, 2, axis=0)


def test_pyarrow_arrays_tables_and_nulls():
    a = pa.array([1.0, 2.0, 3.0])
    out = fs.cumsum(a)
    assert isinstance(out, pa.Array) and out.to_pylist() == [1.0, 3.0, 6.0]
    with_null = pa.array([1.0, None, 3.0])
    assert np.isnan(fs.cumsum(with_null).to_numpy(zero_copy_only=False)[1])
    chunked = pa.chunked_array([[1.0, 2.0], [3.0]])
    assert fs.sum(chunked) == 6.0
    assert fs.sum(pa.array([1, 2, 3], type=pa.int32())) == 6.0
    t = pa.table({"x": [1.0, 2.0], "y": [3.0, 5.0]})
    got = fs.cumsum(t)
    assert isinstance(got, pa.Table) and got.column("y").to_pylist() == [3.0, 8.0]


def test_arrow_capsule_from_polars_without_pyarrow_types():
    # polars Series implement the Arrow PyCapsule stream protocol.
    class Capsule:
        def __init__(self, s):
            self.s = s

        def __arrow_c_stream__(self, requested_schema=None):
            return self.s.__arrow_c_stream__(requested_schema)

    out = fs.cumsum(Capsule(pl.Series([1.0, 2.0])))
    assert out.to_pylist() == [1.0, 3.0]


def test_validate_containers():
    rules = {"p": [fs.rules.in_range(0, 10)], "id": fs.rules.unique()}
    data = {"p": [1.0, 20.0, 3.0], "id": [1, 2, 2]}
    for table in (data, pd.DataFrame(data), pl.DataFrame(data), pa.table(data)):
        r = fs.validate(table, rules)
        assert not r.ok
        fails = {f.column: f.failed_rows.tolist() for f in r.failures}
        assert fails["p"] == [1]
        assert fails["id"] == [2]  # the later occurrence of a duplicate fails


def test_out_parameter_writes_in_place():
    x = make_series(1000, 9)
    out = np.empty_like(x)
    r = fs.rolling_mean(x, 10, out=out)
    assert r is out
    np.testing.assert_array_equal(out, fs.rolling_mean(x, 10))
    out32 = np.empty(1000, np.float32)
    fs.score_series(x.astype(np.float32), out=out32)
    np.testing.assert_array_equal(out32, fs.score_series(x.astype(np.float32)))
    with pytest.raises(TypeError, match="out"):
        fs.cumsum(x, out=np.empty(1000, np.float32))
    with pytest.raises(fs.FerroscoreError, match="out"):
        fs.cumsum(x, out=np.empty(999))
    with pytest.raises(TypeError, match="out"):
        fs.cumsum(x, out=np.empty((1000, 2))[:, 0])
    with pytest.raises(TypeError, match="out"):
        fs.cumsum(x, out=x)  # aliasing the input is refused
    with pytest.raises(TypeError, match="out"):
        fs.cumsum(pd.Series(x), out=np.empty_like(x))
