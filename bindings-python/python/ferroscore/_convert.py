"""Containers in, numpy out, and back: the only place that knows pandas,
polars and pyarrow. Each is imported only when the input is one of theirs."""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import numpy as np

from ._ferroscore import FerroscoreError

_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))

Wrap = Callable[[np.ndarray], Any]


def _identity(out: np.ndarray) -> Any:
    return out


def _module_of(x: Any) -> str:
    return type(x).__module__.split(".", 1)[0]


def as_float_array(arr: Any, name: str) -> np.ndarray:
    """`arr` as a native-endian float64/float32 ndarray (ints and bools
    become float64); anything else is a TypeError naming `name`."""
    if not isinstance(arr, np.ndarray):
        try:
            arr = np.asarray(arr)
        except (TypeError, ValueError) as e:
            raise TypeError(f"`{name}` must be array-like of numbers: {e}") from None
    return _float_dtype(arr, name)


def _float_dtype(arr: np.ndarray, name: str) -> np.ndarray:
    dt = arr.dtype
    if dt in _FLOATS:
        if not dt.isnative:
            return np.asarray(arr.astype(dt.newbyteorder("=")))
        return arr
    if dt.kind in "biuf":  # bool, ints, float16, longdouble
        return np.asarray(arr, dtype=np.float64)
    raise TypeError(
        f"`{name}` must hold numbers (float64, float32, int or bool), got dtype {dt}"
    )


def to_numpy(x: Any, name: str = "x") -> Tuple[np.ndarray, Wrap, Optional[int]]:
    """Returns `(array, wrap, default_axis)`: the data as a float ndarray,
    a function that puts a same-shaped result back into x's container, and
    the axis a kernel runs along by default (-1; 0 for pandas data frames;
    None for polars and Arrow tables, which are laid out one column per row
    and take no `axis`)."""
    if isinstance(x, np.ndarray):
        return as_float_array(x, name), _identity, -1
    mod = _module_of(x)
    if mod == "pandas":
        return _from_pandas(x, name)
    if mod == "polars":
        return _from_polars(x, name)
    if mod == "pyarrow" or hasattr(x, "__arrow_c_array__") or hasattr(x, "__arrow_c_stream__"):
        return _from_arrow(x, name)
    if isinstance(x, (str, bytes, dict)) or x is None:
        raise TypeError(f"`{name}` must be array-like of numbers, got {type(x).__name__}")
    return as_float_array(x, name), _identity, -1


def _pandas_values(s: Any, name: str) -> np.ndarray:
    dt = s.dtype
    if isinstance(dt, np.dtype) and dt in _FLOATS:
        return as_float_array(s.to_numpy(), name)
    try:
        return np.asarray(s.to_numpy(dtype=np.float64, na_value=np.nan))
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must hold numbers, got dtype {dt}") from None


def _from_pandas(x: Any, name: str) -> Tuple[np.ndarray, Wrap, Optional[int]]:
    import pandas as pd

    if isinstance(x, pd.Series):
        arr = _pandas_values(x, name)
        index, sname = x.index, x.name

        def wrap(out: np.ndarray) -> Any:
            return pd.Series(out, index=index, name=sname)

        return arr, wrap, -1
    if isinstance(x, pd.DataFrame):
        dts = set(x.dtypes)
        if len(dts) == 1 and next(iter(dts)) in _FLOATS:
            arr = as_float_array(x.to_numpy(), name)
        else:
            cols = [_pandas_values(x.iloc[:, j], name) for j in range(x.shape[1])]
            arr = np.column_stack(cols) if cols else np.empty((len(x), 0))
        index, columns = x.index, x.columns

        def wrap_df(out: np.ndarray) -> Any:
            if out.ndim == 1:  # a reduction: one value per column
                return pd.Series(out, index=columns)
            return pd.DataFrame(out, index=index, columns=columns)

        return arr, wrap_df, 0
    if isinstance(x, pd.Index):
        return _pandas_values(pd.Series(x), name), _identity, -1
    raise TypeError(f"`{name}`: unsupported pandas object {type(x).__name__}")


def _polars_series_values(s: Any, name: str) -> np.ndarray:
    import polars as pl

    if s.dtype not in (pl.Float64, pl.Float32):
        if not s.dtype.is_numeric() and s.dtype != pl.Boolean:
            raise TypeError(f"`{name}` must hold numbers, got polars dtype {s.dtype}")
        s = s.cast(pl.Float64)
    return as_float_array(s.to_numpy(), name)


