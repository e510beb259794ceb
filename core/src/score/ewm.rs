//! Exponentially weighted moving mean, variance and standard deviation, with
//! pandas' `Series.ewm(...)` semantics (NaN carry-forward, `adjust`,
//! `ignore_na`, `min_periods`, `bias`, time-based `halflife`). As in pandas,
//! ±Inf inputs are treated as missing.

use super::Scan;
use crate::error::check_out;
use crate::{Error, Float, Result};

/// How fast the weights decay: exactly one of pandas' four parameters.
///
/// ```
/// use ferroscore::score::Decay;
/// assert_eq!(Decay::Com(1.0).alpha()?, 0.5);
/// assert_eq!(Decay::Span(3.0).alpha()?, 0.5);
/// assert!(Decay::Alpha(1.5).alpha().is_err());
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decay {
    /// Smoothing factor, `0 < alpha <= 1`.
    Alpha(f64),
    /// Span, `span >= 1`: `alpha = 2 / (span + 1)`.
    Span(f64),
    /// Center of mass, `com >= 0`: `alpha = 1 / (1 + com)`.
    Com(f64),
    /// Half-life, `halflife > 0`: `alpha = 1 - exp(ln(0.5) / halflife)`; with
    /// `times`, the half-life in the units of `times`.
    Halflife(f64),
}

impl Decay {
    /// The center of mass, validated, computed as pandas does.
    fn com(self) -> Result<f64> {
        let bad = |name, v: f64, cond: &str| {
            Err(Error::invalid(
                name,
                format!("must satisfy {cond}, got {v}"),
            ))
        };
        match self {
            Decay::Com(c) if c >= 0.0 && c.is_finite() => Ok(c),
            Decay::Com(c) => bad("com", c, "com >= 0"),
            Decay::Span(s) if s >= 1.0 && s.is_finite() => Ok((s - 1.0) / 2.0),
            Decay::Span(s) => bad("span", s, "span >= 1"),
            Decay::Halflife(h) if h > 0.0 && h.is_finite() => {
                Ok(1.0 / (1.0 - (0.5f64.ln() / h).exp()) - 1.0)
            }
            Decay::Halflife(h) => bad("halflife", h, "halflife > 0"),
            Decay::Alpha(a) if a > 0.0 && a <= 1.0 => Ok((1.0 - a) / a),
            Decay::Alpha(a) => bad("alpha", a, "0 < alpha <= 1"),
        }
    }

    /// The smoothing factor `alpha` in (0, 1], as pandas computes it from the
    /// center of mass.
    pub fn alpha(self) -> Result<f64> {
        Ok(1.0 / (1.0 + self.com()?))
    }
}

/// Options of the `ewm_*` kernels; the defaults are pandas'.
///
/// ```
/// use ferroscore::score::{EwmOptions, Decay};
/// let o = EwmOptions::from_params(None, Some(10.0), None, None)?;
/// assert_eq!(o.decay, Decay::Span(10.0));
/// assert!(o.adjust && !o.ignore_na && o.min_periods == 0 && !o.bias);
/// assert!(EwmOptions::from_params(Some(0.5), Some(10.0), None, None).is_err());
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EwmOptions {
    /// The decay parameter.
    pub decay: Decay,
    /// Divide by the decaying sum of weights (default true); `false` uses the
    /// recursive form `y = (1 - alpha) * y + alpha * x`.
    pub adjust: bool,
    /// Ignore missing values when computing weights (default false).
    pub ignore_na: bool,
    /// Observations needed before a value is output (default 0, treated as 1).
    pub min_periods: usize,
    /// `ewm_var`/`ewm_std` only: the biased estimator (default false).
    pub bias: bool,
}

impl EwmOptions {
    /// Options with the given decay and pandas' defaults.
    pub fn new(decay: Decay) -> Self {
        EwmOptions {
            decay,
            adjust: true,
            ignore_na: false,
            min_periods: 0,
            bias: false,
        }
    }

