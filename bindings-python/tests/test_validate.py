"""Validation against hand-written numpy checks."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import ferroscore as fs
from conftest import make_series


def test_each_rule_matches_numpy():
    rng = np.random.default_rng(7)
    x = make_series(5000, 8, nan_frac=0.02, inf_frac=0.01)
    ids = np.arange(5000, dtype=np.int64)
    ids[[100, 2000]] = ids[[99, 1999]]
    rules = {
        "x": [
            fs.rules.not_missing(),
            fs.rules.finite(),
            fs.rules.in_range(-20, 20),
            fs.rules.in_range(-20, 20, closed="neither"),
            fs.rules.max_abs_zscore(2.5),
        ],
        "ids": [fs.rules.unique(), fs.rules.monotonic(), fs.rules.monotonic(strict=True), fs.rules.no_gaps(1)],
        "cat": [fs.rules.in_set([1, 2, 3])],
    }
    cat = rng.integers(0, 5, 5000).astype(np.float64)
    r = fs.validate({"x": x, "ids": ids, "cat": cat}, rules, max_failures=5)
    assert r.n_rows == 5000 and len(r.results) == 10
    by = {(q.column, q.rule): q for q in r.results}

    def check(col, rule_prefix, mask):
        (q,) = [v for (c, name), v in by.items() if c == col and name == rule_prefix]
        rows = np.flatnonzero(mask)
        assert q.n_failed == len(rows), (col, rule_prefix)
        assert q.failed_rows.tolist() == rows[:5].tolist()
        assert q.passed == (len(rows) == 0)

    present = ~np.isnan(x)
    check("x", "not_missing", np.isnan(x))
    check("x", "finite", ~np.isfinite(x))
    check("x", "in_range(-20, 20, closed=both)", present & ((x < -20) | (x > 20)))
    check("x", "in_range(-20, 20, closed=neither)", present & ((x <= -20) | (x >= 20)))
    check("ids", "unique", np.r_[False, ids[1:] == ids[:-1]])
    check("ids", "monotonic(increasing, strict=false)", np.zeros(5000, bool))
    check("ids", "monotonic(increasing, strict=true)", np.r_[False, ids[1:] <= ids[:-1]])
    check("ids", "no_gaps(1)", np.r_[False, np.diff(ids) > 1])
    check("cat", "in_set(1, 2, 3)", ~np.isin(cat, [1, 2, 3]))
    assert not r.ok and {f.column for f in r.failures} == {"x", "ids", "cat"}


def test_report_shapes_and_raise():
    ok = fs.validate(pd.DataFrame({"a": [1.0, 2.0]}), {"a": fs.rules.finite()})
    assert ok.ok and ok.raise_for_failures() is ok and ok.failures == []
    bad = fs.validate({"a": [1.0, np.nan, 5.0]}, {"a": [fs.rules.not_missing(), fs.rules.in_range(0, 2)]})
    s = bad.summary()
    assert list(s.columns) == ["column", "rule", "n_failed", "passed", "failed_rows", "failed_values"]
    assert s["n_failed"].tolist() == [1, 1] and s["failed_rows"].tolist() == [[1], [2]]
    with pytest.raises(fs.ValidationError) as ei:
        bad.raise_for_failures()
    assert "not_missing: FAILED 1 rows (row 1 = nan)" in str(ei.value)
    assert ei.value.report is bad
    back = pickle.loads(pickle.dumps(bad))
    assert back.n_rows == 3 and back.failures[0].failed_rows.tolist() == [1]
    assert pickle.loads(pickle.dumps(fs.rules.in_range(0, 1))) == fs.rules.in_range(0, 1)


def test_max_failures_caps_the_rows_not_the_count():
    x = -np.arange(1.0, 101.0)
    r = fs.validate({"x": x}, {"x": fs.rules.in_range(0, 1)}, max_failures=3)
    q = r.results[0]
    assert q.n_failed == 100 and q.failed_rows.tolist() == [0, 1, 2] and q.failed_values.tolist() == [-1.0, -2.0, -3.0]


def test_datetime_and_int32_columns():
    t = pd.date_range("2024-01-01", periods=5, freq="D")
    df = pd.DataFrame({"t": t, "k": np.array([3, 1, 2, 2, 5], dtype=np.int32)})
    r = fs.validate(df, {"t": fs.rules.monotonic(strict=True), "k": fs.rules.unique()})
    assert r.results[0].passed and r.results[1].failed_rows.tolist() == [3]
