//! Rolling-window kernels with pandas' `Series.rolling(...)` semantics.

mod minmax;
mod moments;
mod order;
mod quads;
mod window;

use super::Scan;
use crate::error::check_out;
use crate::{Error, Float, Result};
use minmax::MinMax;
use moments::{Moments, Stat, Want};
use order::Order;
use std::str::FromStr;
use window::Window;

/// How a quantile falls between two data points (pandas' `interpolation`).
///
/// ```
/// use ferroscore::score::Interpolation;
/// assert_eq!("midpoint".parse::<Interpolation>()?, Interpolation::Midpoint);
/// assert!("cubic".parse::<Interpolation>().is_err());
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Interpolation {
    /// `lo + (hi - lo) * fraction` (the default).
    #[default]
    Linear,
    /// The lower data point.
    Lower,
    /// The higher data point.
    Higher,
    /// The nearest data point (ties to the even index, as `round`).
    Nearest,
    /// `(lo + hi) / 2`.
    Midpoint,
}

impl FromStr for Interpolation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "linear" => Interpolation::Linear,
            "lower" => Interpolation::Lower,
            "higher" => Interpolation::Higher,
            "nearest" => Interpolation::Nearest,
            "midpoint" => Interpolation::Midpoint,
            _ => {
                return Err(Error::invalid(
                    "interpolation",
                    format!("must be one of linear, lower, higher, nearest, midpoint; got {s:?}"),
                ))
            }
        })
    }
}

/// Which statistic a rolling window computes.
///
/// ```
/// use ferroscore::score::{RollingKind, Interpolation};
/// let k = RollingKind::Quantile { q: 0.9, interpolation: Interpolation::Linear };
/// assert!(k.validate().is_ok());
/// assert!(RollingKind::Quantile { q: 1.5, interpolation: Interpolation::Linear }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RollingKind {
    /// Sum of the non-missing values (0 with `min_periods = 0` and none).
    Sum,
    /// Mean.
    Mean,
    /// Variance with `ddof`.
    Var,
    /// Standard deviation with `ddof`.
    Std,
    /// `(x - mean) / std` of the window ending (or centered) at the row.
    Zscore,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// Median.
    Median,
    /// Quantile `q` in [0, 1].
    Quantile {
        /// The quantile.
        q: f64,
        /// How it falls between data points.
        interpolation: Interpolation,
    },
}

impl RollingKind {
    /// Checks the kind's own parameters (`q`).
    pub fn validate(&self) -> Result<()> {
        match *self {
            RollingKind::Quantile { q, .. } if !(0.0..=1.0).contains(&q) => {
                Err(Error::invalid("q", format!("must be in [0, 1], got {q}")))
            }
            _ => Ok(()),
        }
    }
}

/// Options of the rolling kernels; defaults as pandas.
///
/// ```
/// use ferroscore::score::RollingOptions;
/// let o = RollingOptions { min_periods: Some(1), center: true, ..RollingOptions::new(5) };
/// assert_eq!(o.min_periods(), 1);
/// assert_eq!(RollingOptions::new(5).min_periods(), 5);
/// assert!(RollingOptions { min_periods: Some(6), ..RollingOptions::new(5) }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollingOptions {
    /// Rows per window, >= 1.
    pub window: usize,
    /// Non-missing values needed for an output (default: `window`).
    pub min_periods: Option<usize>,
    /// Label the window at its center instead of its last row (default false).
    pub center: bool,
    /// Delta degrees of freedom of var/std/zscore (default 1).
    pub ddof: usize,
    /// Skip missing values (default true); `false`: a window holding a
    /// missing value gives NaN.
    pub skipna: bool,
}

impl RollingOptions {
    /// Options for a window of `window` rows, other options at their defaults.
    pub fn new(window: usize) -> Self {
        RollingOptions {
            window,
            min_periods: None,
            center: false,
            ddof: 1,
            skipna: true,
        }
    }

    /// The effective `min_periods`.
    pub fn min_periods(&self) -> usize {
        self.min_periods.unwrap_or(self.window)
    }