    /// Shorthand for `EwmOptions::new(Decay::Alpha(alpha))`.
    pub fn alpha(alpha: f64) -> Self {
        Self::new(Decay::Alpha(alpha))
    }

    /// Builds options from pandas-style optional parameters, of which exactly
    /// one must be given.
    pub fn from_params(
        alpha: Option<f64>,
        span: Option<f64>,
        com: Option<f64>,
        halflife: Option<f64>,
    ) -> Result<Self> {
        let given: Vec<Decay> = [
            alpha.map(Decay::Alpha),
            span.map(Decay::Span),
            com.map(Decay::Com),
            halflife.map(Decay::Halflife),
        ]
        .into_iter()
        .flatten()
        .collect();
        match given.as_slice() {
            [d] => Ok(Self::new(*d)),
            [] => Err(Error::invalid(
                "alpha",
                "must pass exactly one of alpha, span, com or halflife",
            )),
            _ => Err(Error::invalid(
                "alpha",
                "alpha, span, com and halflife are mutually exclusive",
            )),
        }
    }

    /// Checks the options.
    pub fn validate(&self) -> Result<()> {
        self.decay.alpha().map(|_| ())
    }
}

/// Weights smaller than this are flushed to zero so that long gaps cannot
/// underflow into 0/0.
const TINY: f64 = 1e-250;

/// Resumable state of [`ewm_mean`] (and of [`ewm_mean_times`]).
///
/// ```
/// use ferroscore::score::{EwmMeanState, EwmOptions, Scan};
/// let mut st = EwmMeanState::new(&EwmOptions::alpha(0.5))?;
/// assert_eq!(st.update(&[2.0_f64, 4.0])?, vec![2.0, (1.0 + 4.0) / 1.5]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EwmMeanState {
    opts: EwmOptions,
    alpha: f64,
    /// adjust: decaying weighted sum and sum of weights; !adjust: `ws` holds
    /// the mean and `sw` the weight of the old mean (pandas' `old_wt`).
    ws: f64,
    sw: f64,
    mean: f64,
    nobs: usize,
    last_time: Option<f64>,
}

impl EwmMeanState {
    /// A fresh state.
    pub fn new(opts: &EwmOptions) -> Result<Self> {
        let alpha = opts.decay.alpha()?;
        Ok(EwmMeanState {
            opts: *opts,
            alpha,
            ws: 0.0,
            sw: 0.0,
            mean: f64::NAN,
            nobs: 0,
            last_time: None,
        })
    }

    /// The current mean (NaN before the first observation).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// One step with the decay factor `f` for the step from the previous row.
    #[inline(always)]
    fn step<const TIMES: bool>(&mut self, v: f64, f: f64, minp: usize) -> f64 {
        let obs = v.is_finite(); // pandas turns ±Inf into NaN before ewm
        self.nobs += obs as usize;
        if !self.mean.is_nan() {
            if obs && self.opts.adjust {
                // Decay and add in one fused step each: the loop-carried
                // chain is one fma per row.
                // The restart after a gap that decayed the weights to
                // nothing is out of line, so that it stays a (never taken)
                // branch: as a select it sat on the weights' chain (ewm_mean
                // 2.1 -> 1.5 ns a row).
                let (ws, sw) = if self.sw * f < TINY {
                    restart(v)
                } else {
                    (self.ws.mul_add(f, v), self.sw.mul_add(f, 1.0))
                };
                self.ws = ws;
                self.sw = sw;
                self.mean = ws / sw;
            } else if obs || !self.opts.ignore_na {
                self.ws *= f;
                self.sw *= f;
                if self.sw < TINY {
                    self.ws = 0.0;
                    self.sw = 0.0;
                }
            }
            if obs && !self.opts.adjust {
                // pandas: old_wt *= f; mean = (old_wt*mean + new_wt*v)/(old_wt + new_wt);
                // old_wt = 1, with new_wt = alpha, or 1 - old_wt with times (pandas 3)
                let new_wt = if TIMES { 1.0 - self.sw } else { self.alpha };
                if self.mean != v {
                    self.mean = (self.sw * self.mean + new_wt * v) / (self.sw + new_wt);
                }
                self.sw = 1.0;
            }
        } else if obs {
            self.mean = v;
            self.ws = v;
            self.sw = 1.0;
        }
        if self.nobs >= minp {
            self.mean
        } else {
            f64::NAN
        }
    }

