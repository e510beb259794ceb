//! Sum and mean over a window, from per-block prefix sums.
//!
//! The rows are cut into blocks of `w` rows counted from the first row of
//! the series. For each block the state keeps the prefix sums `P[j]` of its
//! finite values and their counts. A trailing window of `w` rows ending at
//! offset `e` of block `b` is rows `e + 1..w` of block `b - 1` plus rows
//! `0..=e` of block `b`, so its sum is `(T - P[e])` of the previous block
//! (`T` is that block's total) plus `P[e]` of this block. Both parts are
//! sums of at most `w` terms, restarted at every block: no running total is
//! carried from block to block, so errors do not pile up as they do with
//! add/remove updates (pandas, bottleneck).
//!
//! `T - P[e]` cancels when the previous block held values much larger than
//! the part of it left in the window (a spike that has left the window). A
//! row where `|T - P[e]|` is below `|P[e]| / 65536` uses the previous
//! block's suffix sums instead, computed backwards once for that block. So
//! the error a row can inherit from values outside its window is a few
//! ulps of `65536 |T - P[e]|`: below `1e-11` of the window's own part, and
//! far below the rounding of the window's values themselves when they are
//! of one scale.
//!
//! Speed comes from two passes per run of rows in a block: the prefix sums
//! (a dependency chain of one add per two rows, counts in `i32`), then every
//! row's window in a loop the compiler vectorizes, divisions included.
//! Infinities (and missing values with `skipna = false`) are counted per
//! prefix too, but only in blocks that hold one; their rows take a scalar
//! loop with the same arithmetic. A row's result depends only on its
//! position in its block and the values of its block and the one before, so
//! a series fed in chunks, or split over threads, gives the same bits.
//!
//! A block's counts are `i32`: a block holds at most `2^31 - 1` rows, far
//! beyond what its per-row arrays (20 bytes a row) fit in memory.

use crate::Float;

/// Counts of missing values, +Inf and -Inf, in that order.
type Special = [i32; 3];

/// One block's values and prefix sums.
#[derive(Debug, Clone, Default)]
struct Part {
    /// Rows stored (absent rows, past the end of a centered series, are not
    /// stored: they come after every value).
    len: usize,
    /// The values. `vals`, `s` and `n` are buffers that only grow, so that a
    /// new block writes into memory already mapped: their first `len`
    /// entries are the block's.
    vals: Vec<f64>,
    /// `s[j]`: sum of the finite values among `vals[..=j]`, added in pairs
    /// (`s[2i + 1] = s[2i - 1] + (d[2i] + d[2i + 1])`).
    s: Vec<f64>,
    /// `n[j]`: how many of `vals[..=j]` are finite.
    n: Vec<i32>,
    /// Prefix counts of missing values (only with `skipna = false`), +Inf
    /// and -Inf; empty while the block needs none.
    sp: Vec<Special>,
    /// Suffix sums `fresh[j]` of the finite values of `vals[j..]`, computed
    /// backwards when a window would cancel (previous block only; empty
    /// until then).
    fresh: Vec<f64>,
}

/// `(v, 1)` for a finite value, else `(0, 0)`, without a branch (a NaN
/// would mispredict). `v - v == 0` is `v.is_finite()`, written so because
/// LLVM compiles `is_finite` to an AVX compare that valgrind 3.19 emulates
/// wrongly for NaN.
#[inline(always)]
#[allow(clippy::eq_op)] // `v - v` on purpose (see above)
fn fin(v: f64) -> (f64, i32) {
    let ok = v - v == 0.0;
    let mask = u64::from(ok).wrapping_neg();
    (f64::from_bits(v.to_bits() & mask), i32::from(ok))
}

