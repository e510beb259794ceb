//! Unrolled inner loops: eight independent accumulators, so the compiler can
//! keep them in vector registers and the additions do not wait on each other.

use crate::parallel::{block_range, n_blocks, tree_reduce};
use crate::Float;

pub(crate) const LANES: usize = 8;

/// Sums `f(v)` over `x` in eight lanes, then folds the lanes pairwise.
#[inline(always)]
pub(crate) fn lane_sum<T: Float>(x: &[T], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; LANES];
    let chunks = x.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for j in 0..LANES {
            acc[j] += f(c[j].to_f64());
        }
    }
    for (j, &v) in rest.iter().enumerate() {
        acc[j] += f(v.to_f64());
    }
    fold(acc)
}

/// Sums `f(a, b)` over pairs in eight lanes.
#[inline(always)]
pub(crate) fn lane_sum2<T: Float>(a: &[T], b: &[T], f: impl Fn(f64, f64) -> f64) -> f64 {
    let mut acc = [0.0f64; LANES];
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..LANES {
            acc[j] += f(x[j].to_f64(), y[j].to_f64());
        }
    }
    for (j, (&x, &y)) in ra.iter().zip(rb).enumerate() {
        acc[j] += f(x.to_f64(), y.to_f64());
    }
    fold(acc)
}

#[inline(always)]
pub(crate) fn fold(a: [f64; LANES]) -> f64 {
    ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
}

/// `sum of f(v)` over `x`, by blocks combined in the fixed tree.
pub(crate) fn blocked_sum<T: Float>(x: &[T], f: impl Fn(f64) -> f64 + Sync) -> f64 {
    let n = x.len();
    tree_reduce(
        n_blocks(n),
        &|b| lane_sum(&x[block_range(b, n)], &f),
        &|a, b| a + b,
    )
}