    /// Like [`Scan::update_into`], with `times` (same length as `x`,
    /// non-decreasing, in the units of the half-life): the weight of an
    /// observation decays by `0.5^(dt / halflife)` for a gap of `dt`.
    /// Needs `Decay::Halflife`. With `adjust = false` a new observation gets
    /// the weight `1 - old_weight`, as in pandas 3.
    pub fn update_times_into<T: Float>(
        &mut self,
        x: &[T],
        times: &[f64],
        out: &mut [T],
    ) -> Result<()> {
        check_out(x.len(), out.len())?;
        if times.len() != x.len() {
            return Err(Error::LengthMismatch {
                name: "times",
                expected: x.len(),
                actual: times.len(),
            });
        }
        let Decay::Halflife(h) = self.opts.decay else {
            return Err(Error::invalid(
                "times",
                "time-based weights need `halflife` (and no alpha, span or com)",
            ));
        };
        let mut prev = self.last_time;
        for (i, &t) in times.iter().enumerate() {
            if !t.is_finite() {
                return Err(Error::invalid(
                    "times",
                    format!("must be finite, got {t} at row {i}"),
                ));
            }
            if prev.is_some_and(|p| t < p) {
                return Err(Error::invalid(
                    "times",
                    format!("must be non-decreasing, row {i} goes back"),
                ));
            }
            prev = Some(t);
        }
        let minp = self.opts.min_periods.max(1);
        for ((o, &v), &t) in out.iter_mut().zip(x).zip(times) {
            let f = match self.last_time {
                Some(p) => 0.5f64.powf((t - p) / h),
                None => 1.0,
            };
            self.last_time = Some(t);
            *o = T::from_f64(self.step::<true>(v.to_f64(), f, minp));
        }
        Ok(())
    }
}

impl Scan for EwmMeanState {
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> Result<()> {
        check_out(x.len(), out.len())?;
        let f = 1.0 - self.alpha;
        let minp = self.opts.min_periods.max(1);
        for (o, &v) in out.iter_mut().zip(x) {
            *o = T::from_f64(self.step::<false>(v.to_f64(), f, minp));
        }
        Ok(())
    }
}

/// The weighted sum and weight of a mean whose weights decayed to nothing:
/// it starts again from `v`. Out of line, so that the test stays a branch.
#[cold]
#[inline(never)]
fn restart(v: f64) -> (f64, f64) {
    (v, 1.0)
}

/// Resumable state of [`ewm_var`] and [`ewm_std`] (pandas' `ewmcov` of a
/// series with itself).
///
/// ```
/// use ferroscore::score::{EwmVarState, EwmOptions, Scan};
/// let mut st = EwmVarState::new(&EwmOptions::alpha(0.5), false)?;
/// let v = st.update(&[1.0_f64, 3.0])?;
/// assert!(v[0].is_nan() && (v[1] - 2.0).abs() < 1e-12);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EwmVarState {
    opts: EwmOptions,
    alpha: f64,
    std: bool,
    mean: f64,
    cov: f64,
    sum_wt: f64,
    sum_wt2: f64,
    old_wt: f64,
    nobs: usize,
}

impl EwmVarState {
    /// A fresh state; `std = true` outputs the square root of the variance.
    pub fn new(opts: &EwmOptions, std: bool) -> Result<Self> {
        let alpha = opts.decay.alpha()?;
        Ok(EwmVarState {
            opts: *opts,
            alpha,
            std,
            mean: f64::NAN,
            cov: 0.0,
            sum_wt: 1.0,
            sum_wt2: 1.0,
            old_wt: 1.0,
            nobs: 0,
        })
    }

