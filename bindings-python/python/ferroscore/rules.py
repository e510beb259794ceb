"""Validation rules: small constructors, one per rule of SPEC.md.

>>> import ferroscore as fs
>>> fs.rules.in_range(0, 1e6)
in_range(0, 1000000.0, closed='both')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, List, Tuple

__all__ = [
    "Rule", "not_missing", "finite", "in_range", "in_set", "unique",
    "monotonic", "max_abs_zscore", "no_gaps",
]


@dataclass(frozen=True)
class Rule:
    """One check applied to one column; build it with the functions of
    :mod:`ferroscore.rules` rather than directly."""

    name: str
    args: Tuple[float, ...] = ()
    closed: str = "both"
    decreasing: bool = False
    strict: bool = False
    _repr: str = field(default="", compare=False)

    def __repr__(self) -> str:
        return self._repr or f"{self.name}()"

    def spec(self) -> Tuple[str, List[float], str, bool, bool]:
        """The tuple the native validator takes."""
        return (self.name, [float(a) for a in self.args], self.closed, self.decreasing, self.strict)


def not_missing() -> Rule:
    """No missing values (NaN)."""
    return Rule("not_missing")


def finite() -> Rule:
    """No missing or infinite values."""
    return Rule("finite")


def in_range(lo: float, hi: float, closed: str = "both") -> Rule:
    """Values in ``[lo, hi]``; ``closed`` is ``both``, ``left``, ``right`` or
    ``neither`` (which ends are included). Missing values pass (combine with
    :func:`not_missing`)."""
    return Rule("in_range", (lo, hi), closed=closed, _repr=f"in_range({lo!r}, {hi!r}, closed={closed!r})")


def in_set(values: Iterable[float]) -> Rule:
    """Values among ``values``. Missing values pass."""
    vals = tuple(float(v) for v in values)
    return Rule("in_set", vals, _repr=f"in_set({list(vals)!r})")


def unique() -> Rule:
    """No value occurs twice (missing values are not compared)."""
    return Rule("unique")


def monotonic(direction: str = "increasing", strict: bool = False) -> Rule:
    """Values ordered ``increasing`` or ``decreasing``; with ``strict`` equal
    neighbours fail too. Missing values are skipped."""
    if direction not in ("increasing", "decreasing"):
        from ._ferroscore import FerroscoreError

        raise FerroscoreError(
            f"invalid argument `direction`: must be 'increasing' or 'decreasing', got {direction!r}"
        )
    return Rule(
        "monotonic",
        decreasing=direction == "decreasing",
        strict=strict,
        _repr=f"monotonic({direction!r}, strict={strict!r})",
    )


def max_abs_zscore(k: float) -> Rule:
    """``|v - mean| / std <= k`` with the column's own mean and std (ddof=1)."""
    return Rule("max_abs_zscore", (k,), _repr=f"max_abs_zscore({k!r})")


def no_gaps(step: float = 1.0) -> Rule:
    """Sorted keys: consecutive non-missing values differ by at most ``step``."""
    return Rule("no_gaps", (step,), _repr=f"no_gaps({step!r})")