impl PartialEq for Part {
    /// Equal values give equal sums: the stale tail of the buffers and the
    /// lazily computed backward sums do not count.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.values(), other.values());
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl Part {
    fn clear(&mut self) {
        self.len = 0;
        self.sp.clear();
        self.fresh.clear();
    }

    /// The block's values.
    fn values(&self) -> &[f64] {
        &self.vals[..self.len]
    }

    /// Sum and count of the finite values among `vals[..=j]`.
    #[inline(always)]
    fn prefix(&self, j: usize) -> (f64, i32) {
        (self.s[j], self.n[j])
    }

    fn prefix_sp(&self, j: usize) -> Special {
        self.sp.get(j).copied().unwrap_or_default()
    }

    /// Appends `x` to the block's values and computes their prefix sums,
    /// with the same arithmetic whatever the block's length was before.
    fn extend<T: Float>(&mut self, x: &[T], skipna: bool) {
        if x.is_empty() {
            return;
        }
        let from = self.len;
        let len = from + x.len();
        if self.vals.len() < len {
            self.vals.resize(len, 0.0);
            self.s.resize(len, 0.0);
            self.n.resize(len, 0);
        }
        self.len = len;
        let (vals, s, n) = (
            &mut self.vals[..len],
            &mut self.s[..len],
            &mut self.n[..len],
        );
        let mut j = from;
        let mut xs = x.iter().map(|v| v.to_f64());
        if j % 2 == 1 {
            if let Some(v1) = xs.next() {
                // Second row of a pair: from the prefix before the pair.
                vals[j] = v1;
                let (p, c) = if j >= 2 {
                    (s[j - 2], n[j - 2])
                } else {
                    (0.0, 0)
                };
                let ((a0, b0), (a1, b1)) = (fin(vals[j - 1]), fin(v1));
                s[j] = p + (a0 + a1);
                n[j] = c + b0 + b1;
                j += 1;
            }
        }
        let (mut p, mut c) = if j > 0 {
            (s[j - 1], n[j - 1])
        } else {
            (0.0, 0)
        };
        let xr = &x[j - from..];
        let mut vs = vals[j..].chunks_exact_mut(2);
        let mut ss = s[j..].chunks_exact_mut(2);
        let mut ns = n[j..].chunks_exact_mut(2);
        let mut xp = xr.chunks_exact(2);
        for (((x2, v2), s2), n2) in (&mut xp).zip(&mut vs).zip(&mut ss).zip(&mut ns) {
            let (v0, v1) = (x2[0].to_f64(), x2[1].to_f64());
            v2[0] = v0;
            v2[1] = v1;
            let ((a0, b0), (a1, b1)) = (fin(v0), fin(v1));
            s2[0] = p + a0;
            n2[0] = c + b0;
            p += a0 + a1;
            c += b0 + b1;
            s2[1] = p;
            n2[1] = c;
        }
        if let (Some(x0), Some(v1), Some(s1), Some(n1)) = (
            xp.remainder().first(),
            vs.into_remainder().first_mut(),
            ss.into_remainder().first_mut(),
            ns.into_remainder().first_mut(),
        ) {
            let v0 = x0.to_f64();
            *v1 = v0;
            let (a0, b0) = fin(v0);
            *s1 = p + a0;
            *n1 = c + b0;
        }
        // Counts of the non-finite values are needed once one is an
        // infinity, or a missing value that is not skipped.
        let nonfinite = (len - from) as i32 - (n[len - 1] - if from > 0 { n[from - 1] } else { 0 });
        let vals = &self.vals[from..len];
        let needs_sp = !self.sp.is_empty()
            || (nonfinite > 0 && (!skipna || vals.iter().filter(|v| v.is_infinite()).count() > 0));
        if needs_sp {
            // Earlier rows held no infinity (nor, without skipna, a missing
            // value): their counts are zero.
            self.sp.resize(from, Special::default());
            let mut acc = if from > 0 {
                self.sp[from - 1]
            } else {
                Special::default()
            };
            for &v in vals {
                if v.is_nan() {
                    acc[0] += i32::from(!skipna);
                } else if v == f64::INFINITY {
                    acc[1] += 1;
                } else if v == f64::NEG_INFINITY {
                    acc[2] += 1;
                }
                self.sp.push(acc);
            }
        }
    }

    /// The sum of the finite values of `vals[e + 1..]`: `T - P[e]`, or the
    /// backward sum when that cancels. `e + 1 < vals.len()`.
    #[inline(always)]
    fn suffix_sum(&mut self, e: usize) -> f64 {
        let (t, p) = (self.s[self.len - 1], self.s[e]);
        let d = t - p;
        if cancels(d, p) {
            self.fresh()[e + 1]
        } else {
            d
        }
    }

    /// The backward suffix sums, computed on first use.
    #[cold]
    fn fresh(&mut self) -> &[f64] {
        if self.fresh.is_empty() {
            let mut acc = 0.0;
            self.fresh = vec![0.0; self.len + 1];
            for (f, &v) in self.fresh.iter_mut().zip(&self.vals[..self.len]).rev() {
                acc += fin(v).0;
                *f = acc;
            }
        }
        &self.fresh
    }
}

/// Whether `T - P` (= `d`) lost more than 16 bits to cancellation.
#[inline(always)]
fn cancels(d: f64, p: f64) -> bool {
    d.abs() * 65536.0 < p.abs()
}

/// Which statistic, and how many values a window needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Want {
    /// Mean (else sum).
    pub mean: bool,
    pub minp: usize,
}