    /// Advances the state by one value; returns what the row's output is
    /// computed from: `(cov, sum_wt, sum_wt2)`, with `cov` NaN while there
    /// are fewer than `min_periods` observations.
    #[inline(always)]
    fn advance(&mut self, v: f64) -> [f64; 3] {
        let f = 1.0 - self.alpha;
        let new_wt = if self.opts.adjust { 1.0 } else { self.alpha };
        let obs = v.is_finite(); // pandas turns ±Inf into NaN before ewm
        self.nobs += obs as usize;
        if !self.mean.is_nan() {
            if obs {
                // pandas decays the weights (`old_wt *= f`), then adds the
                // new one; here each weight is one FMA, so that no chain
                // from row to row is longer than one FMA. pandas' mean is
                // `(old_wt*mean + new_wt*v) / (old_wt + new_wt)` and its cov
                // `(old_wt*(cov + d_old^2) + new_wt*d_new^2) / (same)`: here
                // with the two weights' shares `a` and `b` (one reciprocal,
                // off the chains), each one FMA on its chain (ewm_std 5.3 ->
                // 3.5 ns a row at 1e6, with the outputs' loop below).
                let old_wt = self.old_wt * f;
                let total = self.old_wt.mul_add(f, new_wt);
                let r = 1.0 / total;
                let (a, b) = (old_wt * r, new_wt * r);
                let old_mean = self.mean;
                if self.mean != v {
                    self.mean = a.mul_add(old_mean, b * v);
                }
                let d_old = old_mean - self.mean;
                let d_new = v - self.mean;
                let fresh = a.mul_add(d_old * d_old, b * (d_new * d_new));
                self.cov = a.mul_add(self.cov, fresh);
                self.sum_wt = self.sum_wt.mul_add(f, new_wt);
                self.sum_wt2 = self.sum_wt2.mul_add(f * f, new_wt * new_wt);
                self.old_wt = total;
                if !self.opts.adjust {
                    self.sum_wt /= self.old_wt;
                    self.sum_wt2 /= self.old_wt * self.old_wt;
                    self.old_wt = 1.0;
                }
            } else if !self.opts.ignore_na {
                self.sum_wt *= f;
                self.sum_wt2 *= f * f;
                self.old_wt *= f;
            }
        } else if obs {
            self.mean = v;
        }
        let cov = if self.nobs < self.opts.min_periods.max(1) {
            f64::NAN
        } else {
            self.cov
        };
        [cov, self.sum_wt, self.sum_wt2]
    }

    /// A row's output from what [`Self::advance`] returned: no state, and no
    /// branch the compiler cannot turn into a select.
    #[inline(always)]
    fn output(bias: bool, std: bool, cov: f64, sum_wt: f64, sum_wt2: f64) -> f64 {
        let var = if bias {
            cov
        } else {
            let num = sum_wt * sum_wt;
            let den = num - sum_wt2;
            if den > 0.0 {
                num / den * cov
            } else {
                f64::NAN
            }
        };
        if std {
            if var < 0.0 {
                0.0
            } else {
                var.sqrt()
            }
        } else {
            var
        }
    }
}

/// The outputs of a block of rows, in a loop of their own that the compiler
/// vectorizes: their division and square root were most of a row's time
/// when computed one row at a time next to the state's updates.
fn ewm_var_outputs<T: Float, const N: usize, const BIAS: bool, const STD: bool>(
    raw: &Raw<N>,
    out: &mut [T],
) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = T::from_f64(EwmVarState::output(
            BIAS,
            STD,
            raw.cov[i],
            raw.sum_wt[i],
            raw.sum_wt2[i],
        ));
    }
}

/// Each row's raw state in a block of `N` rows: what its output is computed
/// from.
struct Raw<const N: usize> {
    cov: [f64; N],
    sum_wt: [f64; N],
    sum_wt2: [f64; N],
}

