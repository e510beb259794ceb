//! Aggregations by integer group codes.
//!
//! `groups[i]` is the code of row `i`: `0 <= code < n_groups`; a negative code
//! (pandas' `-1` for a missing key) skips the row; a code `>= n_groups` is an
//! error. Missing values are skipped. Empty groups give 0 (sum, count,
//! power_sum) or NaN. Rows are cut into leaves whose size depends only on the
//! number of rows and `n_groups`, each leaf aggregates into its own per-group
//! accumulators, and the leaves merge in the fixed tree: bit-identical for any
//! thread count.

use crate::float::select;
use crate::parallel::tree_reduce;
use crate::{Error, Float, Result};

/// An integer type usable as a group code (`i64`, `i32`).
///
/// ```
/// use ferroscore::aggregate::GroupCode;
/// assert_eq!(7_i32.code(), 7_i64);
/// ```
pub trait GroupCode: Copy + Send + Sync {
    /// The code as `i64`.
    fn code(self) -> i64;
}

impl GroupCode for i64 {
    #[inline(always)]
    fn code(self) -> i64 {
        self
    }
}

impl GroupCode for i32 {
    #[inline(always)]
    fn code(self) -> i64 {
        i64::from(self)
    }
}

/// The most groups accepted beyond the number of rows.
const MAX_EXTRA_GROUPS: usize = 1 << 24;

/// One per-group aggregation: accumulate, merge, finish.
trait Agg: Sync {
    type Acc: Copy + Send + Sync;
    const INIT: Self::Acc;
    fn add(&self, g: usize, acc: &mut Self::Acc, v: f64);
    fn merge(a: &mut Self::Acc, b: &Self::Acc);
    /// Whether [`rows`] prefetches ([`AHEAD`]) for this aggregation of `T`.
    fn prefetch<T: Float>() -> bool {
        true
    }
    /// Aggregates the rows of one leaf (`lo` is its first row) into `acc`.
    fn leaf<T: Float, G: GroupCode>(
        &self,
        x: &[T],
        groups: &[G],
        lo: usize,
        acc: &mut [Self::Acc],
    ) -> Result<()> {
        rows(x, groups, lo, acc, Self::prefetch::<T>(), |g, a, v| {
            self.add(g, a, v);
            true
        })
        .map(drop)
    }
}

/// How many rows ahead [`rows`] asks the CPU to fetch the values and codes
/// (one request per eight rows). The loop's scattered updates keep the
/// hardware's own prefetcher from running far enough ahead from DRAM. At
/// 1e7 float64 rows and 1000 groups, one thread: on 4 KB pages (a Rust
/// `Vec`, R's and C's buffers) group mean 1.03-1.07 -> 0.94-0.96 ns a row
/// and std 1.61-1.63 -> 1.29-1.32; on huge pages (NumPy's large arrays)
/// mean 0.86 -> 0.83 and std 1.46 -> 1.17. 128 and 512 rows ahead gained
/// less, 1024 and more lost; data in cache is unchanged.
const AHEAD: usize = 256;

/// A hint to bring the cache line holding `r` into cache (no effect off
/// x86-64).
#[inline(always)]
fn prefetch<T>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(r);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// Calls `f(code, acc[code], value)` on every row with a code in range and
/// skips negative codes, until `f` returns `false`; returns the number of
/// rows consumed. A code `>= acc.len()` is an error naming its row. With
/// `ahead`, the rows [`AHEAD`] rows on are prefetched.
#[inline(always)]
fn rows<T: Float, G: GroupCode, A>(
    x: &[T],
    groups: &[G],
    lo: usize,
    acc: &mut [A],
    ahead: bool,
    mut f: impl FnMut(usize, &mut A, f64) -> bool,
) -> Result<usize> {
    let n_groups = acc.len();
    let mut row = |i: usize, g: &G, v: &f64| -> Result<bool> {
        let c = g.code();
        // One unsigned test covers both ends: a negative code wraps to a
        // huge index.
        match acc.get_mut(c as u64 as usize) {
            Some(a) => Ok(f(c as usize, a, *v)),
            None if c < 0 => Ok(true),
            None => Err(Error::GroupOutOfRange {
                row: lo + i,
                code: c,
                n_groups,
            }),
        }
    };
    // Eight rows per step: the loop's own instructions are a fair share of
    // a row's few.
    let (x8, g8) = (x.chunks_exact(8), groups.chunks_exact(8));
    let tail = x.len() - x8.remainder().len();
    for (k, (xs, gs)) in x8.zip(g8).enumerate() {
        if ahead {
            let i = (8 * k + AHEAD).min(x.len() - 1);
            prefetch(&x[i]);
            prefetch(&groups[i]);
        }
        // The eight values widened first, then the eight updates (for
        // `f32` input group sum went from 0.87 to 0.69 ns a row at 1e6;
        // `f64` is unchanged).
        let vs: [f64; 8] = std::array::from_fn(|j| xs[j].to_f64());
        for j in 0..8 {
            if !row(8 * k + j, &gs[j], &vs[j])? {
                return Ok(8 * k + j + 1);
            }
        }
    }
    for (i, (g, v)) in groups[tail..].iter().zip(&x[tail..]).enumerate() {
        if !row(tail + i, g, &v.to_f64())? {
            return Ok(tail + i + 1);
        }
    }
    Ok(x.len())
}

