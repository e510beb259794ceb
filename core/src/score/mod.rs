//! Stateful scans: one value out per value in.
//!
//! Every kernel here is a state machine. The state types ([`ScoreState`],
//! [`EwmMeanState`], [`EwmVarState`], [`RollingState`], [`CumState`]) implement
//! [`Scan`]: feeding a series in chunks, carrying the state, gives bit-identical
//! output to one call on the whole series, because the one-shot functions are
//! nothing but a fresh state fed the whole slice.
//!
//! ```
//! use ferroscore::score::{ewm_mean, EwmMeanState, EwmOptions, Scan};
//! let x: Vec<f64> = (0..100).map(|i| (i as f64).sin()).collect();
//! let opts = EwmOptions::alpha(0.1);
//! let whole = ewm_mean(&x, &opts)?;
//! let mut state = EwmMeanState::new(&opts)?;
//! let mut chunked = state.update(&x[..37])?;
//! chunked.extend(state.update(&x[37..])?);
//! assert_eq!(whole, chunked);
//! # Ok::<(), ferroscore::Error>(())
//! ```

mod cumulative;
mod ewm;
mod rolling;
mod series;
mod speculate;

pub use cumulative::{cummax, cummin, cumsum, drawdown, CumKind, CumState};
pub use ewm::{
    ewm_mean, ewm_mean_into, ewm_mean_times, ewm_mean_times_into, ewm_std, ewm_std_into, ewm_var,
    ewm_var_into, Decay, EwmMeanState, EwmOptions, EwmVarState,
};
pub use rolling::{
    rolling, rolling_into, rolling_max, rolling_mean, rolling_median, rolling_min,
    rolling_quantile, rolling_std, rolling_sum, rolling_var, rolling_zscore, Interpolation,
    RollingKind, RollingOptions, RollingState,
};
pub use series::{score_series, score_series_into, ScoreOptions, ScoreState};

pub use cumulative::{cummax_into, cummin_into, cumsum_into, drawdown_into};

use crate::{Float, Result};

/// A state's carried values as plain numbers, and back: what bindings store
/// when they pickle or serialize a resumable state. `load` replaces a state
/// with the saved one; it expects a state built with the same options.
///
/// ```
/// use ferroscore::score::{RollingKind, RollingOptions, RollingState, Scan, Snapshot};
/// let o = RollingOptions::new(3);
/// let x = [1.0_f64, 5.0, 2.0, 8.0, 3.0];
/// let mut a = RollingState::new(RollingKind::Mean, &o)?;
/// a.update(&x[..4])?;
/// let mut b = RollingState::new(RollingKind::Mean, &o)?;
/// b.load(&a.save())?;
/// assert_eq!(a.update(&x[4..])?, b.update(&x[4..])?);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub trait Snapshot {
    /// The carried values.
    fn save(&self) -> Vec<f64>;
    /// Replaces this state with the one `save` described.
    fn load(&mut self, data: &[f64]) -> Result<()>;
}

/// Checks a snapshot's length.
fn snapshot_len(data: &[f64], n: usize) -> Result<()> {
    if data.len() == n {
        Ok(())
    } else {
        Err(crate::Error::LengthMismatch {
            name: "state",
            expected: n,
            actual: data.len(),
        })
    }
}

/// A resumable scan: a state that turns each chunk of a series into the
/// matching chunk of output.
///
/// ```
/// use ferroscore::score::{Scan, ScoreOptions, ScoreState};
/// let mut st = ScoreState::new(&ScoreOptions::default())?;
/// let a = st.update(&[1.0_f64, 2.0])?;
/// let b = st.update(&[0.5_f64])?;
/// assert_eq!(b[0], a[1] * 0.5);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub trait Scan {
    /// Consumes `x` and writes one output per input into `out`
    /// (`out.len()` must equal `x.len()`).
    fn update_into<T: Float>(&mut self, x: &[T], out: &mut [T]) -> Result<()>;

    /// Consumes `x` and returns the output as a new vector.
    fn update<T: Float>(&mut self, x: &[T]) -> Result<Vec<T>> {
        let mut out = vec![T::NAN_VALUE; x.len()];
        self.update_into(x, &mut out)?;
        Ok(out)
    }
}