/// Rolling sum and mean state.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Sums {
    w: usize,
    skipna: bool,
    /// Offset of the next row inside the current block.
    off: usize,
    cur: Part,
    /// The previous complete block (empty before the second block).
    prev: Part,
}

impl Sums {
    pub(super) fn new(w: usize, skipna: bool) -> Self {
        Sums {
            w,
            skipna,
            off: 0,
            cur: Part::default(),
            prev: Part::default(),
        }
    }

    /// The values that rebuild this state when replayed from a fresh one:
    /// the previous block and the current one.
    pub(super) fn replay(&self) -> Vec<f64> {
        self.prev
            .values()
            .iter()
            .chain(self.cur.values())
            .copied()
            .collect()
    }

    /// Starts a new block when the current one is full.
    #[inline(always)]
    fn next_slot(&mut self) {
        if self.off == self.w {
            std::mem::swap(&mut self.prev, &mut self.cur);
            self.cur.clear();
            self.prev.fresh.clear();
            self.off = 0;
        }
    }

    /// Adds the next row (no output).
    pub(super) fn push(&mut self, v: f64) {
        self.next_slot();
        self.cur.extend(&[v], self.skipna);
        self.off += 1;
    }

    /// Moves the window's end one row past the data (centered windows).
    pub(super) fn push_absent(&mut self) {
        self.next_slot();
        self.off += 1;
    }

    /// The statistic of the window ending at the last pushed (or absent) row.
    pub(super) fn value(&mut self, want: Want) -> f64 {
        let e = self.off - 1;
        let cur = match self.cur.len {
            0 => (0.0, 0, Special::default()),
            len => {
                let j = e.min(len - 1);
                let (s, n) = self.cur.prefix(j);
                (s, n, self.cur.prefix_sp(j))
            }
        };
        self.combine(e, cur, want)
    }

    /// The statistic of the window ending at offset `e` whose part in the
    /// current block is `(sum, count, specials)`: the general path.
    #[inline(always)]
    fn combine(&mut self, e: usize, (s, n, sp): (f64, i32, Special), want: Want) -> f64 {
        let prev = &mut self.prev;
        let (s, n, sp) = if e + 1 < prev.len {
            let last = prev.len - 1;
            let (tn, tsp) = (prev.n[last], prev.prefix_sp(last));
            let psp = prev.prefix_sp(e);
            let ps = prev.suffix_sum(e);
            (
                ps + s,
                (tn - prev.n[e]) + n,
                [
                    tsp[0] - psp[0] + sp[0],
                    tsp[1] - psp[1] + sp[1],
                    tsp[2] - psp[2] + sp[2],
                ],
            )
        } else {
            (s, n, sp)
        };
        let [nan, pinf, ninf] = sp;
        let present = n as usize + pinf as usize + ninf as usize;
        if present < want.minp || nan > 0 || (want.mean && present == 0) {
            return f64::NAN;
        }
        match (pinf > 0, ninf > 0) {
            (true, true) => f64::NAN,
            (true, false) => f64::INFINITY,
            (false, true) => f64::NEG_INFINITY,
            (false, false) if want.mean => s / n as f64,
            (false, false) => s,
        }
    }

