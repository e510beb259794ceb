//! `#[repr(C)]` option structs, their default initializers and the enums
//! passed as `int32_t`; each converts to the core's options, which validate.

use fscore::score::{
    CumKind, EwmOptions, Interpolation, RollingKind, RollingOptions, ScoreOptions,
};
use fscore::validate::Closed;

use crate::ptr::reference;
use crate::status::{invalid, Res};

/// Options of `score_series`. Start from `ferroscore_score_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FerroscoreScoreOptions {
    /// Factor applied to the state when a value exceeds it (default 0.9).
    pub up: f64,
    /// Factor applied to the state otherwise (default 0.5).
    pub down: f64,
    /// Initial state (default 0.0).
    pub init: f64,
    /// Skip missing values (default true).
    pub skipna: bool,
}

/// Options of the `ewm_*` kernels (pandas' defaults). Exactly one of `alpha`,
/// `span`, `com`, `halflife` must be set; the others stay NaN ("not given").
/// Start from `ferroscore_ewm_options_default()`, then set one of them.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FerroscoreEwmOptions {
    /// Smoothing factor, `0 < alpha <= 1` (NaN: not given).
    pub alpha: f64,
    /// Span, `>= 1` (NaN: not given).
    pub span: f64,
    /// Center of mass, `>= 0` (NaN: not given).
    pub com: f64,
    /// Half-life, `> 0`, in the unit of `times` for `ewm_mean_times` (NaN: not given).
    pub halflife: f64,
    /// Observations needed before a value is output (default 0, treated as 1).
    pub min_periods: usize,
    /// Divide by the decaying sum of weights (default true).
    pub adjust: bool,
    /// Ignore missing values when computing weights (default false).
    pub ignore_na: bool,
    /// `ewm_var` / `ewm_std`: the biased estimator (default false).
    pub bias: bool,
}

/// Options of the `rolling_*` kernels (pandas' defaults). Start from
/// `ferroscore_rolling_options_default(window)`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FerroscoreRollingOptions {
    /// Rows per window, >= 1.
    pub window: usize,
    /// Non-missing values needed for an output; negative (the default, -1)
    /// means `window`.
    pub min_periods: i64,
    /// Delta degrees of freedom of var/std/zscore (default 1).
    pub ddof: usize,
    /// Label the window at its center (default false; not for rolling states).
    pub center: bool,
    /// Skip missing values (default true); false: a window holding one is NaN.
    pub skipna: bool,
}

/// How a rolling quantile falls between two data points (pandas'
/// `interpolation`); pass as `int32_t`.
#[repr(i32)]
#[derive(Debug, Clone, Copy)]
pub enum FerroscoreInterpolation {
    /// `lo + (hi - lo) * fraction`.
    Linear = 0,
    /// The lower point.
    Lower = 1,
    /// The higher point.
    Higher = 2,
    /// The nearest point (ties to the even index).
    Nearest = 3,
    /// `(lo + hi) / 2`.
    Midpoint = 4,
}

/// Which statistic a rolling state computes; pass as `int32_t`.
#[repr(i32)]
#[derive(Debug, Clone, Copy)]
pub enum FerroscoreRollingKind {
    /// Sum.
    Sum = 0,
    /// Mean.
    Mean = 1,
    /// Variance (`ddof`).
    Var = 2,
    /// Standard deviation (`ddof`).
    Std = 3,
    /// `(x - mean) / std` over the window.
    Zscore = 4,
    /// Minimum.
    Min = 5,
    /// Maximum.
    Max = 6,
    /// Median.
    Median = 7,
    /// Quantile `q` with an interpolation.
    Quantile = 8,
}

/// Which running statistic a cumulative state computes; pass as `int32_t`.
#[repr(i32)]
#[derive(Debug, Clone, Copy)]
pub enum FerroscoreCumKind {
    /// Running sum (compensated).
    Sum = 0,
    /// Running maximum.
    Max = 1,
    /// Running minimum.
    Min = 2,
    /// `x / cummax(x) - 1`.
    Drawdown = 3,
}

/// Which ends of an `in_range` rule are included; pass as `int32_t`.
#[repr(i32)]
#[derive(Debug, Clone, Copy)]
pub enum FerroscoreClosed {
    /// `lo <= v <= hi`.
    Both = 0,
    /// `lo <= v < hi`.
    Left = 1,
    /// `lo < v <= hi`.
    Right = 2,
    /// `lo < v < hi`.
    Neither = 3,
}

/// The element type of a validation column; pass as `int32_t`.
#[repr(i32)]
#[derive(Debug, Clone, Copy)]
pub enum FerroscoreDtype {
    /// `double` (NaN is missing).
    F64 = 0,
    /// `float` (NaN is missing).
    F32 = 1,
    /// `int64_t` (never missing).
    I64 = 2,
}