/// Checks the inputs and resolves `n_groups` (default: largest code + 1).
fn resolve<T, G: GroupCode>(x: &[T], groups: &[G], n_groups: Option<usize>) -> Result<usize> {
    if groups.len() != x.len() {
        return Err(Error::LengthMismatch {
            name: "groups",
            expected: x.len(),
            actual: groups.len(),
        });
    }
    let ng = match n_groups {
        Some(ng) => ng,
        None => match groups.iter().map(|g| g.code()).max() {
            Some(m) if m >= 0 => usize::try_from(m)
                .ok()
                .and_then(|m| m.checked_add(1))
                .unwrap_or(usize::MAX),
            _ => 0,
        },
    };
    if ng > x.len().max(MAX_EXTRA_GROUPS) {
        return Err(Error::invalid(
            "n_groups",
            format!("{ng} groups for {} rows is more than this library allocates (at most max(rows, 2^24))", x.len()),
        ));
    }
    Ok(ng)
}

/// The per-group accumulators of the whole input.
fn reduce<T: Float, G: GroupCode, A: Agg>(
    x: &[T],
    groups: &[G],
    ng: usize,
    agg: &A,
) -> Result<Vec<A::Acc>> {
    let n = x.len();
    // Leaves of at least 512 rows per group, so that merging `ng`
    // accumulators costs little next to the rows, but at least 8 leaves for
    // the threads to share, and never under 2^16 rows. The leaves depend on
    // `n` and `ng` only, never on the thread count.
    let leaf_rows = ng
        .saturating_mul(512)
        .min(n.div_ceil(8))
        .max(ng.saturating_mul(16))
        .max(1 << 16);
    let leaves = n.div_ceil(leaf_rows).max(1);
    tree_reduce(
        leaves,
        &|b| {
            let lo = (b * leaf_rows).min(n);
            let hi = (lo + leaf_rows).min(n);
            let mut acc = vec![A::INIT; ng];
            agg.leaf(&x[lo..hi], &groups[lo..hi], lo, &mut acc)?;
            Ok(acc)
        },
        &|a: Result<Vec<A::Acc>>, b: Result<Vec<A::Acc>>| {
            let mut a = a?;
            let b = b?;
            for (x, y) in a.iter_mut().zip(&b) {
                A::merge(x, y);
            }
            Ok(a)
        },
    )
}

struct Sum;
impl Agg for Sum {
    type Acc = f64;
    const INIT: f64 = 0.0;
    #[inline(always)]
    fn add(&self, _: usize, acc: &mut f64, v: f64) {
        // A missing value adds +0.0, by a mask: for `f64` input a compare
        // and an AND, no branch (for `f32` LLVM still tests the value
        // before widening it, with a branch; bit tests were slower).
        *acc += select(!v.is_nan(), v, 0.0);
    }
    fn merge(a: &mut f64, b: &f64) {
        *a += b;
    }
    /// Not for `f64`: its branch-free loop keeps the hardware prefetcher
    /// ahead on its own, and the hints cost it 3-8% (`f32`, whose loop
    /// branches, gains 12%).
    fn prefetch<T: Float>() -> bool {
        std::mem::size_of::<T>() != 8
    }
}

struct PowerSum(f64);
impl Agg for PowerSum {
    type Acc = f64;
    const INIT: f64 = 0.0;
    #[inline(always)]
    fn add(&self, _: usize, acc: &mut f64, v: f64) {
        if v > 0.0 {
            *acc += if self.0 == 1.5 {
                v * v.sqrt()
            } else {
                v.powf(self.0)
            };
        }
    }
    fn merge(a: &mut f64, b: &f64) {
        *a += b;
    }
}

/// Sum and count.
struct SumCount;
impl Agg for SumCount {
    /// Sum and count, both `f64` (exact counts below 2^53): two float adds
    /// per row, no integer/float mix.
    type Acc = (f64, f64);
    const INIT: (f64, f64) = (0.0, 0.0);
    #[inline(always)]
    fn add(&self, _: usize, acc: &mut (f64, f64), v: f64) {
        // A branch, not a select: missing values are rare, and the branch
        // skips the read-modify-write of the accumulator.
        if !v.is_nan() {
            acc.0 += v;
            acc.1 += 1.0;
        }
    }
    fn merge(a: &mut (f64, f64), b: &(f64, f64)) {
        a.0 += b.0;
        a.1 += b.1;
    }
}

