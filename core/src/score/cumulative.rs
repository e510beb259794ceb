//! Cumulative sum, maximum, minimum and drawdown.

use super::Scan;
use crate::error::check_out;
use crate::{Float, Result};

/// Which cumulative statistic a [`CumState`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CumKind {
    /// Running sum (compensated: Neumaier's algorithm).
    Sum,
    /// Running maximum.
    Max,
    /// Running minimum.
    Min,
    /// `x / cummax(x) - 1`: the fall from the running peak.
    Drawdown,
}

/// Resumable state of the cumulative kernels.
///
/// A missing input gives NaN at its row; with `skipna = true` (pandas) the
/// accumulation goes on past it, with `skipna = false` every later output is
/// NaN too.
///
/// ```
/// use ferroscore::score::{CumKind, CumState, Scan};
/// let mut st = CumState::new(CumKind::Sum, true);
/// assert_eq!(st.update(&[1.0_f64, f64::NAN])?[1].is_nan(), true);
/// assert_eq!(st.update(&[2.0_f64])?, vec![3.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CumState {
    kind: CumKind,
    skipna: bool,
    acc: f64,
    comp: f64,
    seen: bool,
    poisoned: bool,
}

impl CumState {
    /// A fresh state.
    pub fn new(kind: CumKind, skipna: bool) -> Self {
        CumState {
            kind,
            skipna,
            acc: 0.0,
            comp: 0.0,
            seen: false,
            poisoned: false,
        }
    }

    #[inline(always)]
    fn step(&mut self, v: f64) -> f64 {
        if v.is_nan() {
            self.poisoned |= !self.skipna;
            return f64::NAN;
        }
        if self.poisoned {
            return f64::NAN;
        }
        match self.kind {
            CumKind::Sum => {
                let t = self.acc + v;
                self.comp += if self.acc.abs() >= v.abs() {
                    (self.acc - t) + v
                } else {
                    (v - t) + self.acc
                };
                self.acc = t;
                if self.comp.is_finite() {
                    self.acc + self.comp
                } else {
                    self.acc
                }
            }
            CumKind::Max | CumKind::Drawdown => {
                if !self.seen || v > self.acc {
                    self.acc = v;
                }
                self.seen = true;
                if self.kind == CumKind::Max {
                    self.acc
                } else {
                    v / self.acc - 1.0
                }
            }
            CumKind::Min => {
                if !self.seen || v < self.acc {
                    self.acc = v;
                }
                self.seen = true;
                self.acc
            }
        }
    }
}

impl Scan for CumState {
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> Result<()> {
        check_out(x.len(), out.len())?;
        self.run(x, out);
        Ok(())
    }
}

macro_rules! cum_fns {
    ($(#[$doc:meta])* $name:ident, $name_into:ident, $kind:expr) => {
        $(#[$doc])*
        pub fn $name<T: Float>(x: &[T], skipna: bool) -> Vec<T> {
            let mut out = vec![T::NAN_VALUE; x.len()];
            CumState::new($kind, skipna).run(x, &mut out);
            out
        }

        #[doc = concat!("[`", stringify!($name), "`] into a caller's buffer (`out.len()` must equal `x.len()`).")]
        pub fn $name_into<T: Float>(x: &[T], skipna: bool, out: &mut [T]) -> Result<()> {
            CumState::new($kind, skipna).update_into(x, out)
        }
    };
}

impl CumState {
    fn run<T: Float>(&mut self, x: &[T], out: &mut [T]) {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = T::from_f64(self.step(v.to_f64()));
        }
    }
}

cum_fns!(
    /// Cumulative sum, compensated (more accurate than pandas' plain sum).
    ///
    /// ```
    /// use ferroscore::score::cumsum;
    /// let c = cumsum(&[1.0_f64, f64::NAN, 2.0], true);
    /// assert!(c[1].is_nan());
    /// assert_eq!(c[2], 3.0);
    /// assert!(cumsum(&[1.0_f64, f64::NAN, 2.0], false)[2].is_nan());
    /// ```
    cumsum, cumsum_into, CumKind::Sum
);
cum_fns!(
    /// Cumulative maximum.
    ///
    /// ```
    /// use ferroscore::score::cummax;
    /// assert_eq!(cummax(&[1.0_f64, 3.0, 2.0], true), vec![1.0, 3.0, 3.0]);
    /// ```
    cummax, cummax_into, CumKind::Max
);
cum_fns!(
    /// Cumulative minimum.
    ///
    /// ```
    /// use ferroscore::score::cummin;
    /// assert_eq!(cummin(&[2.0_f32, 3.0, 1.0], true), vec![2.0, 2.0, 1.0]);
    /// ```
    cummin, cummin_into, CumKind::Min
);
cum_fns!(
    /// Drawdown: `x / cummax(x) - 1`.
    ///
    /// ```
    /// use ferroscore::score::drawdown;
    /// assert_eq!(drawdown(&[100.0_f64, 50.0, 120.0], true), vec![0.0, -0.5, 0.0]);
    /// ```
    drawdown, drawdown_into, CumKind::Drawdown
);

impl super::Snapshot for CumState {
    fn save(&self) -> Vec<f64> {
        vec![
            self.acc,
            self.comp,
            f64::from(u8::from(self.seen)),
            f64::from(u8::from(self.poisoned)),
        ]
    }

    fn load(&mut self, data: &[f64]) -> Result<()> {
        super::snapshot_len(data, 4)?;
        self.acc = data[0];
        self.comp = data[1];
        self.seen = data[2] != 0.0;
        self.poisoned = data[3] != 0.0;
        Ok(())
    }
}
