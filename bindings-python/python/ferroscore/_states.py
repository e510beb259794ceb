"""Resumable scans: feed a series in chunks, get what one call would give."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _ferroscore as _native
from ._api import _prepare

__all__ = [
    "ScoreSeries", "EwmMean", "EwmVar", "EwmStd", "Rolling", "Cumulative",
]


class _State:
    """Base of the state objects: ``update(chunk)`` returns the chunk's
    output as if every chunk so far were one array; ``reset()`` starts over.
    A 2-D chunk carries one state per lane (the rows, or each column of a
    data frame); every later chunk must have as many lanes."""

    _kernel: Any

    def update(self, x: Any, *, axis: Optional[int] = None) -> Any:
        """The output for the next chunk ``x``, in x's container."""
        a, finish = _prepare(x, axis)
        return finish(self._kernel.update(a))

    def reset(self) -> None:
        """Forgets everything seen so far."""
        self._kernel.reset()

    def run(self, x: Any, *, axis: Optional[int] = None) -> Any:
        """The kernel on a whole series, without touching the carried state."""
        a, finish = _prepare(x, axis)
        return finish(self._kernel.run(a))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._args})"

    def __reduce__(self) -> Any:
        # The constructor's arguments and the carried state as numbers
        # (Dask, Spark and Ray ship states between processes this way).
        return (_restore, (type(self), self._kw, self._kernel.save()))

    _args = ""
    _kw: Dict[str, Any] = {}


def _restore(cls: Any, kw: Dict[str, Any], saved: Any) -> Any:
    obj = cls(**kw)
    obj._kernel.load(saved)
    return obj


class ScoreSeries(_State):
    """Resumable :func:`ferroscore.score_series`.

    >>> import ferroscore as fs
    >>> st = fs.ScoreSeries()
    >>> st.update([1.0, 2.0]), st.update([0.5])
    (array([1. , 2.9]), array([1.45]))
    """

    def __init__(self, up: float = 0.9, down: float = 0.5, init: float = 0.0, *, skipna: bool = True) -> None:
        self._kw = dict(up=up, down=down, init=init, skipna=skipna)
        self._kernel = _native.Kernel.score(up, down, init, skipna)
        self._args = f"up={up!r}, down={down!r}, init={init!r}, skipna={skipna!r}"


class _Ewm(_State):
    _stat = "mean"

    def __init__(
        self,
        alpha: Optional[float] = None,
        *,
        span: Optional[float] = None,
        com: Optional[float] = None,
        halflife: Optional[float] = None,
        adjust: bool = True,
        ignore_na: bool = False,
        min_periods: int = 0,
        bias: bool = False,
    ) -> None:
        self._kw = dict(
            alpha=alpha, span=span, com=com, halflife=halflife, adjust=adjust,
            ignore_na=ignore_na, min_periods=min_periods, bias=bias,
        )
        self._kernel = _native.Kernel.ewm(
            self._stat, alpha, span, com, halflife, adjust, ignore_na, min_periods, bias
        )
        given = {"alpha": alpha, "span": span, "com": com, "halflife": halflife}
        decay = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)
        self._args = f"{decay}, adjust={adjust!r}, ignore_na={ignore_na!r}, min_periods={min_periods!r}"


class EwmMean(_Ewm):
    """Resumable :func:`ferroscore.ewm_mean` (without ``times``).

    >>> import ferroscore as fs
    >>> st = fs.EwmMean(alpha=0.5)
    >>> st.update([1.0, 2.0]), st.update([3.0])
    (array([1.        , 1.66666667]), array([2.42857143]))
    """

    _stat = "mean"


class EwmVar(_Ewm):
    """Resumable :func:`ferroscore.ewm_var`."""

    _stat = "var"


class EwmStd(_Ewm):
    """Resumable :func:`ferroscore.ewm_std`."""

    _stat = "std"


class Rolling(_State):
    """Resumable trailing window: ``stat`` is ``sum``, ``mean``, ``var``,
    ``std``, ``zscore``, ``min``, ``max``, ``median`` or ``quantile``
    (with ``q``). Centered windows look ahead, so they are not resumable.

    >>> import ferroscore as fs
    >>> st = fs.Rolling("mean", window=2)
    >>> st.update([1.0, 2.0]), st.update([4.0])
    (array([nan, 1.5]), array([3.]))
    """

    def __init__(
        self,
        stat: str,
        window: int,
        min_periods: Optional[int] = None,
        *,
        ddof: int = 1,
        q: Optional[float] = None,
        interpolation: str = "linear",
        skipna: bool = True,
    ) -> None:
        self._kw = dict(
            stat=stat, window=window, min_periods=min_periods, ddof=ddof, q=q,
            interpolation=interpolation, skipna=skipna,
        )
        self._kernel = _native.Kernel.rolling(stat, window, min_periods, False, ddof, q, interpolation, skipna)
        self._args = f"{stat!r}, window={window!r}, min_periods={min_periods!r}"


class Cumulative(_State):
    """Resumable ``cumsum``, ``cummax``, ``cummin`` or ``drawdown``.

    >>> import ferroscore as fs
    >>> st = fs.Cumulative("cumsum")
    >>> st.update([1.0, 2.0]), st.update([3.0])
    (array([1., 3.]), array([6.]))
    """

    def __init__(self, stat: str, *, skipna: bool = True) -> None:
        self._kw = dict(stat=stat, skipna=skipna)
        self._kernel = _native.Kernel.cumulative(stat, skipna)
        self._args = f"{stat!r}, skipna={skipna!r}"


