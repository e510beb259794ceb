"""`validate(table, rules)`: the columnar report and its exception."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Tuple, Union

import numpy as np

from . import _ferroscore as _native
from ._ferroscore import FerroscoreError
from .rules import Rule

RulesArg = Mapping[str, Union[Rule, Iterable[Rule]]]


class ValidationError(FerroscoreError):
    """Raised by :meth:`Report.raise_for_failures`; ``.report`` holds the report."""

    def __init__(self, report: "Report") -> None:
        super().__init__(str(report))
        self.report = report

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.report,))


ValidationError.__module__ = "ferroscore"


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule on one column."""

    column: str
    rule: str
    n_failed: int
    failed_rows: np.ndarray
    failed_values: np.ndarray

    @property
    def passed(self) -> bool:
        """True when no row failed."""
        return self.n_failed == 0


@dataclass(frozen=True)
class Report:
    """One row per (column, rule): how many rows failed and the first
    ``max_failures`` failing row indices and values."""

    n_rows: int
    results: Tuple[RuleResult, ...]

    @property
    def ok(self) -> bool:
        """True when every rule passed on every column."""
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> List[RuleResult]:
        """The results of the rules that failed."""
        return [r for r in self.results if not r.passed]

    def summary(self) -> Any:
        """A pandas DataFrame (columns ``column, rule, n_failed, passed,
        failed_rows, failed_values``), or a list of dicts without pandas."""
        rows = [
            {
                "column": r.column,
                "rule": r.rule,
                "n_failed": r.n_failed,
                "passed": r.passed,
                "failed_rows": r.failed_rows.tolist(),
                "failed_values": r.failed_values.tolist(),
            }
            for r in self.results
        ]
        try:
            import pandas as pd
        except ImportError:
            return rows
        return pd.DataFrame(rows, columns=["column", "rule", "n_failed", "passed", "failed_rows", "failed_values"])

    def raise_for_failures(self) -> "Report":
        """Raises :class:`ValidationError` when a rule failed; returns the
        report otherwise (so calls chain)."""
        if not self.ok:
            raise ValidationError(self)
        return self

    def __str__(self) -> str:
        head = f"validation of {self.n_rows} rows: " + (
            "all rules passed" if self.ok else f"{len(self.failures)} of {len(self.results)} rules failed"
        )
        lines = [head]
        for r in self.results:
            status = "ok" if r.passed else f"FAILED {r.n_failed} rows"
            line = f"  {r.column}: {r.rule}: {status}"
            if not r.passed:
                shown = ", ".join(
                    f"row {i} = {v!r}" for i, v in zip(r.failed_rows.tolist(), r.failed_values.tolist())
                )
                more = " ..." if r.n_failed > len(r.failed_rows) else ""
                line += f" ({shown}{more})"
            lines.append(line)
        return "\n".join(lines)

    def _repr_html_(self) -> Any:  # notebooks
        s = self.summary()
        return s._repr_html_() if hasattr(s, "_repr_html_") else None


def _column(values: Any, name: str) -> np.ndarray:
    """A column as float64/float32/int64, without a copy where possible."""
    mod = type(values).__module__.split(".", 1)[0]
    if mod == "polars":
        import polars as pl

        if values.dtype.is_integer() and values.null_count() == 0:
            values = values.cast(pl.Int64)
        elif values.dtype not in (pl.Float32, pl.Float64):
            values = values.cast(pl.Float64)
        arr = values.to_numpy()
    elif mod == "pyarrow":
        import pyarrow as pa

        if pa.types.is_integer(values.type) and values.null_count == 0:
            arr = values.to_numpy().astype(np.int64, copy=False)
        else:
            arr = values.to_numpy(zero_copy_only=False)
    elif mod == "pandas":
        dt = values.dtype
        if isinstance(dt, np.dtype) and dt.kind in "fiumb":
            arr = values.to_numpy()
        elif isinstance(dt, np.dtype) and dt.kind in "Mm":
            arr = values.to_numpy().view(np.int64)
        elif getattr(dt, "kind", "") in "iu" and not values.isna().any():
            arr = values.to_numpy(dtype=np.int64)
        else:
            try:
                arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError):
                raise TypeError(f"column `{name}` must hold numbers, got dtype {dt}") from None
    else:
        arr = np.asarray(values)
    if arr.ndim != 1:
        raise TypeError(f"column `{name}` must be 1-D, got {arr.ndim} dimensions")
    dt = arr.dtype
    if dt.kind in "Mm":
        arr = arr.view(np.int64)
    elif dt.kind in "iub":
        if dt != np.dtype(np.int64):
            arr = arr.astype(np.int64)
    elif dt.kind == "f":
        if dt not in (np.dtype(np.float64), np.dtype(np.float32)) or not dt.isnative:
            arr = arr.astype(np.float64)
    else:
        raise TypeError(f"column `{name}` must hold numbers, got dtype {dt}")
    return np.ascontiguousarray(arr)


def _get_column(table: Any, name: str) -> Any:
    mod = type(table).__module__.split(".", 1)[0]
    if isinstance(table, Mapping):
        return table[name] if name in table else None
    if mod == "pandas":
        return table[name] if name in table.columns else None
    if mod == "polars":
        return table.get_column(name) if name in table.columns else None
    if mod == "pyarrow":
        return table.column(name) if name in table.column_names else None
    raise TypeError(
        "`table` must be a dict of arrays, a pandas or polars DataFrame or a pyarrow Table, "
        f"got {type(table).__name__}"
    )


def validate(table: Any, rules: RulesArg, max_failures: int = 10) -> Report:
    """Checks ``rules`` (a mapping column -> rule or list of rules) on
    ``table`` in one fused pass per column, columns in parallel.

    ``table`` is a dict of arrays (or lists), a pandas or polars DataFrame
    or a pyarrow Table. Float columns may hold NaN/nulls (missing); integer,
    bool and datetime columns are checked as int64.

    >>> import ferroscore as fs
    >>> r = fs.validate({"price": [1.0, -2.0, 3.0]}, {"price": [fs.rules.in_range(0, 10)]})
    >>> r.ok, r.failures[0].failed_rows.tolist()
    (False, [1])
    """
    if not isinstance(rules, Mapping):
        raise TypeError("`rules` must be a mapping of column name -> rule or list of rules")
    pairs: List[Tuple[str, Tuple[str, List[float], str, bool, bool]]] = []
    columns: Dict[str, np.ndarray] = {}
    for col, rs in rules.items():
        if not isinstance(col, str):
            raise TypeError(f"`rules`: column names must be strings, got {col!r}")
        items = [rs] if isinstance(rs, Rule) else list(rs)
        for r in items:
            if not isinstance(r, Rule):
                raise TypeError(f"`rules[{col!r}]` must hold rules from fs.rules, got {r!r}")
            pairs.append((col, r.spec()))
        if col not in columns:
            values = _get_column(table, col)
            if values is not None:
                columns[col] = _column(values, col)
    n_rows, rows = _native.validate(list(columns.items()), pairs, max_failures)
    results = tuple(
        RuleResult(c, rule, int(n), rows_.astype(np.int64), vals) for c, rule, n, rows_, vals in rows
    )
    return Report(n_rows, results)
