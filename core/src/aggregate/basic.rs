//! Whole-array reductions.

use super::lanes::{blocked_sum, lane_stats, lane_sum2};
use super::moments::Moments;
use crate::error::check_finite;
use crate::parallel::{block_range, n_blocks, tree_reduce};
use crate::{Error, Float, Result};

/// Sum of the non-missing values (0 for empty or all-missing input).
///
/// ```
/// assert_eq!(ferroscore::aggregate::sum(&[1.0_f64, f64::NAN, 2.5]), 3.5);
/// assert_eq!(ferroscore::aggregate::sum::<f32>(&[]), 0.0);
/// ```
pub fn sum<T: Float>(x: &[T]) -> f64 {
    blocked_sum(x, |v| if v.is_nan() { 0.0 } else { v })
}

/// Number of non-missing values.
///
/// ```
/// assert_eq!(ferroscore::aggregate::count(&[1.0_f64, f64::NAN, f64::INFINITY]), 2);
/// ```
pub fn count<T: Float>(x: &[T]) -> u64 {
    sum_count(x).1
}

/// Sum and count of the non-missing values in one blocked pass; the sum has
/// the same bits as [`sum`] (same blocks, same lanes, same tree).
fn sum_count<T: Float>(x: &[T]) -> (f64, u64) {
    let n = x.len();
    tree_reduce(
        n_blocks(n),
        &|b| {
            let s = lane_stats(&x[block_range(b, n)]);
            (s.sum, s.count)
        },
        &|a, b| (a.0 + b.0, a.1 + b.1),
    )
}

/// Smallest and largest non-missing values (NaN, NaN when there are none).
fn extrema<T: Float>(x: &[T]) -> (f64, f64) {
    let n = x.len();
    let (lo, hi) = tree_reduce(
        n_blocks(n),
        &|b| {
            let s = lane_stats(&x[block_range(b, n)]);
            (s.min, s.max)
        },
        &|a, b| (a.0.min(b.0), a.1.max(b.1)),
    );
    if lo > hi {
        (f64::NAN, f64::NAN) // no value seen
    } else {
        (lo, hi)
    }
}

/// Mean of the non-missing values (NaN when there are none).
///
/// ```
/// assert_eq!(ferroscore::aggregate::mean(&[1.0_f64, f64::NAN, 2.0]), 1.5);
/// assert!(ferroscore::aggregate::mean::<f64>(&[]).is_nan());
/// ```
pub fn mean<T: Float>(x: &[T]) -> f64 {
    match sum_count(x) {
        (_, 0) => f64::NAN,
        (s, c) => s / c as f64,
    }
}

/// Variance of the non-missing values with `ddof` (NaN when count <= ddof).
/// Two passes per block, blocks merged with Chan's formula: accurate on data
/// with a large offset.
///
/// ```
/// let v = ferroscore::aggregate::var(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0], 1)?;
/// assert_eq!(v, 1.0);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn var<T: Float>(x: &[T], ddof: usize) -> Result<f64> {
    Ok(Moments::from_slice(x).var(ddof))
}

/// Standard deviation of the non-missing values with `ddof`.
///
/// ```
/// assert_eq!(ferroscore::aggregate::std(&[1.0_f64, 3.0], 1)?, 2.0_f64.sqrt());
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn std<T: Float>(x: &[T], ddof: usize) -> Result<f64> {
    Ok(Moments::from_slice(x).std(ddof))
}

/// Smallest non-missing value (NaN when there are none).
///
/// ```
/// assert_eq!(ferroscore::aggregate::min(&[3.0_f64, f64::NAN, -1.0]), -1.0);
/// ```
pub fn min<T: Float>(x: &[T]) -> f64 {
    extrema(x).0
}

/// Largest non-missing value (NaN when there are none).
///
/// ```
/// assert_eq!(ferroscore::aggregate::max(&[3.0_f32, f32::NAN, -1.0]), 3.0);
/// ```
pub fn max<T: Float>(x: &[T]) -> f64 {
    extrema(x).1
}

/// Sum of `v^p` over the values `v > 0` (missing values skipped; 0 when none).
///
/// `p = 1.5` (the seed workload), 1 and 2 take branch-free vectorized paths.
///
/// ```
/// use ferroscore::aggregate::power_sum;
/// assert_eq!(power_sum(&[4.0_f64, -1.0, f64::NAN, 1.0], 1.5)?, 9.0);
/// assert!(power_sum(&[1.0_f64], f64::NAN).is_err());
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn power_sum<T: Float>(x: &[T], p: f64) -> Result<f64> {
    check_finite("p", p)?;
    Ok(if p == 1.5 {
        blocked_sum(x, |v| {
            let y = v.max(0.0);
            y * y.sqrt()
        })
    } else if p == 1.0 {
        blocked_sum(x, |v| v.max(0.0))
    } else if p == 2.0 {
        blocked_sum(x, |v| {
            let y = v.max(0.0);
            y * y
        })
    } else {
        blocked_sum(x, |v| if v > 0.0 { v.powf(p) } else { 0.0 })
    })
}

/// Sum of `a * b` over the rows where both are present (0 when none).
///
/// ```
/// use ferroscore::aggregate::dot;
/// assert_eq!(dot(&[1.0_f64, 2.0, f64::NAN], &[3.0, 4.0, 5.0])?, 11.0);
/// assert!(dot(&[1.0_f64], &[1.0, 2.0]).is_err());
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn dot<T: Float>(a: &[T], b: &[T]) -> Result<f64> {
    if a.len() != b.len() {
        return Err(Error::LengthMismatch {
            name: "b",
            expected: a.len(),
            actual: b.len(),
        });
    }
    let n = a.len();
    Ok(tree_reduce(
        n_blocks(n),
        &|blk| {
            let r = block_range(blk, n);
            lane_sum2(&a[r.clone()], &b[r], |x, y| {
                if x.is_nan() || y.is_nan() {
                    0.0
                } else {
                    x * y
                }
            })
        },
        &|x, y| x + y,
    ))
}
