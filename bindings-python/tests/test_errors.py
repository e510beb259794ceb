"""Bad input: a clear exception naming the argument, never a crash."""

from __future__ import annotations

import numpy as np
import pytest

import ferroscore as fs

X = np.arange(10.0)


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: fs.rolling_mean(X, 0), fs.FerroscoreError, "window"),
        (lambda: fs.rolling_mean(X, -3), fs.FerroscoreError, "window"),
        (lambda: fs.rolling_mean(X, 2**62), None, None),  # huge window: valid, all NaN
        (lambda: fs.rolling_mean(X, 3, min_periods=-1), fs.FerroscoreError, "min_periods"),
        (lambda: fs.rolling_std(X, 3, ddof=-1), fs.FerroscoreError, "ddof"),
        (lambda: fs.rolling_quantile(X, 3, q=1.5), fs.FerroscoreError, "`q`"),
        (lambda: fs.rolling_quantile(X, 3, q=0.5, interpolation="cubic"), fs.FerroscoreError, "interpolation"),
        (lambda: fs.ewm_mean(X, alpha=float("nan")), fs.FerroscoreError, "alpha"),
        (lambda: fs.ewm_mean(X, alpha=0.0), fs.FerroscoreError, "alpha"),
        (lambda: fs.ewm_mean(X, alpha=1.5), fs.FerroscoreError, "alpha"),
        (lambda: fs.ewm_mean(X), fs.FerroscoreError, "alpha"),
        (lambda: fs.ewm_mean(X, alpha=0.5, span=3), fs.FerroscoreError, "mutually exclusive"),
        (lambda: fs.ewm_mean(X, span=0.5), fs.FerroscoreError, "span"),
        (lambda: fs.ewm_mean(X, halflife=1.0, times=np.arange(9.0)), fs.FerroscoreError, "times"),
        (lambda: fs.ewm_std(X, com=-1.0), fs.FerroscoreError, "com"),
        (lambda: fs.score_series(X, up=float("inf")), fs.FerroscoreError, "up"),
        (lambda: fs.power_sum(X, p=float("nan")), fs.FerroscoreError, "`p`"),
        (lambda: fs.dot(X, X[:3]), fs.FerroscoreError, "length mismatch"),
        (lambda: fs.group_sum(X, np.zeros(3, np.int64)), fs.FerroscoreError, "length mismatch"),
        (lambda: fs.group_sum(X, np.arange(10), n_groups=3), fs.FerroscoreError, "groups"),
        (lambda: fs.group_sum(X, np.arange(10.0)), TypeError, "groups"),
        (lambda: fs.rolling_mean(np.array(["a", "b"]), 2), TypeError, "`x`"),
        (lambda: fs.rolling_mean(np.array([1, None], dtype=object), 2), TypeError, "`x`"),
        (lambda: fs.rolling_mean(np.array([1 + 2j]), 2), TypeError, "`x`"),
        (lambda: fs.rolling_mean(np.zeros((2, 2, 2)), 2), TypeError, "3 dimensions"),
        (lambda: fs.sum(3.0), TypeError, "scalar"),
        (lambda: fs.sum("abc"), TypeError, "`x`"),
        (lambda: fs.sum(None), TypeError, "`x`"),
        (lambda: fs.sum({"a": 1}), TypeError, "`x`"),
        (lambda: fs.rolling_mean(X, 2, axis=2), fs.FerroscoreError, "axis"),
        (lambda: fs.rolling_mean(X, 2, axis="rows"), TypeError, "axis"),
        (lambda: fs.rolling_mean(X, 2.5), TypeError, None),
        (lambda: fs.validate({"a": X}, {"b": fs.rules.finite()}), fs.FerroscoreError, "unknown column `b`"),
        (lambda: fs.validate({"a": X, "b": X[:3]}, {"a": fs.rules.finite(), "b": fs.rules.finite()}), fs.FerroscoreError, "length"),
        (lambda: fs.validate({"a": X}, {"a": fs.rules.in_range(0, 1, closed="middle")}), fs.FerroscoreError, "closed"),
        (lambda: fs.validate({"a": X}, {"a": fs.rules.max_abs_zscore(-1)}), fs.FerroscoreError, "k"),
        (lambda: fs.validate({"a": X}, {"a": ["not a rule"]}), TypeError, "rules"),
        (lambda: fs.validate({"a": X}, [fs.rules.finite()]), TypeError, "rules"),
        (lambda: fs.validate({"a": np.array(["x"])}, {"a": fs.rules.finite()}), TypeError, "column `a`"),
        (lambda: fs.validate({"a": X}, {"a": fs.rules.finite()}, max_failures=-1), fs.FerroscoreError, "max_failures"),
        (lambda: fs.rules.monotonic("sideways"), fs.FerroscoreError, "direction"),
        (lambda: fs.Rolling("mode", 3), fs.FerroscoreError, "kind"),
        (lambda: fs.Cumulative("cumprod"), fs.FerroscoreError, "kind"),
        (lambda: fs.set_num_threads(0), fs.FerroscoreError, "`n`"),
    ],
)
def test_bad_input(call, exc, match):
    if exc is None:
        assert np.isnan(call()).all()
        return
    with pytest.raises(exc, match=match):
        call()


def test_error_classes():
    assert issubclass(fs.FerroscoreError, ValueError)
    assert issubclass(fs.ValidationError, fs.FerroscoreError)
    assert fs.FerroscoreError.__module__ == "ferroscore"


def test_empty_inputs_are_valid():
    e = np.zeros(0)
    assert fs.rolling_mean(e, 3).shape == (0,)
    assert fs.ewm_mean(e, alpha=0.5).shape == (0,)
    assert fs.score_series(e).shape == (0,)
    assert fs.sum(e) == 0.0 and fs.count(e) == 0
    assert np.isnan(fs.mean(e)) and np.isnan(fs.min(e)) and np.isnan(fs.var(e))
    assert fs.power_sum(e) == 0.0 and fs.dot(e, e) == 0.0
    assert fs.group_sum(e, np.zeros(0, np.int64)).shape == (0,)
    assert fs.validate({"a": e}, {"a": fs.rules.unique()}).ok