    /// Checks the options.
    pub fn validate(&self) -> Result<()> {
        if self.window < 1 {
            return Err(Error::invalid(
                "window",
                format!("must be >= 1, got {}", self.window),
            ));
        }
        if self.min_periods() > self.window {
            return Err(Error::invalid(
                "min_periods",
                format!(
                    "must be <= window ({}), got {}",
                    self.window,
                    self.min_periods()
                ),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Acc {
    // Boxed: their two blocks of buffers would make every state large.
    Sum(Box<Moments<false>>),
    Var(Box<Moments<true>>),
    Min(MinMax<false>),
    Max(MinMax<true>),
    Order(Order),
}

/// Resumable state of a rolling kernel (trailing windows: `center = false`).
///
/// ```
/// use ferroscore::score::{RollingKind, RollingOptions, RollingState, Scan};
/// let mut st = RollingState::new(RollingKind::Max, &RollingOptions::new(2))?;
/// assert!(st.update(&[1.0_f64])?[0].is_nan());
/// assert_eq!(st.update(&[3.0_f64, 2.0])?, vec![3.0, 3.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RollingState {
    kind: RollingKind,
    opts: RollingOptions,
    window: Window,
    acc: Acc,
}

impl RollingState {
    /// A fresh state. Centered windows need the rows after each label, so
    /// they are not resumable: use the one-shot functions for `center = true`.
    pub fn new(kind: RollingKind, opts: &RollingOptions) -> Result<Self> {
        if opts.center {
            return Err(Error::invalid(
                "center",
                "a resumable rolling state needs center=false (centered windows look ahead)",
            ));
        }
        Self::build(kind, opts)
    }

    fn build(kind: RollingKind, opts: &RollingOptions) -> Result<Self> {
        opts.validate()?;
        kind.validate()?;
        let w = opts.window;
        let acc = match kind {
            RollingKind::Sum | RollingKind::Mean => {
                Acc::Sum(Box::new(Moments::new(w, opts.skipna)))
            }
            RollingKind::Var | RollingKind::Std | RollingKind::Zscore => {
                Acc::Var(Box::new(Moments::new(w, opts.skipna)))
            }
            RollingKind::Min => Acc::Min(MinMax::new(w)),
            RollingKind::Max => Acc::Max(MinMax::new(w)),
            RollingKind::Median | RollingKind::Quantile { .. } => Acc::Order(Order::new(w)),
        };
        Ok(RollingState {
            kind,
            opts: *opts,
            window: Window::new(w),
            acc,
        })
    }

    /// The statistic this state computes.
    pub fn kind(&self) -> RollingKind {
        self.kind
    }

    /// Writes the outputs of rows `a..a + out.len()` into `out`, where the
    /// output of row `i` comes after pushing row `i + lead` (an absent row
    /// past the end of `x`). Rows `first..a + lead` are pushed first, without
    /// output: `first = 0, a = 0` is the whole series; a later chunk starts
    /// with the block of `w` rows before it.
    fn drive<T: Float>(&mut self, x: &[T], first: usize, lead: usize, a: usize, out: &mut [T]) {
        let minp = self.opts.min_periods();
        let skipna = self.opts.skipna;
        let ddof = self.opts.ddof;
        let win = &mut self.window;
        let span = Span { first, lead, a };
        macro_rules! go {
            ($acc:expr, $value:expr) => {
                run(x, span, out, win, $acc, $value)
            };
        }
        let stat = match self.kind {
            RollingKind::Sum => Stat::Sum,
            RollingKind::Mean => Stat::Mean,
            RollingKind::Var => Stat::Var,
            RollingKind::Std => Stat::Std,
            _ => Stat::Zscore,
        };
        let want = Want { stat, minp, ddof };
        match (&mut self.acc, self.kind) {
            (Acc::Sum(acc), _) => run_blocks(x, span, out, &mut **acc, want),
            (Acc::Var(acc), _) => run_blocks(x, span, out, &mut **acc, want),
            (Acc::Min(acc), _) => run_blocks(x, span, out, acc, (minp, skipna)),
            (Acc::Max(acc), _) => run_blocks(x, span, out, acc, (minp, skipna)),
            (Acc::Order(a), RollingKind::Quantile { q, interpolation }) => {
                go!(a, |a: &Order, _| a.quantile(minp, skipna, q, interpolation))
            }
            (Acc::Order(a), _) => go!(a, |a: &Order, _| a.median(minp, skipna)),
        }
    }
}

/// An accumulator the driver can push rows into.
trait Push {
    fn push(&mut self, win: &mut Window, v: f64);
    fn push_absent(&mut self, win: &mut Window);
}

macro_rules! impl_push {
    ($($t:ty),*) => {$(
        impl Push for $t {
            #[inline(always)]
            fn push(&mut self, win: &mut Window, v: f64) { <$t>::push(self, win, v) }
            fn push_absent(&mut self, win: &mut Window) { <$t>::push_absent(self, win) }
        }
    )*};
}
impl_push!(Order);

/// Which rows a driver pushes and outputs (see `RollingState::drive`).
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    lead: usize,
    a: usize,
}

/// A block accumulator (moments, extremes): rows pushed one by one, or a
/// run of rows with an output each; `P` is what its statistic needs.
trait Blocks<P: Copy> {
    fn push(&mut self, v: f64);
    fn push_absent(&mut self);
    /// Pushes `x[i]` and writes the window's statistic (of `xo[i]`) to `out[i]`.
    fn run_rows<T: Float>(&mut self, x: &[T], xo: &[T], out: &mut [T], p: P);
    /// The statistic of the window ending at the last push.
    fn stat(&mut self, p: P, xi: f64) -> f64;
}

impl<const SQ: bool> Blocks<Want> for Moments<SQ> {
    fn push(&mut self, v: f64) {
        Moments::push(self, v)
    }
    fn push_absent(&mut self) {
        Moments::push_absent(self)
    }
    fn run_rows<T: Float>(&mut self, x: &[T], xo: &[T], out: &mut [T], want: Want) {
        self.run(x, xo, out, want)
    }
    fn stat(&mut self, want: Want, xi: f64) -> f64 {
        self.value(want, xi)
    }
}

impl<const MAX: bool> Blocks<(usize, bool)> for MinMax<MAX> {
    fn push(&mut self, v: f64) {
        MinMax::push(self, v)
    }
    fn push_absent(&mut self) {
        MinMax::push_absent(self)
    }
    fn run_rows<T: Float>(
        &mut self,
        x: &[T],
        _: &[T],
        out: &mut [T],
        (minp, skipna): (usize, bool),
    ) {
        self.run(x, out, minp, skipna)
    }
    fn stat(&mut self, (minp, skipna): (usize, bool), _: f64) -> f64 {
        self.value(minp, skipna)
    }
}

/// The driver of the block accumulators: the warm-up pushes, then a push and
/// an output per row (one tight loop per block), then an absent row and an
/// output per row for the centered windows' end.
fn run_blocks<T: Float, P: Copy, A: Blocks<P>>(
    x: &[T],
    sp: Span,
    out: &mut [T],
    acc: &mut A,
    p: P,
) {
    let n = x.len();
    let (a, lead) = (sp.a, sp.lead);
    let b = a + out.len();
    let warm_end = a + lead;
    for v in &x[sp.first.min(n)..warm_end.min(n)] {
        acc.push(v.to_f64());
    }
    for _ in n.max(sp.first)..warm_end {
        acc.push_absent();
    }
    // Rows whose pushed row is still data.
    let bb = b.min(n.saturating_sub(lead)).max(a);
    let (body, tail) = out.split_at_mut(bb - a);
    acc.run_rows(
        &x[(a + lead).min(n)..(bb + lead).min(n)],
        &x[a..bb],
        body,
        p,
    );
    for (o, xi) in tail.iter_mut().zip(&x[bb..b]) {
        acc.push_absent();
        *o = T::from_f64(acc.stat(p, xi.to_f64()));
    }
}

/// The one loop of every other rolling kernel: the warm-up pushes, then
/// push row `i + lead` (or an absent row past the end) and output row `i`.
#[inline(always)]
fn run<T: Float, A: Push>(
    x: &[T],
    sp: Span,
    out: &mut [T],
    win: &mut Window,
    acc: &mut A,
    value: impl Fn(&A, f64) -> f64,
) {
    let n = x.len();
    let warm_end = sp.a + sp.lead;
    for v in &x[sp.first.min(n)..warm_end.min(n)] {
        acc.push(win, v.to_f64());
    }
    for _ in n.max(sp.first)..warm_end {
        acc.push_absent(win);
    }
    for (t, o) in out.iter_mut().enumerate() {
        let i = sp.a + t;
        match x.get(i + sp.lead) {
            Some(v) => acc.push(win, v.to_f64()),
            None => acc.push_absent(win),
        }
        let xi = if i < n { x[i].to_f64() } else { f64::NAN };
        *o = T::from_f64(value(acc, xi));
    }
}

impl super::Snapshot for RollingState {
    /// The values that rebuild the state when replayed: at most two windows.
    fn save(&self) -> Vec<f64> {
        match &self.acc {
            Acc::Sum(a) => a.replay(),
            Acc::Var(a) => a.replay(),
            Acc::Min(a) => a.replay(),
            Acc::Max(a) => a.replay(),
            Acc::Order(_) => self.window.values(),
        }
    }

    fn load(&mut self, data: &[f64]) -> Result<()> {
        if data.len() > 2 * self.opts.window {
            return Err(Error::invalid(
                "state",
                format!(
                    "a rolling state of window {} holds at most {} values, got {}",
                    self.opts.window,
                    2 * self.opts.window,
                    data.len()
                ),
            ));
        }
        let mut fresh = RollingState::build(self.kind, &self.opts)?;
        let mut out = vec![0.0; data.len()];
        fresh.drive(data, 0, 0, 0, &mut out);
        *self = fresh;
        Ok(())
    }
}

impl Scan for RollingState {
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> Result<()> {
        check_out(x.len(), out.len())?;
        self.drive(x, 0, 0, 0, out);
        Ok(())
    }
}

/// Any rolling statistic into a caller's buffer, trailing or centered.
///
/// ```
/// use ferroscore::score::{rolling_into, RollingKind, RollingOptions};
/// let o = RollingOptions { center: true, min_periods: Some(1), ..RollingOptions::new(3) };
/// let mut out = [0.0_f64; 4];
/// rolling_into(&[1.0, 2.0, 3.0, 4.0], RollingKind::Sum, &o, &mut out)?;
/// assert_eq!(out, [3.0, 6.0, 9.0, 7.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn rolling_into<T: Float>(
    x: &[T],
    kind: RollingKind,
    opts: &RollingOptions,
    out: &mut [T],
) -> Result<()> {
    check_out(x.len(), out.len())?;
    let mut st = RollingState::build(kind, opts)?;
    // pandas: the centered window of row i ends at row i + (window - 1) / 2.
    let lead = if opts.center {
        ((opts.window - 1) / 2).min(x.len())
    } else {
        0
    };
    #[cfg(feature = "parallel")]
    if let Some(step) = chunk_step(x.len(), opts.window) {
        // Chunks whose first pushed row is a multiple of the window: each
        // starts from a fresh state fed the block before it, which gives
        // the same bits as the sequential pass (the moments depend on a
        // row's position in its block, the other statistics on the
        // window's values only).
        let mut parts = Vec::new();
        let mut rest = &mut out[..];
        let mut a = 0;
        while !rest.is_empty() {
            let next = ((a + lead) / step + 1) * step;
            let b = next.saturating_sub(lead).clamp(a + 1, x.len());
            let (head, tail) = rest.split_at_mut(b - a);
            parts.push((a, head));
            rest = tail;
            a = b;
        }
        let w = opts.window;
        return crate::parallel::try_for_each(parts, |(a, chunk)| {
            let mut st = RollingState::build(kind, opts)?;
            let first = (a + lead).saturating_sub(w);
            st.drive(x, first, lead, a, chunk);
            Ok(())
        });
    }
    st.drive(x, 0, lead, 0, out);
    Ok(())
}

/// The chunk length (a multiple of the window) for splitting a one-shot
/// rolling pass over threads, or None when one pass is better.
#[cfg(feature = "parallel")]
fn chunk_step(n: usize, w: usize) -> Option<usize> {
    if n < (1 << 16) || n / 4 < w {
        return None;
    }
    let threads = rayon::current_num_threads();
    if threads < 2 {
        return None;
    }
    let per = n.div_ceil(threads);
    Some(per.div_ceil(w) * w)
}

/// Any rolling statistic as a new vector.
///
/// ```
/// use ferroscore::score::{rolling, RollingKind, RollingOptions};
/// let m = rolling(&[1.0_f64, 2.0, 3.0], RollingKind::Median, &RollingOptions::new(2))?;
/// assert_eq!(m[2], 2.5);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn rolling<T: Float>(x: &[T], kind: RollingKind, opts: &RollingOptions) -> Result<Vec<T>> {
    let mut out = vec![T::NAN_VALUE; x.len()];
    rolling_into(x, kind, opts, &mut out)?;
    Ok(out)
}

macro_rules! rolling_fn {
    ($(#[$doc:meta])* $name:ident => $kind:expr) => {
        $(#[$doc])*
        pub fn $name<T: Float>(x: &[T], opts: &RollingOptions) -> Result<Vec<T>> {
            rolling(x, $kind, opts)
        }
    };
}

rolling_fn!(
    /// Rolling sum (pandas `rolling(window).sum()`).
    ///
    /// ```
    /// use ferroscore::score::{rolling_sum, RollingOptions};
    /// let s = rolling_sum(&[1.0_f64, 2.0, f64::NAN, 4.0], &RollingOptions { min_periods: Some(1), ..RollingOptions::new(2) })?;
    /// assert_eq!(s, vec![1.0, 3.0, 2.0, 4.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_sum => RollingKind::Sum
);
rolling_fn!(
    /// Rolling mean.
    ///
    /// ```
    /// use ferroscore::score::{rolling_mean, RollingOptions};
    /// let m = rolling_mean(&[1.0_f64, 2.0, 3.0], &RollingOptions::new(2))?;
    /// assert!(m[0].is_nan());
    /// assert_eq!(&m[1..], &[1.5, 2.5]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_mean => RollingKind::Mean
);
rolling_fn!(
    /// Rolling variance (`ddof` from the options, default 1), numerically
    /// stable on data with a large offset.
    ///
    /// ```
    /// use ferroscore::score::{rolling_var, RollingOptions};
    /// let v = rolling_var(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0], &RollingOptions::new(3))?;
    /// assert_eq!(v[2], 1.0);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_var => RollingKind::Var
);
rolling_fn!(
    /// Rolling standard deviation.
    ///
    /// ```
    /// use ferroscore::score::{rolling_std, RollingOptions};
    /// let s = rolling_std(&[2.0_f64, 4.0], &RollingOptions::new(2))?;
    /// assert_eq!(s[1], 2.0_f64.sqrt());
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_std => RollingKind::Std
);
rolling_fn!(
    /// Rolling z-score: `(x - mean) / std` over the window of each row.
    ///
    /// ```
    /// use ferroscore::score::{rolling_zscore, RollingOptions};
    /// let z = rolling_zscore(&[1.0_f64, 2.0, 3.0], &RollingOptions::new(3))?;
    /// assert_eq!(z[2], 1.0);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_zscore => RollingKind::Zscore
);
rolling_fn!(
    /// Rolling minimum, O(1) amortized per row.
    ///
    /// ```
    /// use ferroscore::score::{rolling_min, RollingOptions};
    /// assert_eq!(rolling_min(&[3.0_f64, 1.0, 2.0], &RollingOptions::new(2))?[2], 1.0);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_min => RollingKind::Min
);
rolling_fn!(
    /// Rolling maximum, O(1) amortized per row.
    ///
    /// ```
    /// use ferroscore::score::{rolling_max, RollingOptions};
    /// assert_eq!(rolling_max(&[3.0_f64, 1.0, 2.0], &RollingOptions::new(2))?[2], 2.0);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_max => RollingKind::Max
);
rolling_fn!(
    /// Rolling median.
    ///
    /// ```
    /// use ferroscore::score::{rolling_median, RollingOptions};
    /// assert_eq!(rolling_median(&[5.0_f64, 1.0, 3.0], &RollingOptions::new(3))?[2], 3.0);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    rolling_median => RollingKind::Median
);

/// Rolling quantile `q` with pandas' interpolation rules.
///
/// ```
/// use ferroscore::score::{rolling_quantile, Interpolation, RollingOptions};
/// let q = rolling_quantile(&[1.0_f64, 2.0, 3.0, 4.0], 0.5, Interpolation::Lower, &RollingOptions::new(4))?;
/// assert_eq!(q[3], 2.0);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn rolling_quantile<T: Float>(
    x: &[T],
    q: f64,
    interpolation: Interpolation,
    opts: &RollingOptions,
) -> Result<Vec<T>> {
    rolling(x, RollingKind::Quantile { q, interpolation }, opts)
}