/// Rows per block of [`EwmVarState`]: each row's raw state is kept, then
/// the outputs are computed in a second, vectorized loop.
const SCAN_BLOCK: usize = 256;

/// Rows per block for short calls (a streaming row at a time): the block's
/// arrays are zeroed on every call, and 6 KB of them had cost a one-row
/// call 60 ns.
const SHORT_BLOCK: usize = 16;

impl EwmVarState {
    fn run_blocks<T: Float, const N: usize>(&mut self, x: &[T], out: &mut [T]) {
        let mut raw = Raw {
            cov: [0.0; N],
            sum_wt: [0.0; N],
            sum_wt2: [0.0; N],
        };
        for (xb, ob) in x.chunks(N).zip(out.chunks_mut(N)) {
            for (i, &v) in xb.iter().enumerate() {
                [raw.cov[i], raw.sum_wt[i], raw.sum_wt2[i]] = self.advance(v.to_f64());
            }
            match (self.opts.bias, self.std) {
                (false, false) => ewm_var_outputs::<T, N, false, false>(&raw, ob),
                (false, true) => ewm_var_outputs::<T, N, false, true>(&raw, ob),
                (true, false) => ewm_var_outputs::<T, N, true, false>(&raw, ob),
                (true, true) => ewm_var_outputs::<T, N, true, true>(&raw, ob),
            }
        }
    }
}

impl Scan for EwmVarState {
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> Result<()> {
        check_out(x.len(), out.len())?;
        if x.len() <= SHORT_BLOCK {
            self.run_blocks::<T, SHORT_BLOCK>(x, out);
        } else {
            self.run_blocks::<T, SCAN_BLOCK>(x, out);
        }
        Ok(())
    }
}

/// Exponentially weighted mean, as pandas `Series.ewm(...).mean()`.
///
/// ```
/// use ferroscore::score::{ewm_mean, EwmOptions};
/// let m = ewm_mean(&[1.0_f64, f64::NAN, 3.0], &EwmOptions::alpha(0.5))?;
/// assert_eq!(m[1], 1.0); // carried forward over the gap
/// assert!((m[2] - (0.25 * 1.0 + 3.0) / 1.25).abs() < 1e-15);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_mean<T: Float>(x: &[T], opts: &EwmOptions) -> Result<Vec<T>> {
    EwmMeanState::new(opts)?.update(x)
}

/// [`ewm_mean`] into a caller's buffer.
///
/// ```
/// use ferroscore::score::{ewm_mean_into, EwmOptions};
/// let mut out = [0.0_f64; 2];
/// ewm_mean_into(&[2.0, 2.0], &EwmOptions::alpha(0.3), &mut out)?;
/// assert_eq!(out, [2.0, 2.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_mean_into<T: Float>(x: &[T], opts: &EwmOptions, out: &mut [T]) -> Result<()> {
    EwmMeanState::new(opts)?.update_into(x, out)
}

/// Time-based exponentially weighted mean (pandas `ewm(halflife=..., times=...)`).
///
/// ```
/// use ferroscore::score::{ewm_mean_times, EwmOptions, Decay};
/// let o = EwmOptions::new(Decay::Halflife(1.0));
/// let m = ewm_mean_times(&[0.0_f64, 1.0], &[0.0, 1.0], &o)?;
/// assert_eq!(m[1], 1.0 / 1.5); // the first value's weight halved after one half-life
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_mean_times<T: Float>(x: &[T], times: &[f64], opts: &EwmOptions) -> Result<Vec<T>> {
    let mut out = vec![T::NAN_VALUE; x.len()];
    ewm_mean_times_into(x, times, opts, &mut out)?;
    Ok(out)
}

/// [`ewm_mean_times`] into a caller's buffer.
///
/// ```
/// use ferroscore::score::{ewm_mean_times_into, EwmOptions, Decay};
/// let mut out = [0.0_f64; 1];
/// ewm_mean_times_into(&[5.0], &[0.0], &EwmOptions::new(Decay::Halflife(2.0)), &mut out)?;
/// assert_eq!(out, [5.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_mean_times_into<T: Float>(
    x: &[T],
    times: &[f64],
    opts: &EwmOptions,
    out: &mut [T],
) -> Result<()> {
    EwmMeanState::new(opts)?.update_times_into(x, times, out)
}