/// The default options of `score_series`: up 0.9, down 0.5, init 0, skipna.
#[no_mangle]
pub extern "C" fn ferroscore_score_options_default() -> FerroscoreScoreOptions {
    let d = ScoreOptions::default();
    FerroscoreScoreOptions {
        up: d.up,
        down: d.down,
        init: d.init,
        skipna: d.skipna,
    }
}

/// The default options of the `ewm_*` kernels: no decay given yet (all four
/// NaN: set exactly one), adjust true, ignore_na false, min_periods 0,
/// bias false.
#[no_mangle]
pub extern "C" fn ferroscore_ewm_options_default() -> FerroscoreEwmOptions {
    let d = EwmOptions::alpha(0.5);
    FerroscoreEwmOptions {
        alpha: f64::NAN,
        span: f64::NAN,
        com: f64::NAN,
        halflife: f64::NAN,
        min_periods: d.min_periods,
        adjust: d.adjust,
        ignore_na: d.ignore_na,
        bias: d.bias,
    }
}

/// The default options of the `rolling_*` kernels for a window of `window`
/// rows: min_periods -1 (= window), ddof 1, center false, skipna true.
#[no_mangle]
pub extern "C" fn ferroscore_rolling_options_default(window: usize) -> FerroscoreRollingOptions {
    let d = RollingOptions::new(window);
    FerroscoreRollingOptions {
        window,
        min_periods: -1,
        ddof: d.ddof,
        center: d.center,
        skipna: d.skipna,
    }
}

/// Score options from a pointer; NULL means the defaults.
///
/// # Safety
/// `p` NULL or valid.
pub(crate) unsafe fn score(p: *const FerroscoreScoreOptions) -> Res<ScoreOptions> {
    let o = if p.is_null() {
        ferroscore_score_options_default()
    } else {
        // SAFETY: forwarded contract.
        *unsafe { reference(p, "opts") }?
    };
    Ok(ScoreOptions {
        up: o.up,
        down: o.down,
        init: o.init,
        skipna: o.skipna,
    })
}

/// Ewm options from a pointer (NULL is an error: a decay must be chosen).
///
/// # Safety
/// `p` NULL or valid.
pub(crate) unsafe fn ewm(p: *const FerroscoreEwmOptions) -> Res<EwmOptions> {
    // SAFETY: forwarded contract.
    let o = *unsafe { reference(p, "opts") }?;
    let given = |v: f64| (!v.is_nan()).then_some(v);
    let mut e = EwmOptions::from_params(
        given(o.alpha),
        given(o.span),
        given(o.com),
        given(o.halflife),
    )?;
    e.adjust = o.adjust;
    e.ignore_na = o.ignore_na;
    e.min_periods = o.min_periods;
    e.bias = o.bias;
    Ok(e)
}

/// Rolling options from a pointer (NULL is an error: a window must be chosen).
///
/// # Safety
/// `p` NULL or valid.
pub(crate) unsafe fn rolling(p: *const FerroscoreRollingOptions) -> Res<RollingOptions> {
    // SAFETY: forwarded contract.
    let o = *unsafe { reference(p, "opts") }?;
    Ok(RollingOptions {
        window: o.window,
        min_periods: usize::try_from(o.min_periods).ok(),
        center: o.center,
        ddof: o.ddof,
        skipna: o.skipna,
    })
}

pub(crate) fn interpolation(v: i32) -> Res<Interpolation> {
    Ok(match v {
        0 => Interpolation::Linear,
        1 => Interpolation::Lower,
        2 => Interpolation::Higher,
        3 => Interpolation::Nearest,
        4 => Interpolation::Midpoint,
        _ => {
            return Err(invalid(
                "interpolation",
                format!("unknown value {v} (0..=4)"),
            ))
        }
    })
}

pub(crate) fn rolling_kind(v: i32, q: f64, interp: i32) -> Res<RollingKind> {
    Ok(match v {
        0 => RollingKind::Sum,
        1 => RollingKind::Mean,
        2 => RollingKind::Var,
        3 => RollingKind::Std,
        4 => RollingKind::Zscore,
        5 => RollingKind::Min,
        6 => RollingKind::Max,
        7 => RollingKind::Median,
        8 => RollingKind::Quantile {
            q,
            interpolation: interpolation(interp)?,
        },
        _ => return Err(invalid("kind", format!("unknown rolling kind {v} (0..=8)"))),
    })
}

pub(crate) fn cum_kind(v: i32) -> Res<CumKind> {
    Ok(match v {
        0 => CumKind::Sum,
        1 => CumKind::Max,
        2 => CumKind::Min,
        3 => CumKind::Drawdown,
        _ => {
            return Err(invalid(
                "kind",
                format!("unknown cumulative kind {v} (0..=3)"),
            ))
        }
    })
}

pub(crate) fn closed(v: i32) -> Res<Closed> {
    Ok(match v {
        0 => Closed::Both,
        1 => Closed::Left,
        2 => Closed::Right,
        3 => Closed::Neither,
        _ => return Err(invalid("closed", format!("unknown value {v} (0..=3)"))),
    })
}
