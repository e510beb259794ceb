//! The per-column pass.

use super::rules::{Closed, Rule};
use super::Column;
use std::collections::HashSet;

/// Rows per block: a block stays in L1/L2 while every rule scans it.
const BLOCK: usize = 4096;

/// What one rule found on one column.
#[derive(Debug, Clone, Default)]
pub(super) struct Outcome {
    pub(super) n_failed: u64,
    pub(super) rows: Vec<u64>,
    pub(super) values: Vec<f64>,
}

impl Outcome {
    #[inline(always)]
    fn record(&mut self, row: usize, value: f64, max: usize) {
        self.n_failed += 1;
        if self.rows.len() < max {
            self.rows.push(row as u64);
            self.values.push(value);
        }
    }
}

/// A column element.
trait Value: Copy + PartialOrd + Send + Sync {
    fn f(self) -> f64;
    fn missing(self) -> bool;
    /// An order-preserving integer key for exact equality (duplicates).
    fn key(self) -> u64;
    /// `self - prev`, exactly where the type allows.
    fn diff(self, prev: Self) -> f64;
}

impl Value for f64 {
    #[inline(always)]
    fn f(self) -> f64 {
        self
    }
    #[inline(always)]
    fn missing(self) -> bool {
        self.is_nan()
    }
    fn key(self) -> u64 {
        let b = (self + 0.0).to_bits(); // -0.0 becomes +0.0
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    }
    fn diff(self, prev: Self) -> f64 {
        self - prev
    }
}

