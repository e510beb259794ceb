//! Unrolled inner loops: eight independent accumulators, so the compiler can
//! keep them in vector registers and the additions do not wait on each other.
//! The loops over whole chunks live in functions of their own, never inlined
//! (see [`lanes`]).

use crate::float::select;
use crate::parallel::{block_range, n_blocks, tree_reduce};
use crate::Float;

pub(crate) const LANES: usize = 8;

/// Sums `f(v)` over `x` in eight lanes, then folds the lanes pairwise.
#[inline(always)]
pub(crate) fn lane_sum<T: Float>(x: &[T], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = lanes(x, &f);
    let rest = x.chunks_exact(LANES).remainder();
    for (j, &v) in rest.iter().enumerate() {
        acc[j] += f(v.to_f64());
    }
    fold(acc)
}

/// Sums `f(a, b)` over pairs in eight lanes.
#[inline(always)]
pub(crate) fn lane_sum2<T: Float>(a: &[T], b: &[T], f: impl Fn(f64, f64) -> f64) -> f64 {
    let mut acc = lanes2(a, b, &f);
    let (ra, rb) = (
        a.chunks_exact(LANES).remainder(),
        b.chunks_exact(LANES).remainder(),
    );
    for (j, (&x, &y)) in ra.iter().zip(rb).enumerate() {
        acc[j] += f(x.to_f64(), y.to_f64());
    }
    fold(acc)
}

/// The eight lanes of `f(v)` over whole chunks.
///
/// Never inlined, on purpose. Inlined next to the remainder's and the
/// fold's use of single lanes, the loop was vectorized lane by lane
/// (LLVM's SLP vectorizer): lanes 0-1, 3-6 and 7, 2 in three registers,
/// with shuffles, which halved its throughput. On its own, where the lanes
/// are only stored at the end, it runs in 4-wide registers. At 1e6, one
/// thread: sum 0.18 -> 0.12 ns a value, `power_sum` 1.22 -> 0.61, float32
/// sum 0.31 -> 0.15 and float32 dot 0.45 -> 0.25 (same bits; one call a
/// block).
#[inline(never)]
fn lanes<T: Float>(x: &[T], f: &impl Fn(f64) -> f64) -> [f64; LANES] {
    let mut acc = [0.0f64; LANES];
    for c in x.chunks_exact(LANES) {
        for j in 0..LANES {
            acc[j] += f(c[j].to_f64());
        }
    }
    acc
}

/// The eight lanes of `f(a, b)` over whole chunks; never inlined, as [`lanes`].
#[inline(never)]
fn lanes2<T: Float>(a: &[T], b: &[T], f: &impl Fn(f64, f64) -> f64) -> [f64; LANES] {
    let mut acc = [0.0f64; LANES];
    for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for j in 0..LANES {
            acc[j] += f(x[j].to_f64(), y[j].to_f64());
        }
    }
    acc
}

/// Sum, count, smallest and largest of the non-missing values, in one pass.
pub(crate) struct Stats {
    /// The sum, with the bits of `sum`'s lanes over the same slice.
    pub sum: f64,
    pub count: u64,
    /// `+inf` and `-inf` when no value is present.
    pub min: f64,
    pub max: f64,
}

/// [`Stats`] of a slice, in eight lanes per statistic.
pub(crate) fn lane_stats<T: Float>(x: &[T]) -> Stats {
    let mut a = stat_lanes(x);
    let rest = x.chunks_exact(LANES).remainder();
    for (j, &v) in rest.iter().enumerate() {
        stat_step(&mut a, j, v.to_f64());
    }
    let [s, c, lo, hi] = a;
    Stats {
        sum: fold(s),
        count: fold(c) as u64,
        min: lo.iter().fold(f64::INFINITY, |m, &v| m.min(v)),
        max: hi.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v)),
    }
}

/// The lanes of [`lane_stats`] over whole chunks; never inlined, as [`lanes`].
#[inline(never)]
fn stat_lanes<T: Float>(x: &[T]) -> [[f64; LANES]; 4] {
    let mut a = [
        [0.0; LANES],
        [0.0; LANES],
        [f64::INFINITY; LANES],
        [f64::NEG_INFINITY; LANES],
    ];
    for c in x.chunks_exact(LANES) {
        for (j, v) in c.iter().enumerate() {
            stat_step(&mut a, j, v.to_f64());
        }
    }
    a
}

#[inline(always)]
fn stat_step(a: &mut [[f64; LANES]; 4], j: usize, v: f64) {
    let present = !v.is_nan();
    // A missing value adds +0.0, as in `sum`'s lanes. A NaN compares false,
    // so min and max skip it; written as compares (one `vminpd`) rather than
    // `f64::min`, whose NaN test on the accumulator lengthened the chain.
    a[0][j] += select(present, v, 0.0);
    a[1][j] += select(present, 1.0, 0.0);
    a[2][j] = if v < a[2][j] { v } else { a[2][j] };
    a[3][j] = if v > a[3][j] { v } else { a[3][j] };
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
