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

#[inline(always)]
fn scan<V: Value>(
    blk: &[V],
    base: usize,
    out: &mut Outcome,
    max: usize,
    fails: impl Fn(V) -> bool,
) {
    for (i, &v) in blk.iter().enumerate() {
        if fails(v) {
            out.record(base + i, v.f(), max);
        }
    }
}

#[inline(always)]
fn scan_pairs<V: Value>(
    blk: &[V],
    base: usize,
    out: &mut Outcome,
    max: usize,
    prev: &mut Option<V>,
    fails: impl Fn(V, V) -> bool,
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

fn run<V: Value>(x: &[V], rules: &[&Rule], max: usize) -> Vec<Outcome> {
    let mut outs = vec![Outcome::default(); rules.len()];
    let mut prev: Vec<Option<V>> = vec![None; rules.len()];
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
    for (b, blk) in x.chunks(BLOCK).enumerate() {
        let base = b * BLOCK;
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
    if let Some(first) = rules.iter().position(|r| matches!(r, Rule::Unique)) {
        let u = unique(x, max);
        for (r, rule) in rules.iter().enumerate().skip(first) {
            if matches!(rule, Rule::Unique) {
                outs[r] = u.clone();
            }
        }
    }
    outs
}

/// Duplicates of a column whose present values are sorted (either way):
/// equal values are neighbours, so each present value equal to the previous
/// present one fails (the 2nd and later occurrences, as in the general
/// case). `None` as soon as the order breaks.
fn unique_if_sorted<V: Value>(x: &[V], max: usize) -> Option<Outcome> {
    let mut out = Outcome::default();
    let mut prev: Option<u64> = None;
    let mut dir = std::cmp::Ordering::Equal;
    for (i, v) in x.iter().enumerate() {
        if v.missing() {
            continue;
        }
        let k = v.key();
        if let Some(p) = prev {
            match k.cmp(&p) {
                std::cmp::Ordering::Equal => out.record(i, v.f(), max),
                d if dir == std::cmp::Ordering::Equal => dir = d,
                d if d != dir => return None,
                _ => {}
            }
        }
        prev = Some(k);
    }
    Some(out)
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