def _from_polars(x: Any, name: str) -> Tuple[np.ndarray, Wrap, Optional[int]]:
    import polars as pl

    if isinstance(x, pl.Series):
        arr = _polars_series_values(x, name)
        sname = x.name

        def wrap(out: np.ndarray) -> Any:
            return pl.Series(sname, out)

        return arr, wrap, -1
    if isinstance(x, pl.DataFrame):
        cols = [_polars_series_values(x.get_column(c), name) for c in x.columns]
        names = list(x.columns)
        arr = np.stack(cols, axis=0) if cols else np.empty((0, x.height))
        # Stored one column per row: the kernels run along the last axis.

        def wrap_df(out: np.ndarray) -> Any:
            if out.ndim == 1:
                return pl.DataFrame({n: [v] for n, v in zip(names, out)})
            return pl.DataFrame({n: out[i] for i, n in enumerate(names)})

        return arr, wrap_df, None
    if isinstance(x, pl.LazyFrame):
        raise TypeError(f"`{name}`: collect() the polars LazyFrame first")
    raise TypeError(f"`{name}`: unsupported polars object {type(x).__name__}")


def _arrow_values(a: Any, name: str) -> np.ndarray:
    import pyarrow as pa

    t = a.type
    if not (pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t)):
        raise TypeError(f"`{name}` must hold numbers, got arrow type {t}")
    if pa.types.is_floating(t) and t.bit_width in (32, 64) and a.null_count == 0:
        # Zero-copy for a single chunk without nulls.
        if isinstance(a, pa.ChunkedArray):
            a = a.combine_chunks() if a.num_chunks != 1 else a.chunk(0)
        return as_float_array(a.to_numpy(zero_copy_only=False), name)
    out = a.to_numpy(zero_copy_only=False)  # nulls become NaN
    return as_float_array(out, name)


def _from_arrow(x: Any, name: str) -> Tuple[np.ndarray, Wrap, Optional[int]]:
    try:
        import pyarrow as pa
    except ImportError:
        raise TypeError(f"`{name}`: Arrow input needs pyarrow installed") from None
    if not isinstance(x, (pa.Array, pa.ChunkedArray, pa.Table, pa.RecordBatch)):
        if hasattr(x, "__arrow_c_array__"):
            x = pa.array(x)
        elif hasattr(x, "__arrow_c_stream__"):
            x = pa.chunked_array(x)
    if isinstance(x, (pa.Array, pa.ChunkedArray)):
        arr = _arrow_values(x, name)

        def wrap(out: np.ndarray) -> Any:
            return pa.array(out)

        return arr, wrap, -1
    if isinstance(x, (pa.Table, pa.RecordBatch)):
        names = list(x.column_names)
        cols = [_arrow_values(x.column(i), name) for i in range(x.num_columns)]
        arr = np.stack(cols, axis=0) if cols else np.empty((0, x.num_rows))

        def wrap_t(out: np.ndarray) -> Any:
            if out.ndim == 1:
                return pa.table({n: [v] for n, v in zip(names, out)})
            return pa.table({n: out[i] for i, n in enumerate(names)})

        return arr, wrap_t, None
    raise TypeError(f"`{name}`: unsupported arrow object {type(x).__name__}")


def lanes(arr: np.ndarray, axis: Any, name: str = "x") -> Tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """`arr` with the kernel's axis last and C-contiguous (copied once only
    when it is not), and a function that moves a result's axis back."""
    if arr.ndim == 0:
        raise TypeError(f"`{name}` must be 1-D or 2-D, got a scalar")
    if arr.ndim > 2:
        raise TypeError(f"`{name}` must be 1-D or 2-D, got {arr.ndim} dimensions")
    try:
        ax = int(axis)
    except (TypeError, ValueError):
        raise TypeError(f"`axis` must be an integer, got {axis!r}") from None
    if not -arr.ndim <= ax < arr.ndim:
        raise FerroscoreError(
            f"invalid argument `axis`: {axis} is out of range for a {arr.ndim}-D array"
        )
    ax %= arr.ndim
    if arr.ndim == 1 or ax == arr.ndim - 1:
        return np.ascontiguousarray(arr), _noop
    moved = np.ascontiguousarray(np.moveaxis(arr, ax, -1))

    def back(out: np.ndarray) -> np.ndarray:
        return np.moveaxis(out, -1, ax) if out.ndim == 2 else out

    return moved, back


def _noop(out: np.ndarray) -> np.ndarray:
    return out
