"""ferroscore: numeric data kernels in one Rust core.

Scoring scans (``score_series``, ``ewm_*``, ``rolling_*``, ``cum*``),
user-written recurrences in the scan language (``scan``, ``compile_scan``),
reductions (``sum``, ``power_sum``, ``dot``, ``moments``, ...), group
aggregations (``group_*``) and column validation (``validate`` with
:mod:`ferroscore.rules`), with the same bits out as the Rust, R and C
bindings.

Inputs: numpy arrays (float64/float32 are used in place; float32 stays
float32), lists, pandas and polars Series/DataFrames, pyarrow arrays and
tables. The work runs with the GIL released, so Python threads calling
ferroscore run in parallel. As with numpy, an input array must not be
modified by another thread while a call is reading it.

>>> import ferroscore as fs
>>> fs.rolling_mean([1.0, 2.0, 3.0], window=2)
array([nan, 1.5, 2.5])
"""

from . import rules
from ._api import (
    count,
    cummax,
    cummin,
    cumsum,
    dot,
    drawdown,
    ewm_mean,
    ewm_std,
    ewm_var,
    group_count,
    group_max,
    group_mean,
    group_min,
    group_power_sum,
    group_std,
    group_sum,
    group_var,
    max,
    mean,
    min,
    moments,
    power_sum,
    rolling_max,
    rolling_mean,
    rolling_median,
    rolling_min,
    rolling_quantile,
    rolling_std,
    rolling_sum,
    rolling_var,
    rolling_zscore,
    score_series,
    std,
    sum,
    var,
)
from ._ferroscore import FerroscoreError, Moments, ScanSyntaxError, set_num_threads
from ._ferroscore import __version__ as __version__
from ._ferroscore import Kernel
from ._states import Cumulative, EwmMean, EwmStd, EwmVar, Rolling, ScoreSeries
from ._scan import Scan, ScanProgram, ScanState, compile_scan, scan
from ._validate import Report, RuleResult, ValidationError, validate

# `sum`, `min` and `max` are left out of __all__ so that a star import does
# not shadow the builtins; use them as fs.sum, fs.min, fs.max.
__all__ = [
    "FerroscoreError", "ValidationError", "Moments", "Report", "RuleResult",
    "ScoreSeries", "EwmMean", "EwmVar", "EwmStd", "Rolling", "Cumulative",
    "rules", "validate", "set_num_threads", "Kernel",
    "scan", "compile_scan", "Scan", "ScanProgram", "ScanState", "ScanSyntaxError",
    "score_series", "ewm_mean", "ewm_var", "ewm_std",
    "rolling_sum", "rolling_mean", "rolling_var", "rolling_std", "rolling_min",
    "rolling_max", "rolling_median", "rolling_quantile", "rolling_zscore",
    "cumsum", "cummax", "cummin", "drawdown",
    "count", "mean", "var", "std", "power_sum", "dot", "moments",
    "group_sum", "group_count", "group_mean", "group_var", "group_std",
    "group_min", "group_max", "group_power_sum",
]
