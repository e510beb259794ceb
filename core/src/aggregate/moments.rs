//! The mergeable summary of a sample.

use crate::parallel::{block_range, n_blocks, tree_reduce};
use crate::Float;

/// Count, mean, sum of squared deviations (`m2`), min and max of the
/// non-missing values of a sample. Summaries of two chunks merge (Chan et
/// al.) into the summary of their concatenation, so chunked or distributed
/// data need one pass.
///
/// ```
/// use ferroscore::aggregate::Moments;
/// let x = [1.0_f64, 2.0, 4.0, f64::NAN, 8.0];
/// let whole = Moments::from_slice(&x);
/// let merged = Moments::from_slice(&x[..2]).merge(&Moments::from_slice(&x[2..]));
/// assert_eq!((merged.count, merged.min, merged.max), (4, 1.0, 8.0));
/// assert!((merged.var(1) - whole.var(1)).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Number of non-missing values.
    pub count: u64,
    /// Their mean (NaN when `count == 0`).
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
    /// Smallest value (NaN when `count == 0`).
    pub min: f64,
    /// Largest value (NaN when `count == 0`).
    pub max: f64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments::EMPTY
    }
}

impl Moments {
    /// The summary of no values.
    pub const EMPTY: Moments = Moments {
        count: 0,
        mean: f64::NAN,
        m2: 0.0,
        min: f64::NAN,
        max: f64::NAN,
    };

    /// Summarizes a slice (blocks in the fixed tree; two passes per block).
    pub fn from_slice<T: Float>(x: &[T]) -> Moments {
        let n = x.len();
        tree_reduce(
            n_blocks(n),
            &|b| Self::block(&x[block_range(b, n)]),
            &|a, b| a.merge(&b),
        )
    }

    fn block<T: Float>(x: &[T]) -> Moments {
        let st = super::lanes::lane_stats(x);
        let c = st.count;
        if c == 0 {
            return Moments::EMPTY;
        }
        let mean = st.sum / c as f64;
        let m2 = super::lanes::lane_sum(x, |v| {
            let d = v - mean;
            if v.is_nan() {
                0.0
            } else {
                d * d
            }
        });
        Moments {
            count: c,
            mean,
            m2,
            min: st.min,
            max: st.max,
        }
    }

    /// The summary of both samples together.
    #[must_use]
    pub fn merge(&self, other: &Moments) -> Moments {
        if other.count == 0 {
            return *self;
        }
        if self.count == 0 {
            return *other;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        let mean = if delta.is_finite() {
            self.mean + delta * (nb / n)
        } else {
            // infinite means: the weighted form keeps +Inf/-Inf/NaN right
            (self.mean * na + other.mean * nb) / n
        };
        Moments {
            count: self.count + other.count,
            mean,
            m2: self.m2 + other.m2 + delta * delta * (na * nb / n),
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }

    /// Variance with `ddof` (NaN when `count <= ddof`).
    pub fn var(&self, ddof: usize) -> f64 {
        if self.count <= ddof as u64 {
            f64::NAN
        } else {
            let m2 = if self.m2 < 0.0 { 0.0 } else { self.m2 }; // NaN (Inf data) stays NaN
            m2 / (self.count - ddof as u64) as f64
        }
    }

    /// Standard deviation with `ddof`.
    pub fn std(&self, ddof: usize) -> f64 {
        self.var(ddof).sqrt()
    }
}