impl Value for f32 {
    #[inline(always)]
    fn f(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn missing(self) -> bool {
        self.is_nan()
    }
    fn key(self) -> u64 {
        f64::from(self).key()
    }
    fn diff(self, prev: Self) -> f64 {
        f64::from(self) - f64::from(prev)
    }
}

impl Value for i64 {
    #[inline(always)]
    fn f(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn missing(self) -> bool {
        false
    }
    fn key(self) -> u64 {
        (self as u64) ^ (1 << 63)
    }
    fn diff(self, prev: Self) -> f64 {
        (i128::from(self) - i128::from(prev)) as f64
    }
}

/// Runs `rules` over one column.
pub(super) fn column(col: Column<'_>, rules: &[&Rule], max: usize) -> Vec<Outcome> {
    match col {
        Column::F64(x) => run(x, rules, max),
        Column::F32(x) => run(x, rules, max),
        Column::I64(x) => run(x, rules, max),
    }
}

/// Rows per failure mask: one bit a row.
const MASK: usize = 64;

/// Records the rows of `chunk` (its first row is `base`) whose bit is set in
/// `m`, in row order.
#[inline(always)]
fn record_mask<V: Value>(mut m: u64, chunk: &[V], base: usize, out: &mut Outcome, max: usize) {
    while m != 0 {
        let i = m.trailing_zeros() as usize;
        out.record(base + i, chunk[i].f(), max);
        m &= m - 1;
    }
}

/// Records the rows that fail. The test runs 64 rows at a time into a bit
/// mask, without a branch (the compiler vectorizes it), and only the set
/// bits are visited: a branch per row mispredicted on data where failures
/// are common (in_range over N(0, 10) data at `[-10, 10]`: 1.5 ns a row).
#[inline(always)]
fn scan<V: Value>(
    blk: &[V],
    base: usize,
    out: &mut Outcome,
    max: usize,
    fails: impl Fn(V) -> bool,
) {
    let chunks = blk.chunks_exact(MASK);
    let tail = blk.len() - chunks.remainder().len();
    for (c, chunk) in chunks.enumerate() {
        let mut m = 0u64;
        for (i, &v) in chunk.iter().enumerate() {
            m |= u64::from(fails(v)) << i;
        }
        record_mask(m, chunk, base + c * MASK, out, max);
    }
    for (i, &v) in blk[tail..].iter().enumerate() {
        if fails(v) {
            out.record(base + tail + i, v.f(), max);
        }
    }
}

/// Records the rows that fail against the previous present value. A chunk
/// of 64 rows without a missing value, after a present one, is tested as a
/// bit mask (as in [`scan`]); others row by row, skipping missing values.
#[inline(always)]
fn scan_pairs<V: Value>(
    blk: &[V],
    base: usize,
    out: &mut Outcome,
    max: usize,
    prev: &mut Option<V>,
    fails: impl Fn(V, V) -> bool,
) {
    for (c, chunk) in blk.chunks(MASK).enumerate() {
        let start = base + c * MASK;
        match *prev {
            Some(p) if chunk.len() == MASK && !chunk.iter().any(|v| v.missing()) => {
                let mut m = u64::from(fails(p, chunk[0]));
                for (i, w) in chunk.windows(2).enumerate() {
                    m |= u64::from(fails(w[0], w[1])) << (i + 1);
                }
                record_mask(m, chunk, start, out, max);
                *prev = chunk.last().copied();
            }
            _ => pairs_by_row(chunk, start, out, max, prev, &fails),
        }
    }
}

#[inline(always)]
fn pairs_by_row<V: Value>(
    blk: &[V],
    base: usize,
    out: &mut Outcome,
    max: usize,
    prev: &mut Option<V>,
    fails: &impl Fn(V, V) -> bool,
) {
    for (i, &v) in blk.iter().enumerate() {
        if v.missing() {
            continue;
        }
        if let Some(p) = *prev {
            if fails(p, v) {
                out.record(base + i, v.f(), max);
            }
        }
        *prev = Some(v);
    }
}

/// Mean and sample standard deviation of the finite values (two passes).
fn finite_stats<V: Value>(x: &[V]) -> (f64, f64) {
    let fin = || x.iter().map(|v| v.f()).filter(|v| v.is_finite());
    let n = fin().count();
    if n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let mean = fin().sum::<f64>() / n as f64;
    let m2: f64 = fin().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (m2 / (n - 1) as f64).sqrt())
}

/// Rows per part of a column: the parts run in parallel (each row's outcome
/// depends only on itself and the previous present value, so the parts'
/// outcomes join exactly, in row order). Small in unit tests, so that they
/// cross parts' ends cheaply.
const PART: usize = if cfg!(test) { 1 << 12 } else { 1 << 20 };

fn run<V: Value>(x: &[V], rules: &[&Rule], max: usize) -> Vec<Outcome> {
    let stats = if rules.iter().any(|r| matches!(r, Rule::MaxAbsZscore(_))) {
        finite_stats(x)
    } else {
        (f64::NAN, f64::NAN)
    };
    let sets: Vec<Vec<f64>> = rules
        .iter()
        .map(|r| match r {
            Rule::InSet(v) => {
                let mut s: Vec<f64> = v.iter().map(|x| x + 0.0).filter(|x| !x.is_nan()).collect();
                s.sort_by(f64::total_cmp);
                s
            }
            _ => Vec::new(),
        })
        .collect();
    let parts = x.len().div_ceil(PART).max(1);
    // The pair rules start each part from the last present value before it.
    let mut before: Vec<Option<V>> = vec![None; parts];
    for k in 1..parts {
        let prior = &x[(k - 1) * PART..k * PART];
        before[k] = prior
            .iter()
            .rev()
            .find(|v| !v.missing())
            .copied()
            .or(before[k - 1]);
    }
    let has_unique = rules.iter().any(|r| matches!(r, Rule::Unique));
    // `unique` is one pass of its own over the whole column, beside the parts.
    let (u, pieces) = crate::parallel::join(
        || has_unique.then(|| unique(x, max)),
        || {
            crate::parallel::map_collect(parts, |k| {
                let lo = (k * PART).min(x.len());
                let hi = (lo + PART).min(x.len());
                run_rows(&x[lo..hi], lo, before[k], rules, max, stats, &sets)
            })
        },
    );
    let mut outs = vec![Outcome::default(); rules.len()];
    for piece in pieces {
        for (out, p) in outs.iter_mut().zip(piece) {
            out.n_failed += p.n_failed;
            let room = max.saturating_sub(out.rows.len());
            out.rows.extend(p.rows.into_iter().take(room));
            out.values.extend(p.values.into_iter().take(room));
        }
    }
    if let Some(u) = u {
        for (out, rule) in outs.iter_mut().zip(rules) {
            if matches!(rule, Rule::Unique) {
                *out = u.clone();
            }
        }
    }
    outs
}

/// The block rules over rows `base..base + x.len()` of a column; `before` is
/// the last present value before them.
fn run_rows<V: Value>(
    x: &[V],
    base: usize,
    before: Option<V>,
    rules: &[&Rule],
    max: usize,
    stats: (f64, f64),
    sets: &[Vec<f64>],
) -> Vec<Outcome> {
    let mut outs = vec![Outcome::default(); rules.len()];
    let mut prev: Vec<Option<V>> = vec![before; rules.len()];
    for (b, blk) in x.chunks(BLOCK).enumerate() {
        let base = base + b * BLOCK;
        for (r, rule) in rules.iter().enumerate() {
            let out = &mut outs[r];
            match **rule {
                Rule::NotMissing => scan(blk, base, out, max, |v| v.missing()),
                Rule::Finite => scan(blk, base, out, max, |v| !v.f().is_finite()),
                Rule::InRange { lo, hi, closed } => match closed {
                    Closed::Both => scan(blk, base, out, max, |v| {
                        !v.missing() && (v.f() < lo || v.f() > hi)
                    }),
                    Closed::Left => scan(blk, base, out, max, |v| {
                        !v.missing() && (v.f() < lo || v.f() >= hi)
                    }),
                    Closed::Right => scan(blk, base, out, max, |v| {
                        !v.missing() && (v.f() <= lo || v.f() > hi)
                    }),
                    Closed::Neither => scan(blk, base, out, max, |v| {
                        !v.missing() && (v.f() <= lo || v.f() >= hi)
                    }),
                },
                Rule::InSet(_) => {
                    let set = &sets[r];
                    scan(blk, base, out, max, |v| {
                        !v.missing()
                            && set
                                .binary_search_by(|s| s.total_cmp(&(v.f() + 0.0)))
                                .is_err()
                    })
                }
                Rule::Unique => {}
                Rule::Monotonic { decreasing, strict } => {
                    let p = &mut prev[r];
                    match (decreasing, strict) {
                        (false, false) => scan_pairs(blk, base, out, max, p, |a, b| b < a),
                        (false, true) => scan_pairs(blk, base, out, max, p, |a, b| b <= a),
                        (true, false) => scan_pairs(blk, base, out, max, p, |a, b| b > a),
                        (true, true) => scan_pairs(blk, base, out, max, p, |a, b| b >= a),
                    }
                }
                Rule::MaxAbsZscore(k) => {
                    let (mean, std) = stats;
                    scan(blk, base, out, max, |v| {
                        !v.missing() && (v.f() - mean).abs() / std > k
                    })
                }
                Rule::NoGaps(step) => {
                    scan_pairs(blk, base, out, max, &mut prev[r], |a, b| b.diff(a) > step)
                }
            }
        }
    }
    outs
}

/// Duplicates of a column whose present values are sorted (either way):
/// equal values are neighbours, so each present value equal to the previous
/// present one fails (the 2nd and later occurrences, as in the general
/// case). `None` as soon as the order breaks. The column's parts run in
/// parallel; their ends are compared when they are joined.
fn unique_if_sorted<V: Value>(x: &[V], max: usize) -> Option<Outcome> {
    use std::cmp::Ordering::Equal;
    let parts = x.len().div_ceil(PART).max(1);
    let pieces = crate::parallel::map_collect(parts, |k| {
        let lo = (k * PART).min(x.len());
        sorted_part(&x[lo..(lo + PART).min(x.len())], lo, max)
    });
    let mut out = Outcome::default();
    let (mut dir, mut last) = (Equal, None::<u64>);
    // Each direction seen (inside a part, or from a part's last present
    // value to the next one's first) must be the same.
    fn agree(d: std::cmp::Ordering, dir: &mut std::cmp::Ordering) -> bool {
        match d {
            Equal => true,
            d if *dir == Equal => {
                *dir = d;
                true
            }
            d => d == *dir,
        }
    }
    for piece in pieces {
        let p = piece?;
        if let (Some(l), Some((row, k, v))) = (last, p.first) {
            if k == l {
                out.record(row, v, max);
            } else if !agree(k.cmp(&l), &mut dir) {
                return None;
            }
        }
        if !agree(p.dir, &mut dir) {
            return None;
        }
        out.n_failed += p.out.n_failed;
        let room = max.saturating_sub(out.rows.len());
        out.rows.extend(p.out.rows.into_iter().take(room));
        out.values.extend(p.out.values.into_iter().take(room));
        last = p.last.or(last);
    }
    Some(out)
}

/// One part of a sorted column (its first row is `base`).
struct SortedPart {
    /// The duplicates inside the part.
    out: Outcome,
    /// The part's direction (`Equal` when all its present keys are).
    dir: std::cmp::Ordering,
    /// Row, key and value of the part's first present value.
    first: Option<(usize, u64, f64)>,
    /// Key of its last present value.
    last: Option<u64>,
}

/// [`SortedPart`] of `x`, or `None` when its order breaks.
fn sorted_part<V: Value>(x: &[V], base: usize, max: usize) -> Option<SortedPart> {
    use std::cmp::Ordering::{Equal, Greater};
    let mut out = Outcome::default();
    let mut prev: Option<u64> = None;
    let mut dir = Equal;
    let mut first = None;
    for (c, chunk) in x.chunks(MASK).enumerate() {
        let base = base + c * MASK;
        match prev {
            // A full chunk without missing values once the direction is
            // known: its keys compared with their neighbours, reduced to
            // three flags (the compiler vectorizes it); rows are recorded
            // only in a chunk that holds a duplicate.
            Some(p)
                if dir != Equal && chunk.len() == MASK && !chunk.iter().any(|v| v.missing()) =>
            {
                let k0 = chunk[0].key();
                let (mut eq, mut up, mut down) = (k0 == p, k0 > p, k0 < p);
                for w in chunk.windows(2) {
                    let (a, b) = (w[0].key(), w[1].key());
                    eq |= b == a;
                    up |= b > a;
                    down |= b < a;
                }
                if (dir == Greater && down) || (dir != Greater && up) {
                    return None;
                }
                if eq {
                    let mut last = p;
                    for (i, v) in chunk.iter().enumerate() {
                        let k = v.key();
                        if k == last {
                            out.record(base + i, v.f(), max);
                        }
                        last = k;
                    }
                }
                prev = Some(chunk[MASK - 1].key());
            }
            _ => {
                for (i, v) in chunk.iter().enumerate() {
                    if v.missing() {
                        continue;
                    }
                    let k = v.key();
                    if first.is_none() {
                        first = Some((base + i, k, v.f()));
                    }
                    if let Some(p) = prev {
                        match k.cmp(&p) {
                            Equal => out.record(base + i, v.f(), max),
                            d if dir == Equal => dir = d,
                            d if d != dir => return None,
                            _ => {}
                        }
                    }
                    prev = Some(k);
                }
            }
        }
    }
    Some(SortedPart {
        out,
        dir,
        first,
        last: prev,
    })
}

/// Duplicates by sorting keys; failing rows found in a second, row-order pass.
/// A column that is already sorted (ids, timestamps) takes one linear pass.
fn unique<V: Value>(x: &[V], max: usize) -> Outcome {
    if let Some(out) = unique_if_sorted(x, max) {
        return out;
    }
    let mut keys: Vec<u64> = x.iter().filter(|v| !v.missing()).map(|v| v.key()).collect();
    keys.sort_unstable();
    let mut out = Outcome::default();
    let mut dup: HashSet<u64> = HashSet::new();
    for w in keys.windows(2) {
        if w[0] == w[1] {
            out.n_failed += 1;
            dup.insert(w[0]);
        }
    }
    if out.n_failed == 0 || max == 0 {
        return out;
    }
    let mut seen: HashSet<u64> = HashSet::new();
    for (i, v) in x.iter().enumerate() {
        if v.missing() {
            continue;
        }
        let k = v.key();
        if dup.contains(&k) && !seen.insert(k) {
            out.rows.push(i as u64);
            out.values.push(v.f());
            if out.rows.len() == max {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The failing rows of `unique` by a hash set, in row order.
    fn naive_unique(x: &[f64]) -> Vec<u64> {
        let mut seen = HashSet::new();
        (0..x.len() as u64)
            .filter(|&i| {
                let v = x[i as usize];
                !v.is_nan() && !seen.insert(v.key())
            })
            .collect()
    }

    /// The parts of a column of several [`PART`]s give what one pass over
    /// the whole column gives: pair rules across the parts' ends (a missing
    /// run over an end, a duplicate and a step down on an end), and the
    /// sorted `unique`'s joins, its direction broken on an end included.
    #[test]
    fn parts_join_like_one_pass() {
        let n = 5 * PART + 12_345;
        let mut x: Vec<f64> = (0..n).map(|i| (i / 3 * 2) as f64).collect();
        x[PART] = x[PART - 1]; // a duplicate on the first end
        for v in &mut x[2 * PART - 3..2 * PART + 2] {
            *v = f64::NAN; // a missing run over the second end
        }
        x[2 * PART + 2] = x[2 * PART - 4] - 1.0; // a step down after it
        for v in &mut x[3 * PART..4 * PART] {
            *v = f64::NAN; // a part with no present value
        }
        x[4 * PART] = x[3 * PART - 1] - 1.0; // a step down across it
        let rules = [
            Rule::Unique,
            Rule::monotonic(false, false),
            Rule::monotonic(false, true),
            Rule::monotonic(true, false),
            Rule::NoGaps(1.0),
            Rule::NotMissing,
        ];
        let rs: Vec<&Rule> = rules.iter().collect();
        let sets = vec![Vec::new(); rules.len()];
        for max in [0, 3, 1000] {
            let got = run(&x, &rs, max);
            let whole = run_rows(&x, 0, None, &rs, max, (f64::NAN, f64::NAN), &sets);
            for r in 1..rules.len() {
                assert_eq!(got[r].n_failed, whole[r].n_failed, "{}", rules[r]);
                assert_eq!(got[r].rows, whole[r].rows, "{}", rules[r]);
            }
            let exp = naive_unique(&x);
            assert_eq!(got[0].n_failed, exp.len() as u64);
            assert_eq!(got[0].rows, exp[..exp.len().min(max)].to_vec());
        }
        // Sorted, with the missing run over an end and a duplicate on an
        // end: the sorted pass joins its parts.
        assert!(n > 5 * PART);
        let mut z = x.clone();
        z[2 * PART + 2] = z[2 * PART + 3];
        z[4 * PART] = z[3 * PART - 1]; // a duplicate across the missing part
        let exp = naive_unique(&z);
        let got = unique_if_sorted(&z, 1000).expect("sorted");
        assert_eq!(got.n_failed, exp.len() as u64);
        assert!(got.rows == exp[..1000], "sorted unique's rows");
        // Each part sorted, but the second starts below the first's end.
        let w: Vec<f64> = (0..n)
            .map(|i| if i < PART { i } else { i - 100 } as f64)
            .collect();
        assert!(unique_if_sorted(&w, 10).is_none());
        let exp = naive_unique(&w);
        let got = run(&w, &[&Rule::Unique], 10);
        assert_eq!(got[0].n_failed, exp.len() as u64);
        assert_eq!(got[0].rows, exp[..10].to_vec());
        // Sorted up to the second end, then down: the sorted pass gives up
        // and the general one finds the same duplicates.
        let mut y: Vec<f64> = (0..n).map(|i| i as f64).collect();
        for (i, v) in y[2 * PART..].iter_mut().enumerate() {
            *v = (2 * PART) as f64 - 1.0 - i as f64;
        }
        assert!(unique_if_sorted(&y, 10).is_none());
        let exp = naive_unique(&y);
        let got = run(&y, &[&Rule::Unique], 10);
        assert_eq!(got[0].n_failed, exp.len() as u64);
        assert_eq!(got[0].rows, exp[..10].to_vec());
    }
}