/// Count, anchor and anchored sums of a group: `s1 = sum(v - k)`,
/// `s2 = sum((v - k)^2)` with `k` the group's first value in the block. The
/// anchor is a member of the group, which bounds the cancellation of
/// `s2 - s1^2 / n` by a factor `n`; blocks merge exactly (Chan et al.).
#[derive(Debug, Clone, Copy)]
struct Anchored {
    n: f64,
    k: f64,
    s1: f64,
    s2: f64,
}

impl Anchored {
    /// Adds a value to a group whose anchor is set.
    #[inline(always)]
    fn push(&mut self, v: f64) {
        let d = v - self.k;
        self.n += 1.0;
        self.s1 += d;
        self.s2 += d * d;
    }

    /// Sum of squared deviations from the mean.
    fn m2(&self) -> f64 {
        if self.n == 0.0 {
            0.0
        } else {
            // Rounding can leave a tiny negative; NaN (an infinity in the
            // group) stays NaN.
            let m2 = self.s2 - self.s1 * self.s1 / self.n;
            if m2 < 0.0 {
                0.0
            } else {
                m2
            }
        }
    }
}

/// One-pass variance accumulator.
struct Var;
impl Agg for Var {
    type Acc = Anchored;
    const INIT: Anchored = Anchored {
        n: 0.0,
        k: 0.0,
        s1: 0.0,
        s2: 0.0,
    };
    #[inline(always)]
    fn add(&self, _: usize, acc: &mut Anchored, v: f64) {
        if !v.is_nan() {
            if acc.n == 0.0 {
                acc.k = v;
            }
            acc.push(v);
        }
    }
    /// Two loops: the first anchors each group at its first value and ends
    /// once every group has its anchor; the second, which runs nearly all
    /// rows when the groups are dense, no longer tests for a missing anchor.
    /// Same operations in the same order as [`Agg::add`] on every row.
    fn leaf<T: Float, G: GroupCode>(
        &self,
        x: &[T],
        groups: &[G],
        lo: usize,
        acc: &mut [Anchored],
    ) -> Result<()> {
        let mut missing = acc.len();
        let start = rows(x, groups, lo, acc, true, |g, a, v| {
            let anchors = a.n == 0.0 && !v.is_nan();
            self.add(g, a, v);
            missing -= usize::from(anchors);
            missing > 0
        })?;
        rows(
            &x[start..],
            &groups[start..],
            lo + start,
            acc,
            true,
            |_, a, v| {
                if !v.is_nan() {
                    a.push(v);
                }
                true
            },
        )
        .map(drop)
    }
    fn merge(a: &mut Anchored, b: &Anchored) {
        if b.n == 0.0 {
            return;
        }
        if a.n == 0.0 {
            *a = *b;
            return;
        }
        // Everything relative to a's anchor: `b.k - a.k` is exact for
        // nearby anchors, so the means' difference keeps its digits.
        let n = a.n + b.n;
        let dk = b.k - a.k;
        let delta = dk + (b.s1 / b.n - a.s1 / a.n);
        let m2 = a.m2() + b.m2() + delta * delta * (a.n * b.n / n);
        let s1 = a.s1 + b.s1 + b.n * dk;
        *a = Anchored {
            n,
            k: a.k,
            s1,
            s2: m2 + s1 * s1 / n,
        };
    }
}

/// Minimum (`MAX = false`) or maximum; NaN while empty.
struct Extreme<const MAX: bool>;
impl<const MAX: bool> Agg for Extreme<MAX> {
    type Acc = f64;
    const INIT: f64 = f64::NAN;
    #[inline(always)]
    fn add(&self, _: usize, acc: &mut f64, v: f64) {
        let better = if MAX { v > *acc } else { v < *acc };
        if better || (acc.is_nan() && !v.is_nan()) {
            *acc = v;
        }
    }
    fn merge(a: &mut f64, b: &f64) {
        Self.add(0, a, *b);
    }
}

fn finish<T: Float, A>(acc: Vec<A>, f: impl Fn(&A) -> f64) -> Vec<T> {
    acc.iter().map(|a| T::from_f64(f(a))).collect()
}

fn mean_of(a: &(f64, f64)) -> f64 {
    if a.1 == 0.0 {
        f64::NAN
    } else {
        a.0 / a.1
    }
}

