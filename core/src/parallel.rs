//! Deterministic work splitting.
//!
//! Reductions cut their input into blocks of [`BLOCK`] elements and combine the
//! block results in one fixed binary tree (split at the midpoint of the block
//! range). The tree does not depend on the number of threads: with the
//! `parallel` feature the two halves of each node may run on two threads
//! (`rayon::join`), without it they run one after the other, and the result is
//! bit-identical either way.

/// Elements per block of a reduction.
pub(crate) const BLOCK: usize = 1 << 13;

/// Number of blocks covering `n` elements (at least one, so empty input still
/// yields the identity of the reduction).
pub(crate) fn n_blocks(n: usize) -> usize {
    n.div_ceil(BLOCK).max(1)
}

/// The element range of block `b` of `n` elements.
pub(crate) fn block_range(b: usize, n: usize) -> std::ops::Range<usize> {
    let lo = (b * BLOCK).min(n);
    let hi = (lo + BLOCK).min(n);
    lo..hi
}

/// Computes `map(b)` for every block `b < n_blocks` and combines the results
/// in the fixed tree described in the module docs.
pub(crate) fn tree_reduce<A, M, C>(n_blocks: usize, map: &M, combine: &C) -> A
where
    A: Send,
    M: Fn(usize) -> A + Sync,
    C: Fn(A, A) -> A + Sync,
{
    node(0, n_blocks.max(1), map, combine)
}

fn node<A, M, C>(lo: usize, hi: usize, map: &M, combine: &C) -> A
where
    A: Send,
    M: Fn(usize) -> A + Sync,
    C: Fn(A, A) -> A + Sync,
{
    if hi - lo == 1 {
        return map(lo);
    }
    let mid = lo + (hi - lo) / 2;
    // Small subtrees run on the calling thread: a task per block would cost
    // more than the block. The tree, and so the result, is the same.
    let (a, b) = if hi - lo <= SEQUENTIAL_BLOCKS {
        (node(lo, mid, map, combine), node(mid, hi, map, combine))
    } else {
        join(
            || node(lo, mid, map, combine),
            || node(mid, hi, map, combine),
        )
    };
    combine(a, b)
}

/// Subtrees of at most this many blocks are not split across threads.
const SEQUENTIAL_BLOCKS: usize = 16;

/// Runs two closures, in parallel when the `parallel` feature is on.
#[cfg(feature = "parallel")]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
}

/// Runs two closures, in parallel when the `parallel` feature is on.
#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    (a(), b())
}

/// `(0..n).map(f).collect()`, in parallel when the `parallel` feature is on.
#[cfg(feature = "parallel")]
pub(crate) fn map_collect<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    (0..n).into_par_iter().map(f).collect()
}

/// `(0..n).map(f).collect()`, in parallel when the `parallel` feature is on.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_collect<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    (0..n).map(f).collect()
}

/// Runs `f` on every item, on the pool's threads; the first error wins.
#[cfg(feature = "parallel")]
pub(crate) fn try_for_each<I, F>(items: Vec<I>, f: F) -> crate::Result<()>
where
    I: Send,
    F: Fn(I) -> crate::Result<()> + Sync + Send,
{
    use rayon::prelude::*;
    items.into_par_iter().try_for_each(f)
}
