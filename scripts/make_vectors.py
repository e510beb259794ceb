#!/usr/bin/env python3
"""Generate the ferroscore reference test vectors in tests/vectors/.

Run from the repository root (Python 3.11, see scripts/requirements-vectors.txt):

    python3 -m venv .venv-vectors
    .venv-vectors/bin/pip install -r scripts/requirements-vectors.txt
    .venv-vectors/bin/python scripts/make_vectors.py

The script is deterministic (every case draws from its own numpy Generator
seeded from the case id) and re-runnable: it deletes tests/vectors/*.in,
*.out and cases.tsv, then writes them and tests/vectors/README.md anew.

Expected values come from plain Python reference loops written from the
ferroscore contract (exact rational arithmetic where it matters: sums,
means, variances, interpolation), except for ewm_* where pandas itself is
the definition.  Every case is cross-checked against pandas / numpy /
bottleneck: on benign data (no Inf, no big offsets) they must agree within
1e-12 relative; on the other cases every disagreement with the contract is
recorded in the README's deviation table.
"""

from __future__ import annotations

import math
import sys
import warnings
import zlib
from fractions import Fraction
from pathlib import Path

import bottleneck as bn
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUTDIR = ROOT / "tests" / "vectors"

NAN = float("nan")
INF = float("inf")

warnings.simplefilter("ignore", RuntimeWarning)

# --------------------------------------------------------------------------
# tolerances
# --------------------------------------------------------------------------
TOL_DEFAULT = (1e-12, 1e-12)
TOL_EWM = (1e-10, 1e-12)
TOL_ROLL_VAR = (1e-9, 1e-12)      # rolling var/std/zscore, var/std on big offsets
TOL_F32 = (1e-6, 1e-6)
# zscore on 1e9 + N(0,1): x - mean is limited by ulp(1e9) = 1.2e-7 as soon as
# the mean is held in a float64, so an absolute tolerance is unavoidable.
TOL_ZSCORE_BIGOFF = (1e-9, 1e-6)
CHECK_RTOL = 1e-12                 # library cross-check on benign data
CHECK_ATOL = 1e-12


def isnan(v: float) -> bool:
    return v != v


def isinf(v: float) -> bool:
    return v in (INF, -INF)