/// Declares a public `group_<agg>(x, groups, n_groups)`: resolve the groups,
/// aggregate with `$agg`, finish each group's accumulator with `$finish`.
macro_rules! group_fn {
    ($(#[$doc:meta])* $name:ident, $agg:expr, $finish:expr) => {
        $(#[$doc])*
        pub fn $name<T: Float, G: GroupCode>(x: &[T], groups: &[G], n_groups: Option<usize>) -> Result<Vec<T>> {
            let ng = resolve(x, groups, n_groups)?;
            Ok(finish(reduce(x, groups, ng, &$agg)?, $finish))
        }
    };
}

/// Per-group variance in one pass over the data (anchored sums per group,
/// blocks merged exactly).
fn group_var_f64<T: Float, G: GroupCode>(
    x: &[T],
    groups: &[G],
    n_groups: Option<usize>,
    ddof: usize,
) -> Result<Vec<f64>> {
    let ng = resolve(x, groups, n_groups)?;
    let acc = reduce(x, groups, ng, &Var)?;
    Ok(acc
        .iter()
        .map(|a| {
            if a.n <= ddof as f64 {
                f64::NAN
            } else {
                a.m2() / (a.n - ddof as f64)
            }
        })
        .collect())
}

group_fn!(
    /// Per-group sum.
    ///
    /// ```
    /// use ferroscore::aggregate::group_sum;
    /// let s = group_sum(&[1.0_f64, 2.0, 3.0, f64::NAN], &[0_i64, 1, 0, 1], None)?;
    /// assert_eq!(s, vec![4.0, 2.0]);
    /// assert!(group_sum(&[1.0_f64], &[5_i64], Some(2)).is_err());
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    group_sum, Sum, |&a| a
);

group_fn!(
    /// Per-group count of non-missing values.
    ///
    /// ```
    /// use ferroscore::aggregate::group_count;
    /// assert_eq!(group_count(&[1.0_f32, f32::NAN, 3.0], &[0_i32, 0, 2], None)?, vec![1.0, 0.0, 1.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    group_count, SumCount, |a| a.1
);

group_fn!(
    /// Per-group mean (NaN for empty groups).
    ///
    /// ```
    /// use ferroscore::aggregate::group_mean;
    /// let m = group_mean(&[1.0_f64, 2.0, 3.0], &[0_i64, 0, -1], Some(2))?;
    /// assert_eq!(m[0], 1.5);
    /// assert!(m[1].is_nan());
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    group_mean, SumCount, mean_of
);

/// Per-group variance with `ddof` (NaN when a group has `count <= ddof`).
///
/// ```
/// use ferroscore::aggregate::group_var;
/// assert_eq!(group_var(&[1.0_f64, 3.0, 5.0], &[0_i64, 0, 1], None, 1)?[0], 2.0);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn group_var<T: Float, G: GroupCode>(
    x: &[T],
    groups: &[G],
    n_groups: Option<usize>,
    ddof: usize,
) -> Result<Vec<T>> {
    Ok(group_var_f64(x, groups, n_groups, ddof)?
        .into_iter()
        .map(T::from_f64)
        .collect())
}

/// Per-group standard deviation with `ddof`.
///
/// ```
/// use ferroscore::aggregate::group_std;
/// assert_eq!(group_std(&[1.0_f64, 3.0], &[0_i64, 0], None, 1)?[0], 2.0_f64.sqrt());
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn group_std<T: Float, G: GroupCode>(
    x: &[T],
    groups: &[G],
    n_groups: Option<usize>,
    ddof: usize,
) -> Result<Vec<T>> {
    Ok(group_var_f64(x, groups, n_groups, ddof)?
        .into_iter()
        .map(|v| T::from_f64(v.sqrt()))
        .collect())
}

group_fn!(
    /// Per-group minimum (NaN for empty groups).
    ///
    /// ```
    /// use ferroscore::aggregate::group_min;
    /// assert_eq!(group_min(&[3.0_f64, 1.0, 2.0], &[0_i64, 0, 1], None)?, vec![1.0, 2.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    group_min, Extreme::<false>, |&a| a
);

group_fn!(
    /// Per-group maximum (NaN for empty groups).
    ///
    /// ```
    /// use ferroscore::aggregate::group_max;
    /// assert_eq!(group_max(&[3.0_f64, 1.0, 2.0], &[0_i64, 0, 1], None)?, vec![3.0, 2.0]);
    /// # Ok::<(), ferroscore::Error>(())
    /// ```
    group_max, Extreme::<true>, |&a| a
);

/// Per-group sum of `v^p` over `v > 0`.
///
/// ```
/// use ferroscore::aggregate::group_power_sum;
/// assert_eq!(group_power_sum(&[4.0_f64, -1.0, 9.0], &[0_i64, 0, 1], None, 1.5)?, vec![8.0, 27.0]);
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn group_power_sum<T: Float, G: GroupCode>(
    x: &[T],
    groups: &[G],
    n_groups: Option<usize>,
    p: f64,
) -> Result<Vec<T>> {
    crate::error::check_finite("p", p)?;
    let ng = resolve(x, groups, n_groups)?;
    Ok(finish(reduce(x, groups, ng, &PowerSum(p))?, |&a| a))
}
