"""The kernels: thin functions that convert, call the native core, convert
back. Every option is checked by the core, so the errors (and their
wording) are the same in Python, R, C and Rust."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable, Optional, Tuple

import numpy as np

from . import _ferroscore as _native
from ._convert import as_float_array, lanes, to_numpy

Kernel = _native.Kernel


def _prepare(x: Any, axis: Optional[int], name: str = "x") -> Tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    arr, wrap, default = to_numpy(x, name)
    if default is None:
        if axis is not None:
            raise TypeError(
                "`axis` does not apply to polars or Arrow tables: each column is one series"
            )
        ax = -1
    else:
        ax = default if axis is None else axis
    a, back = lanes(arr, ax, name)
    return a, lambda out: wrap(back(out))


def _run(kernel: Any, x: Any, axis: Optional[int], out: Any = None) -> Any:
    if out is not None:
        if type(x) is not np.ndarray or not (axis is None or axis == -1 or axis == x.ndim - 1):
            raise TypeError("`out` needs a numpy array `x` and the default axis")
        return kernel.run(np.ascontiguousarray(as_float_array(x, "x")), out)
    if axis is None and type(x) is np.ndarray:
        # Fast path: a C-contiguous float64/float32 array goes straight in.
        r = kernel.try_run(x)
        if r is not None:
            return r
    a, finish = _prepare(x, axis)
    return finish(kernel.run(a))


# ---------------------------------------------------------------- scans


def score_series(
    x: Any,
    up: float = 0.9,
    down: float = 0.5,
    init: float = 0.0,
    *,
    skipna: bool = True,
    axis: Optional[int] = None,
    out: Any = None,
) -> Any:
    """Conditional recursive score, one value out per value in.

    ``s = init``; for each value ``v``: ``s = s*up + v`` if ``v > s`` else
    ``s = s*down``; the output is ``s``. A missing ``v`` (NaN) outputs the
    current ``s`` and leaves it unchanged (``skipna=True``), or makes every
    later output NaN (``skipna=False``).

    Parameters
    ----------
    x : array-like, pandas/polars Series or DataFrame, pyarrow Array or Table
        float64 and float32 are used in place (float32 stays float32); ints
        and bools become float64. 2-D input runs along ``axis`` (default
        -1 for arrays, each column for data frames), lanes in parallel.
    up, down : float
        Multipliers when the value rises above / does not rise above ``s``.
    init : float
        The starting state.

    Returns
    -------
    Same container and shape as ``x``.

    Examples
    --------
    >>> import ferroscore as fs
    >>> fs.score_series([1.0, 2.0, 0.5])
    array([1.  , 2.9 , 1.45])
    """
    return _run(Kernel.score(up, down, init, skipna), x, axis, out)


def _times_to_float(times: Any, halflife: Any) -> Tuple[np.ndarray, float]:
    t = np.asarray(times)
    if t.dtype.kind == "M":
        t_ns = t.astype("datetime64[ns]").astype(np.int64).astype(np.float64)
        if isinstance(halflife, str):
            import pandas as pd

            hl = float(pd.Timedelta(halflife).value)
        elif isinstance(halflife, (_dt.timedelta, np.timedelta64)):
            hl = float(np.timedelta64(halflife, "ns").astype(np.int64))
        elif hasattr(halflife, "value") and hasattr(halflife, "total_seconds"):
            hl = float(halflife.value)
        else:
            raise TypeError("`halflife` must be a timedelta (or a string like '2 days') with datetime `times`")
        return t_ns, hl
    if isinstance(halflife, (str, _dt.timedelta, np.timedelta64)):
        raise TypeError("a timedelta `halflife` needs datetime64 `times`")
    return as_float_array(t, "times").astype(np.float64), float(halflife)


def ewm_mean(
    x: Any,
    alpha: Optional[float] = None,
    *,
    span: Optional[float] = None,
    com: Optional[float] = None,
    halflife: Any = None,
    adjust: bool = True,
    ignore_na: bool = False,
    min_periods: int = 0,
    times: Any = None,
    axis: Optional[int] = None,
    out: Any = None,
) -> Any:
    """Exponentially weighted moving average, as ``pandas ewm(...).mean()``.

    Give exactly one of ``alpha`` (0 < alpha <= 1), ``span`` (>= 1),
    ``com`` (>= 0) or ``halflife`` (> 0). ``adjust``, ``ignore_na`` and
    ``min_periods`` mean what they mean in pandas, NaN carry-forward
    included. With ``times`` (datetime64 or numbers, one per row),
    ``halflife`` is a time span (a timedelta or a string like ``"2 days"``
    for datetimes) and the weights decay with the time between rows.

    Examples
    --------
    >>> import ferroscore as fs
    >>> fs.ewm_mean([1.0, 2.0, 3.0], alpha=0.5)
    array([1.        , 1.66666667, 2.42857143])
    """
    if times is not None:
        if alpha is not None or span is not None or com is not None:
            raise TypeError("with `times` give only `halflife`")
        if halflife is None:
            raise TypeError("`times` needs `halflife`")
        if out is not None:
            raise TypeError("`out` is not supported with `times`")
        a, finish = _prepare(x, axis)
        t, hl = _times_to_float(times, halflife)
        return finish(_native.ewm_mean_times(a, t, hl, adjust, ignore_na, min_periods))
    return _run(Kernel.ewm("mean", alpha, span, com, halflife, adjust, ignore_na, min_periods), x, axis, out)


def _ewm_moment(stat: str) -> Callable[..., Any]:
    def f(
        x: Any,
        alpha: Optional[float] = None,
        *,
        span: Optional[float] = None,
        com: Optional[float] = None,
        halflife: Optional[float] = None,
        adjust: bool = True,
        ignore_na: bool = False,
        min_periods: int = 0,
        bias: bool = False,
        axis: Optional[int] = None,
        out: Any = None,
    ) -> Any:
        k = Kernel.ewm(stat, alpha, span, com, halflife, adjust, ignore_na, min_periods, bias)
        return _run(k, x, axis, out)

    what = {"var": "variance", "std": "standard deviation"}[stat]
    f.__name__ = f.__qualname__ = f"ewm_{stat}"
    f.__doc__ = f"""Exponentially weighted moving {what}, as ``pandas ewm(...).{stat}()``.

    Decay as in :func:`ewm_mean` (exactly one of ``alpha``, ``span``,
    ``com``, ``halflife``); ``bias=False`` applies pandas' bias
    correction. Output is NaN until two values have been seen.

    Examples
    --------
    >>> import ferroscore as fs
    >>> fs.ewm_{stat}([1.0, 2.0, 4.0], alpha=0.5).round(4)
    {"array([nan, 0.5, 2.5])" if stat == "var" else "array([   nan, 0.7071, 1.5811])"}
    """
    return f


ewm_var = _ewm_moment("var")
ewm_std = _ewm_moment("std")

_ROLLING_WHAT = {
    "sum": ("sum", "array([nan,  3.,  5.,  7.])"),
    "mean": ("mean", "array([nan, 1.5, 2.5, 3.5])"),
    "var": ("variance (``ddof`` degrees of freedom, default 1)", "array([nan, 0.5, 0.5, 0.5])"),
    "std": ("standard deviation (``ddof``, default 1)", "array([       nan, 0.70710678, 0.70710678, 0.70710678])"),
    "min": ("minimum", "array([nan,  1.,  2.,  3.])"),
    "max": ("maximum", "array([nan,  2.,  3.,  4.])"),
    "median": ("median", "array([nan, 1.5, 2.5, 3.5])"),
    "zscore": ("z-score ``(x - mean) / std`` of each value in its trailing window", "array([       nan, 0.70710678, 0.70710678, 0.70710678])"),
}


def _rolling(kind: str) -> Callable[..., Any]:
    def f(
        x: Any,
        window: int,
        min_periods: Optional[int] = None,
        center: bool = False,
        *,
        ddof: int = 1,
        skipna: bool = True,
        axis: Optional[int] = None,
        out: Any = None,
    ) -> Any:
        k = Kernel.rolling(kind, window, min_periods, center, ddof, None, "linear", skipna)
        return _run(k, x, axis, out)

    what, example = _ROLLING_WHAT[kind]
    f.__name__ = f.__qualname__ = f"rolling_{kind}"
    f.__doc__ = f"""Rolling {what} over a window of ``window`` rows, as ``pandas rolling(...).{kind if kind != 'zscore' else 'mean'}()``{'' if kind != 'zscore' else ' and std'}.

    Parameters
    ----------
    x : array-like, pandas/polars Series or DataFrame, pyarrow Array or Table
    window : int
        Number of rows in each window (>= 1).
    min_periods : int, optional
        Non-missing values needed for a value (default: ``window``);
        otherwise the output is NaN.
    center : bool, default False
        Label each window by its middle row instead of its last.
    ddof : int, default 1
        Delta degrees of freedom (var, std and zscore).
    skipna : bool, default True
        Skip missing values (pandas); ``False`` makes any window holding a
        missing value NaN (polars).
    axis : int, optional
        For 2-D input; default -1 for arrays, each column for data frames.
    out : numpy.ndarray, optional
        Write the result here (same shape and dtype as a numpy ``x``,
        C-contiguous) instead of allocating a new array.

    Returns
    -------
    Same container, shape and float dtype as ``x``.

    Examples
    --------
    >>> import ferroscore as fs
    >>> fs.rolling_{kind}([1.0, 2.0, 3.0, 4.0], window=2)
    {example}
    """
    return f


rolling_sum = _rolling("sum")
rolling_mean = _rolling("mean")
rolling_var = _rolling("var")
rolling_std = _rolling("std")
rolling_min = _rolling("min")
rolling_max = _rolling("max")
rolling_median = _rolling("median")
rolling_zscore = _rolling("zscore")


def rolling_quantile(
    x: Any,
    window: int,
    q: float,
    min_periods: Optional[int] = None,
    center: bool = False,
    *,
    interpolation: str = "linear",
    skipna: bool = True,
    axis: Optional[int] = None,
    out: Any = None,
) -> Any:
    """Rolling quantile ``q`` (0 <= q <= 1), as ``pandas rolling(...).quantile(q, interpolation)``.

    ``interpolation`` is one of ``linear``, ``lower``, ``higher``,
    ``nearest``, ``midpoint``. Other parameters as in :func:`rolling_mean`.

    Examples
    --------
    >>> import ferroscore as fs
    >>> fs.rolling_quantile([1.0, 2.0, 3.0, 4.0], window=3, q=0.25)
    array([nan, nan, 1.5, 2.5])
    """
    k = Kernel.rolling("quantile", window, min_periods, center, 0, q, interpolation, skipna)
    return _run(k, x, axis, out)


def _cumulative(kind: str, doc: str) -> Callable[..., Any]:
    def f(x: Any, *, skipna: bool = True, axis: Optional[int] = None, out: Any = None) -> Any:
        return _run(Kernel.cumulative(kind, skipna), x, axis, out)

    f.__name__ = f.__qualname__ = kind
    f.__doc__ = doc
    return f


cumsum = _cumulative(
    "cumsum",
    """Cumulative sum (compensated), as ``pandas Series.cumsum()``.

    A missing value gives NaN at its row; with ``skipna=True`` the sum goes
    on past it, with ``skipna=False`` every later output is NaN.

    >>> import ferroscore as fs
    >>> fs.cumsum([1.0, float("nan"), 2.0])
    array([ 1., nan,  3.])
    """,
)
cummax = _cumulative(
    "cummax",
    """Cumulative maximum, as ``pandas Series.cummax()``.

    >>> import ferroscore as fs
    >>> fs.cummax([1.0, 3.0, 2.0])
    array([1., 3., 3.])
    """,
)
cummin = _cumulative(
    "cummin",
    """Cumulative minimum, as ``pandas Series.cummin()``.

    >>> import ferroscore as fs
    >>> fs.cummin([3.0, 1.0, 2.0])
    array([3., 1., 1.])
    """,
)
drawdown = _cumulative(
    "drawdown",
    """Drawdown ``x / cummax(x) - 1``: the fall from the running peak.

    >>> import ferroscore as fs
    >>> fs.drawdown([100.0, 120.0, 90.0])
    array([ 0.  ,  0.  , -0.25])
    """,
)


# ----------------------------------------------------------- reductions


def _reduce(x: Any, kind: str, axis: Optional[int], p: float = 1.5, ddof: int = 1) -> Any:
    out: Any = None
    if axis is None and type(x) is np.ndarray:
        out = _native.try_reduce(x, kind, p, ddof)
    if out is None:
        a, finish = _prepare(x, axis)
        out = _native.reduce(a, kind, p, ddof)
        if a.ndim == 1:
            return out
        if kind == "count":
            out = out.astype(np.int64)
        return finish(out)
    if kind == "count" and isinstance(out, np.ndarray):
        out = out.astype(np.int64)
    return out


def sum(x: Any, *, axis: Optional[int] = None) -> Any:  # noqa: A001
    """Sum of the non-missing values (0.0 when there are none), accumulated
    in float64 whatever the input dtype; bit-identical for any thread count.

    2-D input gives one value per lane along ``axis``.

    >>> import ferroscore as fs
    >>> fs.sum([1.0, float("nan"), 2.5])
    3.5
    """
    return _reduce(x, "sum", axis)


def count(x: Any, *, axis: Optional[int] = None) -> Any:
    """Number of non-missing values.

    >>> import ferroscore as fs
    >>> fs.count([1.0, float("nan"), 2.5])
    2
    """
    return _reduce(x, "count", axis)


def mean(x: Any, *, axis: Optional[int] = None) -> Any:
    """Mean of the non-missing values (NaN when there are none).

    >>> import ferroscore as fs
    >>> fs.mean([1.0, float("nan"), 2.0])
    1.5
    """
    return _reduce(x, "mean", axis)


def var(x: Any, ddof: int = 1, *, axis: Optional[int] = None) -> Any:
    """Variance of the non-missing values with ``ddof`` (default 1, as pandas).

    >>> import ferroscore as fs
    >>> fs.var([1.0, 2.0, 3.0, float("nan")])
    1.0
    """
    return _reduce(x, "var", axis, ddof=ddof)


def std(x: Any, ddof: int = 1, *, axis: Optional[int] = None) -> Any:
    """Standard deviation of the non-missing values with ``ddof`` (default 1).

    >>> import ferroscore as fs
    >>> fs.std([1.0, 2.0, 3.0])
    1.0
    """
    return _reduce(x, "std", axis, ddof=ddof)


def min(x: Any, *, axis: Optional[int] = None) -> Any:  # noqa: A001
    """Smallest non-missing value (NaN when there are none).

    >>> import ferroscore as fs
    >>> fs.min([3.0, float("nan"), 1.0])
    1.0
    """
    return _reduce(x, "min", axis)


def max(x: Any, *, axis: Optional[int] = None) -> Any:  # noqa: A001
    """Largest non-missing value (NaN when there are none).

    >>> import ferroscore as fs
    >>> fs.max([3.0, float("nan"), 1.0])
    3.0
    """
    return _reduce(x, "max", axis)


def power_sum(x: Any, p: float = 1.5, *, axis: Optional[int] = None) -> Any:
    """Sum of ``v**p`` over the values ``v > 0`` (missing skipped).

    >>> import ferroscore as fs
    >>> fs.power_sum([4.0, -1.0, float("nan"), 1.0])
    9.0
    """
    return _reduce(x, "power_sum", axis, p=p)


def dot(a: Any, b: Any) -> float:
    """Sum of ``a*b`` over the pairs where both are present (1-D).

    >>> import ferroscore as fs
    >>> fs.dot([1.0, 2.0, float("nan")], [3.0, 4.0, 5.0])
    11.0
    """
    aa, _, _ = to_numpy(a, "a")
    bb, _, _ = to_numpy(b, "b")
    if aa.ndim != 1:
        raise TypeError(f"`a` must be 1-D, got {aa.ndim} dimensions")
    if bb.ndim != 1:
        raise TypeError(f"`b` must be 1-D, got {bb.ndim} dimensions")
    if aa.dtype != bb.dtype:
        aa, bb = aa.astype(np.float64), bb.astype(np.float64)
    return float(_native.dot(np.ascontiguousarray(aa), np.ascontiguousarray(bb)))


def moments(x: Any, *, axis: Optional[int] = None) -> Any:
    """A mergeable summary :class:`Moments` (count, mean, m2, min, max).

    Summaries of chunks merge (``a + b``) into the summary of the whole, so
    a statistic can be computed over data that never sits in memory at once.
    2-D input gives a list, one summary per lane.

    >>> import ferroscore as fs
    >>> m = fs.moments([1.0, 2.0]) + fs.moments([3.0, 4.0])
    >>> m.count, m.mean, m.var()
    (4, 2.5, 1.6666666666666667)
    """
    a, _ = _prepare(x, axis)
    out = _native.moments(a)
    return out[0] if a.ndim == 1 else out


# ---------------------------------------------------- group aggregations


def _factorize(groups: Any, n: int) -> Tuple[np.ndarray, Optional[int], Any]:
    """Integer codes (negative = skip the row), their count, and the labels
    (None when the groups were already codes)."""
    mod = type(groups).__module__.split(".", 1)[0]
    if mod == "pandas":
        import pandas as pd

        s = groups if isinstance(groups, (pd.Series, pd.Index)) else pd.Series(groups)
        if isinstance(s.dtype, pd.CategoricalDtype):
            cat = pd.Categorical(s)
            return np.asarray(cat.codes, dtype=np.int64), len(cat.categories), cat.categories
        if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu":
            g = s.to_numpy()
        else:
            codes, uniques = pd.factorize(s, sort=True)
            return codes.astype(np.int64), len(uniques), uniques
    elif mod == "polars":
        g = groups.to_numpy()
    elif mod == "pyarrow":
        g = groups.to_numpy(zero_copy_only=False)
    else:
        g = np.asarray(groups)
    if g.ndim != 1:
        raise TypeError(f"`groups` must be 1-D, got {g.ndim} dimensions")
    if g.dtype.kind in "iu" and g.dtype.itemsize <= 8 and not (g.dtype.kind == "u" and g.dtype.itemsize == 8):
        if g.dtype not in (np.dtype(np.int64), np.dtype(np.int32)):
            g = g.astype(np.int64)
        return np.ascontiguousarray(g), None, None
    if g.dtype.kind == "b":
        return g.astype(np.int64), 2, np.array([False, True])
    if g.dtype.kind in "fc":
        raise TypeError("`groups` must be integer codes or labels (strings, categories), not floats")
    uniques, codes = np.unique(g, return_inverse=True)
    return codes.astype(np.int64), len(uniques), uniques


def _group(kind: str) -> Callable[..., Any]:
    def f(x: Any, groups: Any, n_groups: Optional[int] = None, **kw: Any) -> Any:
        arr, _, _ = to_numpy(x, "x")
        if arr.ndim != 1:
            raise TypeError(f"`x` must be 1-D for group_{kind}, got {arr.ndim} dimensions")
        codes, found, labels = _factorize(groups, len(arr))
        if n_groups is None:
            n_groups = found
        p = float(kw.pop("p", 1.5))
        ddof = int(kw.pop("ddof", 1))
        if kw:
            raise TypeError(f"group_{kind}() got unexpected keyword argument(s) {sorted(kw)}")
        out = _native.group(np.ascontiguousarray(arr), codes, kind, n_groups, p, ddof)
        if kind == "count":
            out = out.astype(np.int64)
        if labels is not None and type(x).__module__.split(".", 1)[0] == "pandas":
            import pandas as pd

            return pd.Series(out, index=pd.Index(labels), name=getattr(x, "name", None))
        return out

    extra = {"power_sum": " (``p``, default 1.5, over values > 0)", "var": " (``ddof``, default 1)", "std": " (``ddof``, default 1)"}
    f.__name__ = f.__qualname__ = f"group_{kind}"
    f.__doc__ = f"""Per-group {kind}{extra.get(kind, '')} of ``x``, missing values skipped.

    ``groups`` are integer codes ``0..n_groups-1`` (int64 or int32; a
    negative code skips the row), or labels (strings, pandas categoricals,
    any sortable values) which are factorized in sorted order. Returns one
    value per group (a pandas Series indexed by the labels when ``x`` is
    pandas and groups are labels); empty groups give {'0' if kind in ('sum', 'count', 'power_sum') else 'NaN'}.

    >>> import ferroscore as fs
    >>> fs.group_{kind}([1.0, 2.0, 4.0], [0, 1, 1]){'' if kind not in ('var', 'std') else '.round(4)'}
    {_GROUP_EXAMPLES[kind]}
    """
    return f


_GROUP_EXAMPLES = {
    "sum": "array([1., 6.])",
    "count": "array([1, 2])",
    "mean": "array([1., 3.])",
    "var": "array([nan,  2.])",
    "std": "array([   nan, 1.4142])",
    "min": "array([1., 2.])",
    "max": "array([1., 4.])",
    "power_sum": "array([ 1.        , 10.82842712])",
}

group_sum = _group("sum")
group_count = _group("count")
group_mean = _group("mean")
group_var = _group("var")
group_std = _group("std")
group_min = _group("min")
group_max = _group("max")
group_power_sum = _group("power_sum")

__all__ = [
    "score_series", "ewm_mean", "ewm_var", "ewm_std",
    "rolling_sum", "rolling_mean", "rolling_var", "rolling_std", "rolling_min",
    "rolling_max", "rolling_median", "rolling_quantile", "rolling_zscore",
    "cumsum", "cummax", "cummin", "drawdown",
    "count", "mean", "var", "std", "power_sum", "dot", "moments",
    "group_sum", "group_count", "group_mean", "group_var", "group_std",
    "group_min", "group_max", "group_power_sum",
]