# --------------------------------------------------------------------------
# exact arithmetic helpers (finite inputs only)
# --------------------------------------------------------------------------
def _scaled(vals):
    """Return (integer numerators, common power-of-two denominator)."""
    rs = [v.as_integer_ratio() for v in vals]
    d = max(q for _, q in rs)
    return [p * (d // q) for p, q in rs], d


def exact_sum(vals) -> Fraction:
    if not vals:
        return Fraction(0)
    nums, d = _scaled(vals)
    return Fraction(sum(nums), d)


def exact_var(vals, ddof) -> Fraction:
    n = len(vals)
    nums, d = _scaled(vals)
    s1 = sum(nums)
    s2 = sum(p * p for p in nums)
    return Fraction(n * s2 - s1 * s1, n * (n - ddof) * d * d)


def sqrt_frac(r: Fraction) -> float:
    """Correctly rounded sqrt of a non-negative rational."""
    if r == 0:
        return 0.0
    p, q = r.numerator, r.denominator
    k = max(0, (130 - (p.bit_length() - q.bit_length())) // 2 + 1)
    t, rem = divmod(p << (2 * k), q)
    s = math.isqrt(t)
    exact = rem == 0 and s * s == t
    s = 2 * s + (0 if exact else 1)  # sticky bit
    return float(Fraction(s, 1 << (k + 1)))


def f(x: float) -> Fraction:
    return Fraction(x)


# --------------------------------------------------------------------------
# contract rules for a multiset of observations (no NaN, maybe +-Inf)
# --------------------------------------------------------------------------
def sum_rule(obs) -> float:
    pos = any(v == INF for v in obs)
    neg = any(v == -INF for v in obs)
    if pos and neg:
        return NAN
    if pos:
        return INF
    if neg:
        return -INF
    return float(exact_sum(obs))


def mean_rule(obs) -> float:
    if not obs:
        return NAN
    s = sum_rule(obs)
    if isnan(s) or isinf(s):
        return s
    return float(exact_sum(obs) / len(obs))


def var_frac(obs, ddof):
    """None when the result is NaN, else the exact Fraction."""
    n = len(obs)
    if n <= ddof or any(isinf(v) for v in obs):
        return None
    if all(v == obs[0] for v in obs):
        return Fraction(0)
    return exact_var(obs, ddof)


def var_rule(obs, ddof) -> float:
    v = var_frac(obs, ddof)
    return NAN if v is None else float(v)


def std_rule(obs, ddof) -> float:
    v = var_frac(obs, ddof)
    return NAN if v is None else sqrt_frac(v)


def zscore_rule(x, obs, ddof) -> float:
    if isnan(x):
        return NAN
    v = var_frac(obs, ddof)
    if v is None or v == 0:      # (x - mean) / 0 with x == mean: 0/0
        return NAN
    num = f(x) - exact_sum(obs) / len(obs)
    if num == 0:
        return 0.0
    z = sqrt_frac(num * num / v)
    return z if num > 0 else -z


def interp_rule(lo, hi, frac) -> float:
    """Mathematical lo + (hi - lo) * frac, 0 < frac < 1, lo <= hi."""
    if lo == hi:
        return lo
    if isinf(lo) or isinf(hi):
        if lo == -INF and hi == INF:
            return NAN
        return lo if lo == -INF else hi
    return float(f(lo) + (f(hi) - f(lo)) * f(frac))


def quantile_rule(obs, q, interp) -> float:
    s = sorted(obs)
    n = len(s)
    if n == 0:
        return NAN
    if n == 1:
        return s[0]
    idxf = q * (n - 1)           # float, as every implementation computes it
    idx = int(idxf)
    if idx == idxf:
        return s[idx]
    lo, hi = s[idx], s[idx + 1]
    frac = idxf - idx
    if interp == "linear":
        return interp_rule(lo, hi, frac)
    if interp == "lower":
        return lo
    if interp == "higher":
        return hi
    if interp == "midpoint":
        return interp_rule(lo, hi, 0.5)
    if interp == "nearest":
        if idxf == idx + 0.5:
            return lo if idx % 2 == 0 else hi
        return s[round(idxf)]
    raise ValueError(interp)


def power_sum_rule(obs, p) -> float:
    return sum_rule([v ** p for v in obs if v > 0])


# --------------------------------------------------------------------------
# naive reference kernels
# --------------------------------------------------------------------------
def ref_score_series(x, o):
    up, down, init = o.get("up", 0.9), o.get("down", 0.5), o.get("init", 0.0)
    skipna = o.get("skipna", True)
    s = float(init)
    out = []
    for v in x:
        if isnan(v):
            if not skipna:
                s = NAN
        else:
            s = s * up + v if v > s else s * down
        out.append(s)
    return out


def window_bounds(n, i, w, center):
    offset = (w - 1) // 2 if center else 0
    end = i + 1 + offset
    start = end - w
    return max(start, 0), min(end, n)


def ref_rolling(kind, x, o):
    n = len(x)
    w = o["window"]
    mp = o.get("min_periods", w)
    center = o.get("center", False)
    ddof = o.get("ddof", 1)
    skipna = o.get("skipna", True)
    out = []
    for i in range(n):
        a, b = window_bounds(n, i, w, center)
        vals = x[a:b]
        obs = [v for v in vals if not isnan(v)]
        if (not skipna and len(obs) < len(vals)) or len(obs) < mp:
            out.append(NAN)
            continue
        if kind == "sum":
            r = sum_rule(obs)             # 0.0 when empty (min_periods=0)
        elif not obs:
            r = NAN
        elif kind == "mean":
            r = mean_rule(obs)
        elif kind == "var":
            r = var_rule(obs, ddof)
        elif kind == "std":
            r = std_rule(obs, ddof)
        elif kind == "min":
            r = min(obs)
        elif kind == "max":
            r = max(obs)
        elif kind == "median":
            r = quantile_rule(obs, 0.5, "linear")
        elif kind == "quantile":
            r = quantile_rule(obs, o["q"], o["interpolation"])
        elif kind == "zscore":
            r = zscore_rule(x[i], obs, ddof)
        else:
            raise ValueError(kind)
        out.append(r)
    return out


def ref_cum(kind, x, o):
    skipna = o.get("skipna", True)
    out = []
    acc_sum = Fraction(0)
    pos = neg = False
    cm = None
    dead = False
    for v in x:
        if isnan(v):
            if not skipna:
                dead = True
            out.append(NAN)
            continue
        if dead:
            out.append(NAN)
            continue
        if kind == "cumsum":
            if v == INF:
                pos = True
            elif v == -INF:
                neg = True
            else:
                acc_sum += f(v)
            out.append(NAN if pos and neg else INF if pos else -INF if neg else float(acc_sum))
        elif kind in ("cummax", "cummin", "drawdown"):
            if cm is None:
                cm = v
            elif kind == "cummin":
                cm = min(cm, v)
            else:
                cm = max(cm, v)
            if kind == "drawdown":
                if isinf(v) or isinf(cm) or cm == 0:
                    out.append(v / cm - 1 if cm != 0 else NAN)
                else:
                    out.append(float(f(v) / f(cm) - 1))
            else:
                out.append(cm)
    return out


def ref_reduce(kind, x, o, b=None):
    if kind == "dot":
        infs, exact = [], Fraction(0)
        for u, v in zip(x, b):
            if isnan(u) or isnan(v):
                continue
            if isinf(u) or isinf(v):
                infs.append(u * v)          # Inf * 0 is NaN
            else:
                exact += f(u) * f(v)
        if any(isnan(t) for t in infs):
            return NAN
        if infs:
            return sum_rule(infs)           # +-Inf rules
        return float(exact)
    obs = [v for v in x if not isnan(v)]
    ddof = o.get("ddof", 1)
    if kind == "sum":
        return sum_rule(obs)
    if kind == "mean":
        return mean_rule(obs)
    if kind == "var":
        return var_rule(obs, ddof)
    if kind == "std":
        return std_rule(obs, ddof)
    if kind == "min":
        return min(obs) if obs else NAN
    if kind == "max":
        return max(obs) if obs else NAN
    if kind == "count":
        return float(len(obs))
    if kind == "power_sum":
        return power_sum_rule(obs, o.get("p", 1.5))
    raise ValueError(kind)


def ref_group(kind, x, codes, o):
    ng = o["n_groups"]
    groups = [[] for _ in range(ng)]
    for v, c in zip(x, codes):
        if c >= 0:
            groups[c].append(v)
    return [ref_reduce(kind, g, o) for g in groups]


# ---- ewm: naive mirror of pandas' recurrences ----------------------------
def ewm_com(o):
    if "com" in o:
        return float(o["com"])
    if "span" in o:
        return (o["span"] - 1) / 2.0
    if "halflife" in o:
        decay = 1 - np.exp(np.log(0.5) / o["halflife"])
        return float(1 / decay - 1)
    return 1 / o["alpha"] - 1


def naive_ewma(x, o, deltas=None):
    com = 1.0 if o.get("times") else ewm_com(o)
    adjust = o.get("adjust", True)
    ignore_na = o.get("ignore_na", False)
    minp = max(o.get("min_periods", 0), 1)
    alpha = 1.0 / (1.0 + com)
    old_wt_factor = 1.0 - alpha
    new_wt = 1.0 if adjust else alpha
    n = len(x)
    if n == 0:
        return []
    use_deltas = deltas is not None
    if deltas is None:
        deltas = [1.0] * (n - 1)
    out = [NAN] * n
    weighted = x[0]
    nobs = int(not isnan(weighted))
    out[0] = weighted if nobs >= minp else NAN
    old_wt = 1.0
    for i in range(1, n):
        cur = x[i]
        is_obs = not isnan(cur)
        nobs += is_obs
        if not isnan(weighted):
            if is_obs or not ignore_na:
                old_wt *= old_wt_factor ** deltas[i - 1]
                if is_obs:
                    if use_deltas and not adjust:
                        # pandas >= 3 with times and adjust=False: the new
                        # observation gets weight 1 - (decay since last obs)
                        new_wt = 1.0 - old_wt
                    if weighted != cur:
                        weighted = old_wt * weighted + new_wt * cur
                        weighted /= old_wt + new_wt
                    if adjust:
                        old_wt += new_wt
                    else:
                        old_wt = 1.0
        elif is_obs:
            weighted = cur
        out[i] = weighted if nobs >= minp else NAN
    return out


def naive_ewmvar(x, o):
    com = ewm_com(o)
    adjust = o.get("adjust", True)
    ignore_na = o.get("ignore_na", False)
    bias = o.get("bias", False)
    minp = max(o.get("min_periods", 0), 1)
    alpha = 1.0 / (1.0 + com)
    old_wt_factor = 1.0 - alpha
    new_wt = 1.0 if adjust else alpha
    n = len(x)
    out = [NAN] * n
    if n == 0:
        return out
    mean_x = x[0]
    is_obs = not isnan(mean_x)
    nobs = int(is_obs)
    if not is_obs:
        mean_x = NAN
    out[0] = (0.0 if bias else NAN) if nobs >= minp else NAN
    cov = 0.0
    sum_wt = sum_wt2 = old_wt = 1.0
    for i in range(1, n):
        cur = x[i]
        is_obs = not isnan(cur)
        nobs += is_obs
        if not isnan(mean_x):
            if is_obs or not ignore_na:
                sum_wt *= old_wt_factor
                sum_wt2 *= old_wt_factor * old_wt_factor
                old_wt *= old_wt_factor
                if is_obs:
                    old_mean = mean_x
                    if mean_x != cur:
                        mean_x = (old_wt * old_mean + new_wt * cur) / (old_wt + new_wt)
                    cov = (old_wt * (cov + (old_mean - mean_x) * (old_mean - mean_x))
                           + new_wt * (cur - mean_x) * (cur - mean_x)) / (old_wt + new_wt)
                    sum_wt += new_wt
                    sum_wt2 += new_wt * new_wt
                    old_wt += new_wt
                    if not adjust:
                        sum_wt /= old_wt
                        sum_wt2 /= old_wt * old_wt
                        old_wt = 1.0
        elif is_obs:
            mean_x = cur
        if nobs >= minp:
            if not bias:
                num = sum_wt * sum_wt
                den = num - sum_wt2
                out[i] = (num / den) * cov if den > 0 else NAN
            else:
                out[i] = cov
        else:
            out[i] = NAN
    return out


def ewm_pandas(kind, x, o, times=None):
    s = pd.Series(np.asarray(x, dtype=np.float64))
    kw = dict(adjust=o.get("adjust", True), ignore_na=o.get("ignore_na", False),
              min_periods=o.get("min_periods", 0))
    if o.get("times"):
        ns = np.array([int(t * 1e9) for t in times], dtype="datetime64[ns]")
        kw["times"] = pd.Series(ns)
        kw["halflife"] = pd.Timedelta(int(o["halflife"] * 1e9), unit="ns")
    else:
        for k in ("alpha", "span", "com", "halflife"):
            if k in o:
                kw[k] = o[k]
    e = s.ewm(**kw)
    if kind == "mean":
        r = e.mean()
    elif kind == "var":
        r = e.var(bias=o.get("bias", False))
    else:
        r = e.std(bias=o.get("bias", False))
    return [float(v) for v in r.to_numpy()]


def ewm_naive(kind, x, o, times=None):
    # pandas' window machinery (_prep_values) turns +-Inf into NaN before the
    # recurrence: in ewm_* an infinity is a missing value.
    x = [NAN if isinf(v) else v for v in x]
    if kind == "mean":
        deltas = None
        if o.get("times"):
            h = o["halflife"]
            deltas = [(times[i] - times[i - 1]) / h for i in range(1, len(times))]
        return naive_ewma(x, o, deltas)
    v = naive_ewmvar(x, o)
    if kind == "var":
        return v
    return [NAN if isnan(t) else math.sqrt(max(t, 0.0)) for t in v]


# --------------------------------------------------------------------------
# library cross-check implementations (pandas / numpy / bottleneck)
# --------------------------------------------------------------------------
def lib_rolling(kind, x, o):
    """List of (library name, result) for a rolling case."""
    s = pd.Series(np.asarray(x, dtype=np.float64))
    w = o["window"]
    mp = o.get("min_periods", w)
    center = o.get("center", False)
    ddof = o.get("ddof", 1)
    r = s.rolling(w, min_periods=mp, center=center)
    if kind == "var":
        p = r.var(ddof=ddof)
    elif kind == "std":
        p = r.std(ddof=ddof)
    elif kind == "quantile":
        p = r.quantile(o["q"], interpolation=o["interpolation"])
    elif kind == "zscore":
        p = (s - r.mean()) / r.std(ddof=ddof)
    else:
        p = getattr(r, kind)()
    p = p.to_numpy()
    if not o.get("skipna", True):
        hasnan = s.isna().astype(float).rolling(w, min_periods=0, center=center).sum().to_numpy()
        p = np.where(hasnan > 0, np.nan, p)
    res = [("pandas", [float(v) for v in p])]
    if (not center and o.get("skipna", True) and mp >= 1 and len(x) > 0
            and kind in ("sum", "mean", "var", "std", "min", "max", "median")):
        a = np.asarray(x, dtype=np.float64)
        fn = getattr(bn, "move_" + kind)
        kw = {"ddof": ddof} if kind in ("var", "std") else {}
        if w <= len(x):
            b = fn(a, window=w, min_count=mp, **kw)
            if kind in ("var", "std"):
                cnt = s.notna().astype(float).rolling(w, min_periods=0).sum().to_numpy()
                b = np.where(cnt <= ddof, np.nan, b)
            res.append(("bottleneck", [float(v) for v in b]))
    return res


def lib_cum(kind, x, o):
    s = pd.Series(np.asarray(x, dtype=np.float64))
    skipna = o.get("skipna", True)
    if kind == "drawdown":
        p = s / s.cummax() - 1
    else:
        p = getattr(s, kind)(skipna=skipna)
    return [("pandas", [float(v) for v in p.to_numpy()])]


def lib_reduce(kind, x, o, b=None):
    a = np.asarray(x, dtype=np.float64)
    s = pd.Series(a)
    ddof = o.get("ddof", 1)
    out = []
    if kind == "dot":
        bb = np.asarray(b, dtype=np.float64)
        m = ~(np.isnan(a) | np.isnan(bb))
        out.append(("numpy", float(np.dot(a[m], bb[m]))))
        return out
    if kind == "power_sum":
        p = o.get("p", 1.5)
        out.append(("pandas", float((s[s > 0] ** p).sum())))
        return out
    if kind == "count":
        out.append(("pandas", float(s.count())))
        out.append(("numpy", float(np.count_nonzero(~np.isnan(a)))))
        return out
    if kind in ("var", "std"):
        out.append(("pandas", float(getattr(s, kind)(ddof=ddof))))
        if int(np.count_nonzero(~np.isnan(a))) > ddof:
            out.append(("numpy", float(getattr(np, "nan" + kind)(a, ddof=ddof))))
            out.append(("bottleneck", float(getattr(bn, "nan" + kind)(a, ddof=ddof))))
        return out
    out.append(("pandas", float(getattr(s, kind)())))
    if len(a) and (kind in ("sum", "mean") or np.any(~np.isnan(a))):
        out.append(("numpy", float(getattr(np, "nan" + kind)(a))))
        out.append(("bottleneck", float(getattr(bn, "nan" + kind)(a))))
    return out


def lib_group(kind, x, codes, o):
    ng = o["n_groups"]
    a = np.asarray(x, dtype=np.float64)
    c = np.asarray(codes, dtype=np.int64)
    m = c >= 0
    s = pd.Series(a[m])
    g = c[m]
    if kind == "power_sum":
        s = s.where(s > 0) ** o.get("p", 1.5)
        kind2 = "sum"
    else:
        kind2 = kind
    gb = s.groupby(g)
    if kind2 in ("var", "std"):
        r = getattr(gb, kind2)(ddof=o.get("ddof", 1))
    else:
        r = getattr(gb, kind2)()
    r = r.reindex(range(ng), fill_value=0.0 if kind2 in ("sum", "count") else np.nan)
    return [("pandas", [float(v) for v in r.to_numpy()])]


# --------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------
def close(got, exp, rtol, atol) -> bool:
    if isnan(exp) or isnan(got):
        return isnan(exp) and isnan(got)
    if isinf(exp) or isinf(got):
        return got == exp
    return abs(got - exp) <= atol + rtol * abs(exp)


def mismatches(got, exp, rtol, atol):
    return [i for i, (g, e) in enumerate(zip(got, exp)) if not close(g, e, rtol, atol)]


# --------------------------------------------------------------------------
# data generators (all values rounded to 6 decimals: short, exact in f64)
# --------------------------------------------------------------------------
def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()) + 20240601)


def r6(a):
    return [float(v) for v in np.round(np.asarray(a, dtype=np.float64), 6)]


def d_rand(rng, n=200, nan_frac=0.01, scale=1.0, loc=0.0):
    x = r6(rng.normal(loc, scale, n))
    for i in np.flatnonzero(rng.random(n) < nan_frac):
        x[i] = NAN
    if n >= 20:
        x[int(rng.integers(n))] = NAN       # at least one missing value
    return x


def d_nanruns(rng, n=50, runs=((5, 8), (20, 3), (33, 1), (40, 4))):
    x = r6(rng.normal(0, 1, n))
    for a, ln in runs:
        for i in range(a, min(a + ln, n)):
            x[i] = NAN
    return x


def d_naninf(rng, n=60):
    """NaN runs plus +Inf/-Inf: +Inf and -Inf close together (same window)
    around rows 20-23, an isolated +Inf at 40, an isolated -Inf at 52."""
    x = r6(rng.normal(0, 1, n))
    for i in list(range(6, 9)) + list(range(30, 35)) + [45]:
        x[i] = NAN
    x[20] = INF
    x[23] = -INF
    x[40] = INF
    x[52] = -INF
    x[13] = INF
    return x


def d_ties(rng, n=60, nan=True):
    x = [float(v) for v in rng.integers(0, 6, n)]
    a = (2 * n) // 5
    for i in range(a, min(a + 8, n)):   # a constant run (exact 0 variance)
        x[i] = 3.0
    if nan:
        for i in (n // 6, (2 * n) // 3, (2 * n) // 3 + 1):
            x[i] = NAN
    return x


def d_bigoff(rng, n):
    return r6(1e9 + rng.normal(0, 1, n))


def d_prices(rng, n=150):
    p = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    x = r6(p)
    for i in (n // 20, (2 * n) // 5, (2 * n) // 5 + 1):
        x[i] = NAN
    return x


def d_f32(rng, n=200, loc=0.0, scale=1.0, nan=True):
    x = [float(np.float32(v)) for v in rng.normal(loc, scale, n)]
    if nan:
        for i in np.flatnonzero(rng.random(n) < 0.01):
            x[i] = NAN
        x[int(rng.integers(n))] = NAN
    return x


def d_times(rng, n):
    steps = rng.integers(1, 13, n) / 4.0     # multiples of 0.25 s: exact in ns
    return [float(v) for v in 1000.0 + np.cumsum(steps)]


# --------------------------------------------------------------------------
# case registry
# --------------------------------------------------------------------------
CASES = []
IDS = set()


class Case:
    def __init__(self, cid, kernel, dtype, opts, tol, cols, expected, benign,
                 libs, note=""):
        self.id, self.kernel, self.dtype, self.opts = cid, kernel, dtype, opts
        self.rtol, self.atol = tol
        self.cols, self.expected = cols, expected
        self.benign, self.libs, self.note = benign, libs, note


def add(cid, kernel, opts, cols, expected, libs, benign, tol=None, dtype="f64",
        note=""):
    assert cid not in IDS, cid
    assert all(ch.isalnum() and ch.islower() or ch.isdigit() or ch == "_" for ch in cid), cid
    IDS.add(cid)
    if tol is None:
        tol = TOL_DEFAULT
    if dtype == "f32":
        expected = [float(np.float32(v)) for v in expected]
        tol = TOL_F32
    CASES.append(Case(cid, kernel, dtype, dict(opts), tol, cols, expected, benign,
                      libs, note))


# ---- score_series ---------------------------------------------------------
def gen_score_series():
    k = "score_series"
    specs = [
        ("rand", lambda r: d_rand(r), {}, True),
        ("naninf", lambda r: d_naninf(r), {}, False),
        ("nanruns_noskip", lambda r: d_nanruns(r), {"skipna": False}, True),
        ("nanruns_skip", lambda r: d_nanruns(r), {"skipna": True}, True),
        ("opts", lambda r: d_rand(r, 80, scale=2.0), {"up": 0.8, "down": 0.3, "init": 1.0}, True),
        ("lead_nan_init", lambda r: [NAN, NAN] + d_rand(r, 20, 0.0), {"init": 0.25}, True),
        ("empty", lambda r: [], {}, True),
        ("len1", lambda r: [1.5], {}, True),
        ("allnan", lambda r: [NAN] * 10, {}, True),
        ("allnan_init", lambda r: [NAN] * 5, {"init": 2.0}, True),
    ]
    for name, gen, o, benign in specs:
        cid = f"{k}_{name}"
        x = gen(rng_for(cid))
        add(cid, k, o, [x], ref_score_series(x, o), [], benign)
    cid = f"{k}_f32"
    x = d_f32(rng_for(cid), 200, loc=0.5)
    add(cid, k, {}, [x], ref_score_series(x, {}), [], True, dtype="f32")


# ---- ewm --------------------------------------------------------------------
def gen_ewm():
    base_data = lambda r: d_nanruns(r, 80, runs=((0, 1), (12, 3), (30, 1), (47, 5), (70, 1)))
    for kind in ("mean", "var", "std"):
        k = f"ewm_{kind}"
        specs = [
            ("alpha", base_data, {"alpha": 0.3}),
            ("span", base_data, {"span": 10}),
            ("com", base_data, {"com": 2.5}),
            ("halflife", base_data, {"halflife": 4}),
            ("noadjust", base_data, {"alpha": 0.3, "adjust": False}),
            ("noadjust_ignore", base_data, {"span": 6, "adjust": False, "ignore_na": True}),
            ("adjust_ignore", base_data, {"com": 1.5, "adjust": True, "ignore_na": True}),
            ("minp5", base_data, {"halflife": 3, "min_periods": 5}),
            ("minp0", base_data, {"alpha": 0.5, "min_periods": 0}),
            ("rand", lambda r: d_rand(r), {"span": 20}),
            ("naninf", lambda r: d_naninf(r), {"com": 1}),
            ("empty", lambda r: [], {"alpha": 0.3}),
            ("len1", lambda r: [2.5], {"alpha": 0.3}),
            ("allnan", lambda r: [NAN] * 8, {"alpha": 0.3}),
        ]
        if kind != "mean":
            specs += [
                ("bias", base_data, {"alpha": 0.3, "bias": True}),
                ("bias_noadjust", base_data, {"span": 8, "adjust": False, "bias": True}),
                ("bias_false", base_data, {"span": 8, "bias": False}),
            ]
        for name, gen, o in specs:
            cid = f"{k}_{name}"
            x = gen(rng_for(cid))
            add_ewm(cid, kind, o, x, benign=name != "naninf")
    # time-based (mean only)
    k = "ewm_mean"
    for name, o in [
        ("times", {"halflife": 2.5, "times": True}),
        ("times_ignore", {"halflife": 2.5, "times": True, "ignore_na": True}),
        ("times_minp3", {"halflife": 1.75, "times": True, "min_periods": 3}),
        ("times_noadjust", {"halflife": 2.5, "times": True, "adjust": False}),
    ]:
        cid = f"{k}_{name}"
        r = rng_for(cid)
        x = d_nanruns(r, 60, runs=((3, 1), (15, 4), (40, 2)))
        t = d_times(r, 60)
        add_ewm(cid, "mean", o, x, benign=True, times=t)
    cid = f"{k}_times_empty"
    add_ewm(cid, "mean", {"halflife": 2.5, "times": True}, [], benign=True, times=[])
    cid = f"{k}_f32"
    x = d_f32(rng_for(cid), 200)
    add_ewm(cid, "mean", {"span": 12}, x, benign=True, dtype="f32")


def add_ewm(cid, kind, o, x, benign, times=None, dtype="f64"):
    o = dict(o)
    if "alpha" not in o and "span" not in o and "com" not in o and "halflife" not in o:
        raise ValueError(cid)
    p = ewm_pandas(kind, x, o, times)
    nv = ewm_naive(kind, x, o, times)
    bad = mismatches(nv, p, CHECK_RTOL, CHECK_ATOL)
    if bad:
        raise AssertionError(f"{cid}: naive ewm recurrence != pandas at rows {bad[:5]}: "
                             f"{[nv[i] for i in bad[:3]]} vs {[p[i] for i in bad[:3]]}")
    cols = [x] if times is None else [x, times]
    add(cid, f"ewm_{kind}", o, cols, p, [], benign, tol=TOL_EWM, dtype=dtype)


# ---- rolling ------------------------------------------------------------------
ROLL = ["sum", "mean", "var", "std", "min", "max", "median", "quantile", "zscore"]


def add_rolling(cid, kind, o, x, benign, dtype="f64", tol=None):
    if kind == "quantile":
        o.setdefault("q", 0.25)
        o.setdefault("interpolation", "linear")
    # canonical option order
    order = ["window", "min_periods", "center", "ddof", "q", "interpolation", "skipna"]
    o = {key: o[key] for key in order if key in o}
    exp = ref_rolling(kind, x, o)
    if tol is None:
        tol = TOL_ROLL_VAR if kind in ("var", "std", "zscore") else TOL_DEFAULT
    add(cid, f"rolling_{kind}", o, [x], exp, lib_rolling(kind, x, o), benign,
        tol=tol, dtype=dtype)


def gen_rolling():
    for kind in ROLL:
        k = f"rolling_{kind}"
        dd = {"ddof": 1} if kind in ("var", "std", "zscore") else {}
        specs = [
            ("rand", lambda r: d_rand(r), {"window": 10}, True),
            ("rand_w20_mp5", lambda r: d_rand(r, 120), {"window": 20, "min_periods": 5}, True),
            ("nanruns_mp0", lambda r: d_nanruns(r), {"window": 7, "min_periods": 0}, True),
            ("nanruns_mp1", lambda r: d_nanruns(r), {"window": 7, "min_periods": 1}, True),
            ("nanruns_mp3", lambda r: d_nanruns(r), {"window": 7, "min_periods": 3}, True),
            ("center_odd", lambda r: d_rand(r, 60), {"window": 5, "center": True}, True),
            ("center_even", lambda r: d_rand(r, 60),
             {"window": 4, "min_periods": 2, "center": True}, True),
            ("center_even_mp1", lambda r: d_nanruns(r),
             {"window": 6, "min_periods": 3, "center": True}, True),
            ("naninf", lambda r: d_naninf(r), {"window": 5, "min_periods": 3}, False),
            ("naninf_w12", lambda r: d_naninf(r), {"window": 12, "min_periods": 1}, False),
            ("noskip", lambda r: d_nanruns(r),
             {"window": 5, "min_periods": 3, "skipna": False}, True),
            ("empty", lambda r: [], {"window": 3}, True),
            ("len1", lambda r: [0.75], {"window": 3, "min_periods": 1}, True),
            ("w_gt_n", lambda r: d_rand(r, 6, 0.0), {"window": 10, "min_periods": 2}, True),
            ("w_gt_n_default", lambda r: d_rand(r, 6, 0.0), {"window": 10}, True),
            ("allnan", lambda r: [NAN] * 12, {"window": 4, "min_periods": 1}, True),
            ("allnan_mp0", lambda r: [NAN] * 12, {"window": 4, "min_periods": 0}, True),
        ]
        if kind != "zscore":
            specs.append(("ties", lambda r: d_ties(r), {"window": 6, "min_periods": 3}, True))
        if kind in ("var", "std", "zscore"):
            specs += [
                ("ddof0", lambda r: d_rand(r, 100), {"window": 10, "ddof": 0}, True),
                ("ddof0_mp2", lambda r: d_nanruns(r),
                 {"window": 6, "min_periods": 2, "ddof": 0}, True),
                ("ddof2", lambda r: d_rand(r, 60), {"window": 8, "min_periods": 3, "ddof": 2}, True),
            ]
            if kind != "zscore":
                specs.append(("ddof0_mp1", lambda r: d_nanruns(r),
                              {"window": 6, "min_periods": 1, "ddof": 0}, True))
        for name, gen, o, benign in specs:
            cid = f"{k}_{name}"
            x = gen(rng_for(cid))
            o = dict(o)
            if kind == "zscore" and o.get("min_periods", o["window"]) < 2 and o.get("ddof", 1) == 0:
                o["min_periods"] = 2
            add_rolling(cid, kind, o, x, benign)
        # big offsets
        if kind in ("sum", "mean", "var", "std", "zscore"):
            for w, n in ((10, 1000), (100, 2000)):
                cid = f"{k}_bigoff_w{w}"
                x = d_bigoff(rng_for(cid), n)
                tol = TOL_ZSCORE_BIGOFF if kind == "zscore" else None
                add_rolling(cid, kind, {"window": w}, x, benign=False, tol=tol)
        if kind in ("mean", "std"):
            cid = f"{k}_f32"
            x = d_f32(rng_for(cid), 200)
            add_rolling(cid, kind, {"window": 10, "min_periods": 3}, x, True, dtype="f32")
    # quantile matrix: every interpolation x q in {0, .25, .5, .9, 1}
    k = "rolling_quantile"
    for interp in ("linear", "lower", "higher", "midpoint", "nearest"):
        for q in (0.0, 0.25, 0.5, 0.9, 1.0):
            cid = f"{k}_ties_{interp}_q{int(round(q * 100)):03d}"
            x = d_ties(rng_for(cid))
            add_rolling(cid, "quantile", {"window": 7, "min_periods": 3, "q": q,
                                          "interpolation": interp}, x, True)
        cid = f"{k}_rand_{interp}_q090"
        x = d_rand(rng_for(cid), 100)
        add_rolling(cid, "quantile", {"window": 10, "q": 0.9, "interpolation": interp}, x, True)
        cid = f"{k}_naninf_{interp}"
        x = d_naninf(rng_for(cid))
        add_rolling(cid, "quantile", {"window": 6, "min_periods": 2, "q": 0.4,
                                      "interpolation": interp}, x, False)
    # interpolation next to / between infinities (handcrafted: every lo/hi pair)
    xi = [1.0, INF, INF, 2.0, -INF, -INF, 3.0, INF, -INF, 4.0, 5.0, NAN, 6.0, INF, 7.0,
          -INF, 8.0, 0.5, INF, INF, -INF, -INF, 9.0]
    for name, kind, o in (
        ("linear_q050_w2", "quantile", {"window": 2, "q": 0.5, "interpolation": "linear"}),
        ("linear_q025_w3", "quantile", {"window": 3, "min_periods": 2, "q": 0.25,
                                        "interpolation": "linear"}),
        ("linear_q090_w4", "quantile", {"window": 4, "min_periods": 1, "q": 0.9,
                                        "interpolation": "linear"}),
        ("midpoint_q050_w2", "quantile", {"window": 2, "q": 0.5, "interpolation": "midpoint"}),
        ("nearest_q025_w3", "quantile", {"window": 3, "min_periods": 2, "q": 0.25,
                                         "interpolation": "nearest"}),
        ("w2", "median", {"window": 2}),
        ("w4", "median", {"window": 4, "min_periods": 1}),
    ):
        add_rolling(f"rolling_{kind}_infinterp_{name}", kind, dict(o), list(xi), False)
    for name, o in (("w6", {"window": 6, "min_periods": 1}), ("w6_center", {"window": 6, "center": True})):
        cid = f"rolling_median_ties_{name}"
        x = d_ties(rng_for(cid))
        add_rolling(cid, "median", o, x, True)


# ---- cumulative -----------------------------------------------------------------
def gen_cum():
    for kind in ("cumsum", "cummax", "cummin", "drawdown"):
        if kind == "drawdown":
            specs = [
                ("prices", lambda r: d_prices(r), {}, True),
                ("lead_nan", lambda r: [NAN, NAN] + d_prices(r, 40), {}, True),
                ("inf", lambda r: d_prices(r, 30)[:10] + [INF] + d_prices(r, 30)[:10], {}, False),
                ("empty", lambda r: [], {}, True),
                ("len1", lambda r: [42.5], {}, True),
                ("allnan", lambda r: [NAN] * 6, {}, True),
            ]
        else:
            specs = [
                ("rand", lambda r: d_rand(r), {}, True),
                ("naninf", lambda r: d_naninf(r), {}, False),
                ("noskip", lambda r: d_nanruns(r), {"skipna": False}, True),
                ("skip", lambda r: d_nanruns(r), {"skipna": True}, True),
                ("lead_nan_noskip", lambda r: [NAN] + d_rand(r, 10, 0.0), {"skipna": False}, True),
                ("empty", lambda r: [], {}, True),
                ("len1", lambda r: [-3.25], {}, True),
                ("allnan", lambda r: [NAN] * 7, {}, True),
            ]
            if kind != "cumsum":
                specs.append(("ties", lambda r: d_ties(r, 40), {}, True))
        for name, gen, o, benign in specs:
            cid = f"{kind}_{name}"
            x = gen(rng_for(cid))
            add(cid, kind, o, [x], ref_cum(kind, x, o), lib_cum(kind, x, o), benign)


# ---- reductions --------------------------------------------------------------------
def gen_reduce():
    def naninf_variant(r, which):
        x = d_rand(r, 40)
        if which in ("pos", "both"):
            x[5] = INF
            x[30] = INF
        if which in ("neg", "both"):
            x[17] = -INF
        return x

    common = [
        ("rand", lambda r: d_rand(r), {}, True),
        ("empty", lambda r: [], {}, True),
        ("len1", lambda r: [2.5], {}, True),
        ("allnan", lambda r: [NAN] * 9, {}, True),
        ("posinf", lambda r: naninf_variant(r, "pos"), {}, False),
        ("neginf", lambda r: naninf_variant(r, "neg"), {}, False),
        ("bothinf", lambda r: naninf_variant(r, "both"), {}, False),
    ]
    for kind in ("sum", "mean", "var", "std", "min", "max", "count", "power_sum"):
        specs = list(common)
        if kind in ("min", "max"):
            specs.append(("ties", lambda r: d_ties(r, 30), {}, True))
        if kind in ("sum", "mean", "var", "std"):
            specs.append(("bigoff", lambda r: d_bigoff(r, 1000), {}, False))
            specs.append(("scaled", lambda r: d_rand(r, 150, scale=1e3, loc=50.0), {}, True))
        if kind in ("var", "std"):
            specs += [
                ("ddof0", lambda r: d_rand(r, 100), {"ddof": 0}, True),
                ("ddof0_len1", lambda r: [7.0], {"ddof": 0}, True),
                ("ddof1_len2", lambda r: [1.0, NAN, 4.0], {"ddof": 1}, True),
                ("const", lambda r: [0.1] * 7 + [NAN], {}, True),
            ]
        if kind == "power_sum":
            specs = [(n, g, {"p": 1.5}, b) for n, g, _, b in specs]
            specs += [
                ("p2", lambda r: d_rand(r, 100), {"p": 2}, True),
                ("p05", lambda r: d_rand(r, 100), {"p": 0.5}, True),
                ("allneg", lambda r: [-1.0, -2.5, NAN, 0.0], {"p": 1.5}, True),
            ]
        for name, gen, o, benign in specs:
            cid = f"{kind}_{name}"
            x = gen(rng_for(cid))
            tol = TOL_ROLL_VAR if (kind in ("var", "std") and name == "bigoff") else None
            exp = [ref_reduce(kind, x, o)]
            add(cid, kind, o, [x], exp, [(n, [v]) for n, v in lib_reduce(kind, x, o)],
                benign, tol=tol)
    cid = "sum_f32"
    x = d_f32(rng_for(cid), 200, loc=5.0, scale=2.0)
    add(cid, "sum", {}, [x], [ref_reduce("sum", x, {})],
        [(n, [v]) for n, v in lib_reduce("sum", x, {})], True, dtype="f32")
    # dot
    for name, benign in (("rand", True), ("inf", False), ("inf_times_zero", False),
                         ("bothinf", False), ("empty", True), ("allnan", True), ("len1", True)):
        cid = f"dot_{name}"
        r = rng_for(cid)
        if name in ("empty",):
            a, b = [], []
        elif name == "len1":
            a, b = [1.5], [-2.0]
        elif name == "allnan":
            a, b = [NAN, 1.0, NAN], [2.0, NAN, NAN]
        else:
            a, b = d_rand(r, 200), d_rand(r, 200)
            if name == "inf":
                a[10], b[10] = INF, 2.0
                a[11], b[11] = NAN, 0.0
                b[50], a[50] = INF, 0.5
            elif name == "inf_times_zero":
                a[10], b[10] = INF, 0.0
            elif name == "bothinf":
                a[10], b[10] = INF, 1.0
                a[20], b[20] = -INF, 1.0
        add(cid, "dot", {}, [a, b], [ref_reduce("dot", a, {}, b)],
            [(n, [v]) for n, v in lib_reduce("dot", a, {}, b)], benign)


# ---- groups ---------------------------------------------------------------------------
def gen_group():
    def codes_rand(r, n, ng):
        # codes in -2..ng-2: group ng-1 is always empty; group ng-2 gets 1 row
        c = [int(v) for v in r.integers(-2, ng - 2, n)]
        c[int(r.integers(n))] = ng - 2
        return c

    for kind in ("sum", "mean", "var", "std", "min", "max", "count", "power_sum"):
        k = f"group_{kind}"
        specs = []
        r0 = lambda r: (d_rand(r, 120), None)
        specs.append(("rand", r0, {"n_groups": 7}, True))
        specs.append(("ties", lambda r: (d_ties(r, 80), None), {"n_groups": 5}, True))
        specs.append(("inf", None, {"n_groups": 4}, False))
        specs.append(("empty", lambda r: ([], []), {"n_groups": 3}, True))
        specs.append(("allnan", lambda r: ([NAN] * 6, [0, 1, 2, 0, 1, -1]), {"n_groups": 3}, True))
        specs.append(("len1", lambda r: ([2.5], [1]), {"n_groups": 2}, True))
        specs.append(("allneg_codes", lambda r: ([1.0, 2.0, 3.0], [-1, -1, -5]), {"n_groups": 2}, True))
        if kind in ("var", "std"):
            specs.append(("ddof0", r0, {"n_groups": 7, "ddof": 0}, True))
        if kind == "power_sum":
            specs = [(n, g, dict(o, p=1.5), b) for n, g, o, b in specs]
            specs.append(("p2", r0, {"n_groups": 7, "p": 2}, True))
        for name, gen, o, benign in specs:
            cid = f"{k}_{name}"
            r = rng_for(cid)
            ng = o["n_groups"]
            if name == "inf":
                x = [1.0, INF, 2.0, NAN, INF, -INF, 3.0, 4.5, -1.0, INF, 0.5, 2.0]
                c = [0, 0, 0, 1, 1, 1, 2, 2, 2, -1, 3, 3]
            else:
                x, c = gen(r)
                if c is None:
                    c = codes_rand(r, len(x), ng)
            exp = ref_group(kind, x, c, o)
            add(cid, k, o, [x, c], exp, lib_group(kind, x, c, o), benign)


# --------------------------------------------------------------------------
# f32 tolerance sanity: a plain float32 implementation must pass the tolerance
# --------------------------------------------------------------------------
def f32_sim(case):
    x = [np.float32(v) for v in case.cols[0]]
    o = case.opts
    one = np.float32(1)
    if case.kernel == "sum":
        s = np.float32(0)
        for v in x:
            if not np.isnan(v):
                s = np.float32(s + v)
        return [float(s)]
    if case.kernel == "score_series":
        s = np.float32(0)
        up, down = np.float32(0.9), np.float32(0.5)
        out = []
        for v in x:
            if not np.isnan(v):
                s = np.float32(s * up + v) if v > s else np.float32(s * down)
            out.append(float(s))
        return out
    if case.kernel in ("rolling_mean", "rolling_std"):
        w, mp = o["window"], o.get("min_periods", o["window"])
        out = []
        for i in range(len(x)):
            a, b = window_bounds(len(x), i, w, False)
            obs = [v for v in x[a:b] if not np.isnan(v)]
            if len(obs) < mp:
                out.append(NAN)
                continue
            s = np.float32(0)
            for v in obs:
                s = np.float32(s + v)
            m = np.float32(s / np.float32(len(obs)))
            if case.kernel == "rolling_mean":
                out.append(float(m))
                continue
            ss = np.float32(0)
            for v in obs:
                ss = np.float32(ss + np.float32(v - m) * np.float32(v - m))
            out.append(float(np.sqrt(np.float32(ss / np.float32(len(obs) - 1)))) if len(obs) > 1 else NAN)
        return out
    if case.kernel == "ewm_mean":
        alpha = np.float32(1.0 / (1.0 + ewm_com(o)))
        ofac = one - alpha
        out = []
        weighted = x[0]
        old_wt = one
        out.append(float(weighted))
        for cur in x[1:]:
            if not np.isnan(weighted):
                old_wt = np.float32(old_wt * ofac)
                if not np.isnan(cur):
                    weighted = np.float32(np.float32(old_wt * weighted + cur) / np.float32(old_wt + one))
                    old_wt = np.float32(old_wt + one)
            elif not np.isnan(cur):
                weighted = cur
            out.append(float(weighted))
        return out
    raise ValueError(case.kernel)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
def fmt(v) -> str:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    v = float(v)
    if v != v:
        return "NaN"
    if v == INF:
        return "Inf"
    if v == -INF:
        return "-Inf"
    return repr(v)


def fmt_opt(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_table(path, cols):
    n = len(cols[0])
    lines = [f"{n} {len(cols)}"]
    for i in range(n):
        lines.append(" ".join(fmt(c[i]) for c in cols))
    path.write_text("\n".join(lines) + "\n")


def main():
    gen_score_series()
    gen_ewm()
    gen_rolling()
    gen_cum()
    gen_reduce()
    gen_group()

    deviations = []   # (kernel, case id, library, n_bad, n_rows, example)
    n_checked = 0
    for c in CASES:
        # f32: inputs exactly representable, expected exactly float32
        if c.dtype == "f32":
            for col in c.cols:
                assert all(isnan(v) or float(np.float32(v)) == v for v in col), c.id
            sim = f32_sim(c)
            bad = mismatches(sim, c.expected, c.rtol, c.atol)
            assert not bad, f"{c.id}: float32 simulation outside tolerance at {bad[:5]}"
        for lib, got in c.libs:
            exp = c.expected
            if c.dtype == "f32":
                got = [float(np.float32(v)) for v in got]
                bad = mismatches(got, exp, c.rtol, c.atol)
            elif c.benign:
                bad = mismatches(got, exp, CHECK_RTOL, CHECK_ATOL)
            else:
                bad = mismatches(got, exp, c.rtol, c.atol)
            if not bad:
                n_checked += c.benign or c.dtype == "f32"
                continue
            if c.benign:
                i = bad[0]
                raise AssertionError(
                    f"{c.id}: {lib} disagrees with the reference on benign data at rows "
                    f"{bad[:8]} (of {len(exp)}): row {i}: {lib}={got[i]!r} ref={exp[i]!r}")
            finite = [i for i in bad if math.isfinite(exp[i]) and math.isfinite(got[i])]
            if finite:
                i = max(finite, key=lambda j: abs(got[j] - exp[j]) / max(abs(exp[j]), 1e-300))
            else:
                i = bad[0]
            deviations.append((c.kernel, c.id, lib, len(bad), len(exp), i, got[i], exp[i]))

    # write files
    OUTDIR.mkdir(parents=True, exist_ok=True)
    for p in list(OUTDIR.glob("*.in")) + list(OUTDIR.glob("*.out")) + [OUTDIR / "cases.tsv"]:
        if p.exists():
            p.unlink()
    rows = ["id\tkernel\tdtype\toptions\trtol\tatol"]
    for c in CASES:
        opts = ",".join(f"{k}={fmt_opt(v)}" for k, v in c.opts.items()) or "-"
        rows.append(f"{c.id}\t{c.kernel}\t{c.dtype}\t{opts}\t{c.rtol!r}\t{c.atol!r}")
        write_table(OUTDIR / f"{c.id}.in", c.cols)
        write_table(OUTDIR / f"{c.id}.out", [c.expected])
    (OUTDIR / "cases.tsv").write_text("\n".join(rows) + "\n")
    write_readme(deviations)

    counts = {}
    for c in CASES:
        counts[c.kernel] = counts.get(c.kernel, 0) + 1
    total = sum(p.stat().st_size for p in OUTDIR.iterdir() if p.is_file())
    print(f"{len(CASES)} cases, {len(counts)} kernels, {total / 1024:.0f} KiB in {OUTDIR}")
    for k, v in counts.items():
        print(f"  {k}: {v}")
    print(f"{n_checked} library cross-checks on benign cases passed; "
          f"{len(deviations)} library deviations on Inf / big-offset cases recorded in README.md")
    if total > 3 * 1024 * 1024:
        sys.exit("tests/vectors exceeds 3 MB")


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------
README_HEAD = """\
# ferroscore reference test vectors

Generated by `scripts/make_vectors.py` — do not edit by hand. Regenerate with

    python3 -m venv .venv-vectors
    .venv-vectors/bin/pip install -r scripts/requirements-vectors.txt
    .venv-vectors/bin/python scripts/make_vectors.py

The script is deterministic: every case draws from its own numpy Generator
seeded from its id, so re-running reproduces the files byte for byte.

## Files

### `cases.tsv`

Tab-separated, one header line, then one line per case:

    id	kernel	dtype	options	rtol	atol

| column | meaning |
| --- | --- |
| `id` | unique, `[a-z0-9_]+`; names the files `<id>.in` and `<id>.out` |
| `kernel` | kernel name (list below) |
| `dtype` | `f64` or `f32` |
| `options` | `key=value` pairs joined by `,`, or `-` for none. Values are numbers (`10`, `0.25`), `true`/`false`, or words (`interpolation=midpoint`) |
| `rtol`, `atol` | pass iff `abs(got - exp) <= atol + rtol * abs(exp)`; an expected `NaN` must be matched by `NaN` and an expected `Inf`/`-Inf` by the same infinity, exactly |

### `<id>.in` and `<id>.out`

Plain text. First line `<n_rows> <n_cols>`, then `n_rows` lines of `n_cols`
values separated by one space. `n_rows` may be 0 (empty input).

* `.in` column 1 is `x`. Column 2 is `b` for `dot`, the integer group code
  for `group_*`, and the observation time (float64, strictly increasing,
  e.g. seconds) for time-based `ewm_mean` (`times=true`).
* `.out` has one column: one row per input row for the elementwise, rolling,
  cumulative and ewm kernels; one row for reductions; `n_groups` rows for
  `group_*`.
* Finite values are Python `repr(float)` (shortest round-trip decimal, e.g.
  `0.1`, `-3.25`, `1e-05`, `1000000000.123456`); missing is `NaN`;
  infinities are `Inf` and `-Inf`; group codes are plain integers. All of
  these parse with C `strtod`, R `as.numeric`/`read.table`, gfortran
  list-directed `read`, and Python `float`.
* `f32` cases: every input value is exactly representable in float32 (read
  it as float64 and cast, or read it directly as float32: same value); the
  expected value is the float64 reference rounded to float32.

## Kernels and options (defaults in parentheses)

NaN is "missing". `skipna` defaults to `true` wherever it applies.

| kernel | options |
| --- | --- |
| `score_series` | `up` (0.9), `down` (0.5), `init` (0.0), `skipna` |
| `ewm_mean`, `ewm_var`, `ewm_std` | exactly one of `alpha`/`span`/`com`/`halflife`; `adjust` (true), `ignore_na` (false), `min_periods` (0), `bias` (false, var/std); `times` (false, mean only: then column 2 holds the times and `halflife` is in the same unit) |
| `rolling_sum/mean/var/std/min/max/median/quantile/zscore` | `window` (always given), `min_periods` (= window), `center` (false), `ddof` (1; var/std/zscore), `q` and `interpolation` (quantile, always given: `linear`, `lower`, `higher`, `midpoint`, `nearest`), `skipna` |
| `cumsum`, `cummax`, `cummin` | `skipna` |
| `drawdown` | none (`x / cummax(x) - 1`, NaN where x is missing) |
| `sum`, `mean`, `var`, `std`, `min`, `max`, `count`, `power_sum`, `dot` | `ddof` (1; var/std), `p` (1.5; power_sum) |
| `group_sum/mean/var/std/min/max/count/power_sum` | `n_groups` (always given), `ddof` (1), `p` (1.5) |

Semantics are the ferroscore contract (see the core's docs); the points the
vectors pin down:

* Rolling windows are pandas' fixed windows: row `i` uses rows
  `[end - window, end)` clipped to `[0, n)`, with `end = i + 1 + offset` and
  `offset = (window - 1) // 2` if `center` else 0. A window yields a value
  iff it holds at least `min_periods` non-missing values (±Inf counts).
  With `skipna=false` a window holding any NaN gives NaN.
* `rolling_sum` with `min_periods=0` and no observation is `0.0`; all other
  rolling aggregates with no observation are NaN. var/std with
  `count <= ddof` are NaN; a window whose values are all identical has
  var/std exactly 0.
* Infinities are handled mathematically: a sum/mean with `+Inf` (and no
  `-Inf`) is `+Inf`, with both it is NaN; var/std/zscore of a window holding
  an infinity are NaN; min/max/median/quantile order ±Inf like other values.
* Quantile: with `m` observations sorted as `s`, `h = q * (m - 1)` computed
  in float64, `i = floor(h)`; if `h == i` the result is `s[i]`, else with
  `lo = s[i]`, `hi = s[i+1]`, `frac = h - i`: linear `lo + (hi - lo) * frac`,
  lower `lo`, higher `hi`, midpoint `(lo + hi) / 2`, nearest
  `s[round-half-to-even(h)]` (pandas: at an exact .5 the even index). A
  single observation is returned as is. Interpolating with infinities is
  done mathematically: if `lo == hi` the result is `lo` (so `Inf` between
  `Inf` and `Inf`); `-Inf`..`+Inf` gives NaN; `-Inf`..finite gives `-Inf`;
  finite..`+Inf` gives `+Inf`. `median` is quantile 0.5 linear.
* `rolling_zscore` = `(x[i] - mean) / std` over the same window and ddof; it
  is NaN when `x[i]` is missing, when the window holds an infinity, or when
  the std is 0 (0/0). The zscore cases avoid std near 0.
* ewm_*: exactly pandas (`min_periods=0` behaves as 1, as in pandas).
  pandas turns ±Inf into NaN before any window computation, so in `ewm_*`
  an infinite input is treated as missing (cases `ewm_*_naninf`). With
  `times`, the reference is pandas with times as `datetime64[ns]` and
  `halflife` as a Timedelta; the times in the vectors are multiples of
  0.25 so the conversion to nanoseconds is exact. pandas >= 3 with `times`
  and `adjust=false` gives a new observation the weight `1 - old_wt`, where
  `old_wt` is the decay `0.5 ** (elapsed / halflife)` accumulated since the
  previous observation (with `ignore_na=true` only the last step's elapsed
  time counts, as in pandas), then resets `old_wt` to 1.
* `drawdown` has no options in the vectors (missing x gives NaN and does not
  enter the running max).
* Reductions: `sum` of nothing is 0.0, `mean`/`min`/`max` of nothing NaN,
  `count` is a float; `power_sum` sums `v**p` over `v > 0`; `dot` sums
  `a*b` over rows where both are non-missing (`Inf * 0` is NaN).
* Groups: rows with a negative code are skipped; empty groups give 0 for
  sum/count/power_sum and NaN otherwise.

## How the expected values were computed

Each kernel has a plain Python loop reference written from the contract
(per-window recomputation). Sums, means and variances are computed in exact
rational arithmetic and rounded once (var/std/zscore: exact two-pass, sqrt
correctly rounded); median/quantile sort every window. The references are
cross-checked against pandas, numpy and bottleneck: on benign cases (no Inf,
no big offsets) they agree within 1e-12 relative (+1e-12 absolute), asserted
by the script. For `ewm_*` pandas is the definition; a plain Python port of
pandas' recurrence is checked to agree within 1e-12.

Tolerances: 1e-12 / 1e-12 by default; `ewm_*` rtol 1e-10; rolling
var/std/zscore and var/std on big offsets rtol 1e-9 (atol 1e-12);
`rolling_zscore` on 1e9 + N(0,1) uses atol 1e-6, because once the window
mean is stored in a float64 `x - mean` is only known to ulp(1e9) ≈ 1.2e-7;
f32 cases rtol 1e-6, atol 1e-6 (the script checks that a plain float32
implementation passes them).
"""


def write_readme(deviations):
    lines = [README_HEAD, "## Where pandas / bottleneck / numpy differ from the contract", ""]
    lines.append("Found automatically on the non-benign cases (Inf, big offsets): the library "
                 "result fails the case's tolerance against the contract value. `rows` is "
                 "the number of failing output rows; the example is the worst "
                 "(or the first) failing row. The vectors hold the contract value.")
    lines.append("")
    lines.append("Causes: (1) pandas (3.x) replaces ±Inf by NaN before every rolling "
                 "and ewm computation, so its rolling sum/mean/min/max/median/quantile "
                 "simply ignore infinities and its var/std stay finite; (2) bottleneck's "
                 "moving sum/mean/var keep running totals, so once an Inf has entered "
                 "and left the window they stay NaN (Inf - Inf); (3) pandas' and "
                 "bottleneck's online (Welford-type) rolling var/std lose about 5e-6 "
                 "relative on 1e9 + N(0,1) data (the zscore rows follow from the std). "
                 "The `rolling_zscore` library column is `(x - rolling mean) / rolling std` "
                 "built from pandas.")
    lines.append("")
    lines.append("| kernel | case | library | rows | row | library says | contract says |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for kern, cid, lib, nbad, n, i, got, exp in deviations:
        lines.append(f"| {kern} | `{cid}` | {lib} | {nbad}/{n} | {i} | {fmt(got)} | {fmt(exp)} |")
    if not deviations:
        lines.append("| (none) | | | | | | |")
    lines.append("")
    counts = {}
    for c in CASES:
        counts[c.kernel] = counts.get(c.kernel, 0) + 1
    lines.append(f"## Cases per kernel ({len(CASES)} in all)")
    lines.append("")
    lines.append("| kernel | cases |")
    lines.append("| --- | --- |")
    for k, v in counts.items():
        lines.append(f"| `{k}` | {v} |")
    lines.append("")
    (OUTDIR / "README.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