    /// Pushes every `x[i]` and writes the statistic of the window ending
    /// there into `out[i]`.
    pub(super) fn run<T: Float>(&mut self, x: &[T], out: &mut [T], want: Want) {
        let mut i = 0;
        while i < x.len() {
            self.next_slot();
            let seg = (self.w - self.off).min(x.len() - i);
            let first = self.cur.len;
            self.cur.extend(&x[i..i + seg], self.skipna);
            let os = &mut out[i..i + seg];
            if self.cur.sp.is_empty() && self.prev.sp.is_empty() {
                self.fast_rows(first, os, want);
            } else {
                for (t, o) in os.iter_mut().enumerate() {
                    let j = first + t;
                    let (s, n) = self.cur.prefix(j);
                    let sp = self.cur.prefix_sp(j);
                    *o = T::from_f64(self.combine(self.off + t, (s, n, sp), want));
                }
            }
            self.off += seg;
            i += seg;
        }
    }

    /// Rows `first..` of the current block (all data, every window without
    /// infinities and skipping missing values): the windows in a loop that
    /// vectorizes, then the rows that cancel again from the fresh suffix.
    fn fast_rows<T: Float>(&mut self, first: usize, os: &mut [T], want: Want) {
        let (cur, prev) = (&self.cur, &mut self.prev);
        let end = first + os.len();
        let (cs, cn) = (&cur.s[first..end], &cur.n[first..end]);
        let minp = want.minp.min(i32::MAX as usize) as i32;
        // Offsets whose window reaches into the previous block.
        let reach = prev.len.saturating_sub(1).clamp(first, end) - first;
        let (os_prev, os_cur) = os.split_at_mut(reach);
        if reach > 0 {
            let last = prev.len - 1;
            let (t, tn) = (prev.s[last], prev.n[last]);
            let (ps, pn) = (&prev.s[first..first + reach], &prev.n[first..first + reach]);
            let rows = os_prev
                .iter_mut()
                .zip(ps.iter().zip(pn))
                .zip(cs.iter().zip(cn));
            if want.mean {
                let minp = minp.max(1);
                for ((o, (&p, &pc)), (&s, &c)) in rows {
                    let n = (tn - pc) + c;
                    let v = ((t - p) + s) / n as f64;
                    *o = T::from_f64(if n >= minp { v } else { f64::NAN });
                }
            } else {
                for ((o, (&p, &pc)), (&s, &c)) in rows {
                    let n = (tn - pc) + c;
                    let v = (t - p) + s;
                    *o = T::from_f64(if n >= minp { v } else { f64::NAN });
                }
            }
            let cancelled = ps.iter().fold(false, |a, &p| a | cancels(t - p, p));
            if cancelled {
                for (k, o) in os_prev.iter_mut().enumerate() {
                    let e = first + k;
                    if cancels(t - prev.s[e], prev.s[e]) {
                        let n = (tn - prev.n[e]) + cur.n[e];
                        let s = prev.fresh()[e + 1] + cur.s[e];
                        let ok = n >= minp && !(want.mean && n == 0);
                        let v = if want.mean { s / n as f64 } else { s };
                        *o = T::from_f64(if ok { v } else { f64::NAN });
                    }
                }
            }
        }
        let rows = os_cur.iter_mut().zip(&cs[reach..]).zip(&cn[reach..]);
        if want.mean {
            let minp = minp.max(1);
            for ((o, &s), &n) in rows {
                let v = s / n as f64;
                *o = T::from_f64(if n >= minp { v } else { f64::NAN });
            }
        } else {
            for ((o, &s), &n) in rows {
                *o = T::from_f64(if n >= minp { s } else { f64::NAN });
            }
        }
    }
}