/// Exponentially weighted variance, as pandas `Series.ewm(...).var(bias=...)`.
///
/// ```
/// use ferroscore::score::{ewm_var, EwmOptions};
/// let v = ewm_var(&[1.0_f64, 1.0, 1.0], &EwmOptions::alpha(0.2))?;
/// assert!(v[0].is_nan() && v[2] == 0.0);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_var<T: Float>(x: &[T], opts: &EwmOptions) -> Result<Vec<T>> {
    EwmVarState::new(opts, false)?.update(x)
}

/// [`ewm_var`] into a caller's buffer.
///
/// ```
/// use ferroscore::score::{ewm_var_into, EwmOptions};
/// let mut out = [0.0_f64; 2];
/// ewm_var_into(&[1.0, 3.0], &EwmOptions::alpha(0.5), &mut out)?;
/// assert!((out[1] - 2.0).abs() < 1e-12);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_var_into<T: Float>(x: &[T], opts: &EwmOptions, out: &mut [T]) -> Result<()> {
    EwmVarState::new(opts, false)?.update_into(x, out)
}

/// Exponentially weighted standard deviation, as pandas `ewm(...).std()`.
///
/// ```
/// use ferroscore::score::{ewm_std, EwmOptions};
/// let s = ewm_std(&[1.0_f64, 3.0], &EwmOptions::alpha(0.5))?;
/// assert!((s[1] - 2.0_f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_std<T: Float>(x: &[T], opts: &EwmOptions) -> Result<Vec<T>> {
    EwmVarState::new(opts, true)?.update(x)
}

/// [`ewm_std`] into a caller's buffer.
///
/// ```
/// use ferroscore::score::{ewm_std_into, EwmOptions};
/// let mut out = [0.0_f32; 2];
/// ewm_std_into(&[1.0, 3.0], &EwmOptions::alpha(0.5), &mut out)?;
/// assert!((out[1] - 2.0_f32.sqrt()).abs() < 1e-6);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn ewm_std_into<T: Float>(x: &[T], opts: &EwmOptions, out: &mut [T]) -> Result<()> {
    EwmVarState::new(opts, true)?.update_into(x, out)
}

/// A count stored in a snapshot (exact below 2^53).
fn count_of(v: f64) -> Result<usize> {
    if v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Ok(v as usize)
    } else {
        Err(Error::invalid(
            "state",
            format!("a count must be a whole number, got {v}"),
        ))
    }
}

impl super::Snapshot for EwmMeanState {
    fn save(&self) -> Vec<f64> {
        vec![
            self.ws,
            self.sw,
            self.mean,
            self.nobs as f64,
            self.last_time.unwrap_or(f64::NAN),
        ]
    }

    fn load(&mut self, data: &[f64]) -> Result<()> {
        super::snapshot_len(data, 5)?;
        self.nobs = count_of(data[3])?;
        self.ws = data[0];
        self.sw = data[1];
        self.mean = data[2];
        self.last_time = Some(data[4]).filter(|t| !t.is_nan());
        Ok(())
    }
}

impl super::Snapshot for EwmVarState {
    fn save(&self) -> Vec<f64> {
        vec![
            self.mean,
            self.cov,
            self.sum_wt,
            self.sum_wt2,
            self.old_wt,
            self.nobs as f64,
        ]
    }

    fn load(&mut self, data: &[f64]) -> Result<()> {
        super::snapshot_len(data, 6)?;
        self.nobs = count_of(data[5])?;
        self.mean = data[0];
        self.cov = data[1];
        self.sum_wt = data[2];
        self.sum_wt2 = data[3];
        self.old_wt = data[4];
        Ok(())
    }
}
