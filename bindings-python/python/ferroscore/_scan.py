"""The scan language: user-written recurrences, compiled once by the core.

See docs/scan.md for the grammar. The same source text gives the same
numbers from Python, R, C, Fortran, Julia and Rust.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _ferroscore as _native
from ._api import _prepare
from ._convert import to_numpy

ScanProgram = _native.ScanProgram
ScanState = _native.ScanState

Params = Optional[Mapping[str, float]]
Init = Union[float, Sequence[float]]


def compile_scan(
    source: str,
    params: Params = None,
    *,
    inputs: Sequence[str] = ("x",),
    skipna: bool = True,
) -> Any:
    """Compiles a scan program once; run it with :func:`scan` or ``.run``.

    ``source`` is an expression or statements in the scan language (see
    docs/scan.md): ``x`` is the current value (or the names in ``inputs``),
    ``s`` the state, ``params`` named constants, ``i`` the row index.
    A program that does not compile raises :class:`ScanSyntaxError` with
    the line, the column and a caret under the source.

    >>> import ferroscore as fs
    >>> p = fs.compile_scan("if x > s then s * up + x else s * down", {"up": 0.9, "down": 0.5})
    >>> fs.scan(p, [1.0, 2.0, 0.5])
    array([1.  , 2.9 , 1.45])
    >>> p.states, p.backend
    (['s'], 'affine')
    """
    if not isinstance(source, str):
        raise TypeError(f"`source` must be a string, got {type(source).__name__}")
    pairs = _param_pairs(params)
    return _compile_cached(source, pairs, tuple(inputs), bool(skipna))


def _param_pairs(params: Params) -> Tuple[Tuple[str, float], ...]:
    if params is None:
        return ()
    if not isinstance(params, Mapping):
        raise TypeError("`params` must be a mapping of name -> number")
    return tuple(sorted((str(k), float(v)) for k, v in params.items()))


@lru_cache(maxsize=256)
def _compile_cached(source: str, params: Tuple[Tuple[str, float], ...], inputs: Tuple[str, ...], skipna: bool) -> Any:
    return ScanProgram(source, list(params), list(inputs), skipna)


def _init_list(init: Init) -> List[float]:
    if isinstance(init, (int, float, np.floating, np.integer)):
        return [float(init)]
    try:
        return [float(v) for v in init]
    except TypeError:
        raise TypeError("`init` must be a number or a sequence of numbers (one per state)") from None


def _columns(prog: Any, x: Any, axis: Optional[int]) -> Tuple[List[np.ndarray], Any]:
    names = prog.inputs
    if len(names) == 1 and not isinstance(x, Mapping):
        a, finish = _prepare(x, axis)
        return [a], finish
    if isinstance(x, Mapping):
        missing = [n for n in names if n not in x]
        if missing:
            raise TypeError(f"`x` lacks the program's input(s) {missing}")
        cols = [x[n] for n in names]
    elif type(x).__module__.split(".", 1)[0] in ("pandas", "polars", "pyarrow") and hasattr(x, "columns"):
        cols = [x[n] for n in names]
    elif isinstance(x, (tuple, list)) and len(x) == len(names) and not np.isscalar(x[0]):
        cols = list(x)
    else:
        raise TypeError(
            f"the program reads {len(names)} inputs {names}: pass a mapping of them, "
            "a data frame with those columns, or a tuple of arrays in that order"
        )
    prepared = [_prepare(c, axis, f"x[{n!r}]") for n, c in zip(names, cols)]
    arrays = [a for a, _ in prepared]
    if len({a.dtype for a in arrays}) > 1:
        arrays = [a.astype(np.float64) for a in arrays]
    return arrays, prepared[0][1]


def scan(
    program: Any,
    x: Any,
    init: Init = 0.0,
    params: Params = None,
    *,
    inputs: Optional[Sequence[str]] = None,
    skipna: bool = True,
    axis: Optional[int] = None,
) -> Any:
    """Runs a scan program (or compiles ``program`` if it is source text;
    compiled programs are cached) over ``x``.

    ``x`` is one series (numpy, list, pandas, polars, pyarrow; 2-D runs
    each lane in parallel) for a one-input program, or a mapping / data
    frame / tuple of series for a program with several ``inputs``.
    ``init`` gives the states' start values (one number for all, or one per
    state in ``program.states`` order). Missing values: with ``skipna`` a
    row with a missing input leaves the states unchanged and repeats the
    last output.

    >>> import ferroscore as fs
    >>> fs.scan("s * 0.5 + x", [2.0, 2.0, float("nan"), 2.0])
    array([2. , 3. , 3. , 3.5])
    >>> fs.scan("a + b", {"a": [1.0, 2.0], "b": [10.0, 20.0]}, inputs=["a", "b"])
    array([11., 22.])
    """
    if isinstance(program, str):
        program = compile_scan(program, params, inputs=inputs or ("x",), skipna=skipna)
    elif params is not None or inputs is not None:
        raise TypeError("`params` and `inputs` belong to compile_scan when `program` is compiled")
    arrays, finish = _columns(program, x, axis)
    return finish(program.run(arrays, _init_list(init)))


class Scan:
    """A resumable scan: ``update(chunk)`` gives what one :func:`scan` call
    over all chunks so far would give for this chunk. Picklable.

    >>> import ferroscore as fs
    >>> st = fs.Scan("s + x")
    >>> st.update([1.0, 2.0]), st.update([3.0])
    (array([1., 3.]), array([6.]))
    """

    def __init__(
        self,
        program: Any,
        init: Init = 0.0,
        params: Params = None,
        *,
        inputs: Optional[Sequence[str]] = None,
        skipna: bool = True,
    ) -> None:
        if isinstance(program, str):
            program = compile_scan(program, params, inputs=inputs or ("x",), skipna=skipna)
        self.program = program
        self._state = program.state(_init_list(init))

    def update(self, x: Any) -> Any:
        """The output for the next chunk (1-D per input)."""
        arrays, finish = _columns(self.program, x, None)
        return finish(self._state.update(arrays))

    @property
    def states(self) -> List[float]:
        """The current state values."""
        return list(self._state.states)

    @property
    def rows(self) -> int:
        """Rows seen so far."""
        return int(self._state.rows)

    def __repr__(self) -> str:
        return f"Scan({self.program.source!r}, states={self.states}, rows={self.rows})"

    def __getstate__(self) -> Dict[str, Any]:
        return {"state": self._state}

    def __setstate__(self, d: Dict[str, Any]) -> None:
        self._state = d["state"]
        self.program = self._state.program
