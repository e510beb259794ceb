//! Variance, standard deviation and z-score over a window (sum and mean:
//! `sums.rs`).
//!
//! The rows are cut into blocks of `w` rows counted from the first row of
//! the series. A trailing window of `w` rows ending at offset `o` of block
//! `b` is the *suffix* of block `b - 1` from offset `o + 1` plus the *prefix*
//! of block `b` up to `o`. The prefix sums grow row by row from the block's
//! start; the suffix sums of a block are computed once, backwards, when the
//! block is complete. Every window's statistic is therefore a combination of
//! two fresh sums of at most `w` terms each: no running total is carried
//! from one window to the next, so nothing drifts and nothing needs a
//! periodic recompute. The per-row work is a few adds, a multiply and a
//! table lookup (`1 / n`): no division.
//!
//! Both parts are anchored at the same value `k`, the
//! previous block's last finite value (`d = v - k`), so they add directly,
//! and `M2 = sum(d^2) - sum(d)^2 / n`. When that subtraction would cancel
//! more than four digits (the anchor far from the window's values: after a
//! level shift or an outlier), the row is recomputed exactly by two passes
//! over the window. On 1e9 + N(0, 1) data the rolling variance stays within
//! 1e-12 of an exact reference (plain add/remove, as in pandas and
//! bottleneck, is off by 1e-4).
//!
//! Infinities and NaN are counted apart, so a window recovers when an
//! infinity leaves it. The arithmetic of a row depends only on
//! its position in its block, so a series fed in chunks gives the same bits
//! as one call.

use crate::Float;

/// Count and anchored sums of the finite values of a run of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Fin {
    n: usize,
    /// Sum of `v - k`.
    s1: f64,
    /// Sum of `(v - k)^2`.
    s2: f64,
}

/// Counts of the non-finite values of a run of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Special {
    nan: usize,
    pinf: usize,
    ninf: usize,
}

/// The previous complete block: its values and its suffix sums, one entry
/// per offset `j` (rows `j..w`), anchored at `k`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Suffix {
    vals: Vec<f64>,
    fin: Vec<Fin>,
    /// Empty when the block holds only finite values.
    special: Vec<Special>,
    k: f64,
    any_inf: bool,
}

/// Running moments of a window: count, anchored sum and sum of squares.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Moments {
    w: usize,
    /// Offset of the next row inside the current block.
    off: usize,
    /// The current block's values so far. Absent rows (the end of a
    /// centered window moving past the data) come after every value and
    /// are not stored: offsets `cur.len()..off` are absent.
    cur: Vec<f64>,
    /// The anchor of the current block (NaN until known).
    k: f64,
    pre: Fin,
    pre_sp: Special,
    /// The previous complete block, if any.
    prev: Option<Suffix>,
    /// Length of the run of identical non-missing values ending here, and
    /// that value (a window of identical values has variance exactly 0).
    same: usize,
    last: f64,
    /// `inv[n] = 1 / n` for the counts a window can reach so far.
    inv: Vec<f64>,
    /// Whether missing values are skipped (else they make a window NaN).
    skipna: bool,
}

/// Which statistic a window gives, with its options.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stat {
    Var {
        minp: usize,
        skipna: bool,
        ddof: usize,
    },
    Std {
        minp: usize,
        skipna: bool,
        ddof: usize,
    },
    Zscore {
        minp: usize,
        skipna: bool,
        ddof: usize,
    },
}

impl Stat {
    fn skipna(self) -> bool {
        match self {
            Stat::Var { skipna, .. } | Stat::Std { skipna, .. } | Stat::Zscore { skipna, .. } => {
                skipna
            }
        }
    }
}

/// One window as the statistics see it.
struct Win<'a> {
    fin: Fin,
    sp: Special,
    k: f64,
    same: usize,
    /// The window's values for an exact recompute: `older[j..]` (the
    /// previous block's) and `newer[..end]` (this block's).
    older: &'a [f64],
    j: usize,
    newer: &'a [f64],
    end: usize,
}

impl Moments {
    pub(super) fn new(w: usize, skipna: bool) -> Self {
        Moments {
            skipna,
            w,
            off: 0,
            cur: Vec::new(),
            k: f64::NAN,
            pre: Fin::default(),
            pre_sp: Special::default(),
            prev: None,
            same: 0,
            last: f64::NAN,
            inv: Vec::new(),
        }
    }

    /// Makes `inv` cover every count a window can reach after `more` rows.
    fn grow_inv(&mut self, more: usize) {
        let seen = self.cur.len() + self.prev.as_ref().map_or(0, |p| p.vals.len());
        let need = (seen + more).min(self.w) + 1;
        let have = self.inv.len();
        if need > have {
            // inv[0] = 1/0 = +Inf is never read: a window with no value
            // returns before dividing.
            self.inv.extend((have..need).map(|n| 1.0 / n as f64));
        }
    }

    /// Adds the next row (no output).
    pub(super) fn push(&mut self, v: f64) {
        let mut out = [0.0f64];
        // Never enough values: no statistic is computed.
        let stat = Stat::Var {
            minp: usize::MAX,
            skipna: true,
            ddof: 0,
        };
        self.run(&[v], &[v], &mut out, stat);
    }

    /// The values to replay into a fresh state to rebuild this one: the
    /// previous block (so the replay starts on a block boundary, where the
    /// arithmetic of every row is fixed) and the current one.
    pub(super) fn replay(&self) -> Vec<f64> {
        let prev = self.prev.as_ref().map_or(&[][..], |p| &p.vals[..]);
        prev.iter().chain(&self.cur).copied().collect()
    }

    /// Moves the window's end one row past the data (centered windows).
    pub(super) fn push_absent(&mut self) {
        self.next_slot();
        self.off += 1;
    }

    /// Starts a new block when the current one is full.
    #[inline(always)]
    fn next_slot(&mut self) {
        if self.off == self.w {
            self.close_block();
        }
    }

    /// Computes the finished block's suffix sums, keeps its values, and
    /// starts an empty block anchored at its last finite value.
    #[cold]
    fn close_block(&mut self) {
        let w = self.w;
        let mut sfx = self.prev.take().unwrap_or_default();
        std::mem::swap(&mut sfx.vals, &mut self.cur);
        self.cur.clear();
        let vals = &sfx.vals[..];
        let n = vals.len();
        let k = vals
            .iter()
            .rev()
            .copied()
            .find(|v| v.is_finite())
            .unwrap_or(f64::NAN);
        sfx.k = k;
        // No early exit: these folds vectorize.
        sfx.any_inf = vals.iter().fold(false, |a, v| a | v.is_infinite());
        let any_nan = vals.iter().fold(false, |a, v| a | v.is_nan());
        if sfx.fin.len() != w {
            sfx.fin.resize(w, Fin::default());
        }
        sfx.fin[n..].fill(Fin::default());
        // Counts of NaN and infinities are read only by windows that can
        // hold an infinity or that do not skip NaN.
        let need_special = sfx.any_inf || (any_nan && !self.skipna);
        sfx.special.clear();
        if need_special {
            sfx.special.resize(w, Special::default());
            let mut sp = Special::default();
            for j in (0..n).rev() {
                let v = vals[j];
                if v.is_nan() {
                    sp.nan += 1;
                } else if v == f64::INFINITY {
                    sp.pinf += 1;
                } else if v == f64::NEG_INFINITY {
                    sp.ninf += 1;
                }
                sfx.special[j] = sp;
            }
        }
        // Backwards, two rows at a time, so that the running sums' dependency
        // chain has one add per pair.
        // `v - v == 0` is `v.is_finite()`; written so because LLVM compiles
        // `is_finite` here to an AVX "not equal" compare that valgrind 3.19
        // emulates wrongly for NaN, which hid value checks under valgrind.
        #[allow(clippy::eq_op)] // `v - v` on purpose (see above)
        let d = |v: f64| if v - v == 0.0 { (1, v - k) } else { (0, 0.0) };
        let mut acc = Fin::default();
        let fins = &mut sfx.fin[..n];
        let mut pairs = fins.rchunks_exact_mut(2);
        let mut vpairs = vals.rchunks_exact(2);
        for (f, v) in (&mut pairs).zip(&mut vpairs) {
            let ((na, a), (nb, b)) = (d(v[1]), d(v[0]));
            f[1] = Fin {
                n: acc.n + na,
                s1: acc.s1 + a,
                s2: acc.s2 + a * a,
            };
            acc = Fin {
                n: acc.n + na + nb,
                s1: acc.s1 + (a + b),
                s2: acc.s2 + (a * a + b * b),
            };
            f[0] = acc;
        }
        if let (Some(f0), Some(&v0)) = (
            pairs.into_remainder().first_mut(),
            vpairs.remainder().first(),
        ) {
            let (na, a) = d(v0);
            *f0 = Fin {
                n: acc.n + na,
                s1: acc.s1 + a,
                s2: acc.s2 + a * a,
            };
        }
        self.k = k;
        self.prev = Some(sfx);
        self.off = 0;
        self.pre = Fin::default();
        self.pre_sp = Special::default();
    }

    /// The statistic of the window ending at the last pushed (or absent) row;
    /// `xi` is the value the z-score is taken of.
    pub(super) fn value(&mut self, stat: Stat, xi: f64) -> f64 {
        let (w, off) = (self.w, self.off);
        let mut win = Win {
            fin: self.pre,
            sp: self.pre_sp,
            k: self.k,
            same: self.same,
            older: &[],
            j: 0,
            newer: &self.cur,
            end: self.cur.len(),
        };
        if let Some(sfx) = self.prev.as_ref().filter(|_| off < w) {
            add_suffix(&mut win, sfx, off);
        }
        stat_of(stat, &win, &self.inv, xi)
    }

    /// Pushes `x[i]` and writes the statistic of the window ending there
    /// (with `xo[i]` as the z-scored value) into `out[i]`, for every `i`.
    pub(super) fn run<T: Float>(&mut self, x: &[T], xo: &[T], out: &mut [T], stat: Stat) {
        let w = self.w;
        let mut i = 0;
        while i < x.len() {
            self.next_slot();
            let seg = (w - self.off).min(x.len() - i);
            // The table pays off over many rows; `recip` computes the same
            // `1 / n` on the fly when it is missing (same bits).
            if seg >= 64 {
                self.grow_inv(seg);
            }
            let (xs, xos) = (&x[i..i + seg], &xo[i..i + seg]);
            let first = self.cur.len();
            self.cur.extend(xs.iter().map(|v| v.to_f64()));
            if self.k.is_nan() {
                // No anchor yet: the block's first finite value.
                self.k = self.cur[first..]
                    .iter()
                    .copied()
                    .find(|v| v.is_finite())
                    .unwrap_or(f64::NAN);
            }
            let seg_inf = self.cur[first..]
                .iter()
                .fold(false, |a, v| a | v.is_infinite());
            let fast = stat.skipna()
                && !seg_inf
                && self.pre_sp.pinf + self.pre_sp.ninf == 0
                && !self.prev.as_ref().is_some_and(|p| p.any_inf);
            let os = &mut out[i..i + seg];
            if fast {
                self.segment::<T, true>(first, xos, os, stat);
            } else {
                self.segment::<T, false>(first, xos, os, stat);
            }
            i += seg;
        }
    }

    /// Rows `cur[first..]` of the current block (already stored): prefix
    /// sums in registers, suffix sums read in step, one output per row.
    /// `FAST`: no infinity anywhere in reach and `skipna`, so only finite
    /// values and NaN occur (the same arithmetic as the general path).
    fn segment<T: Float, const FAST: bool>(
        &mut self,
        first: usize,
        xos: &[T],
        os: &mut [T],
        stat: Stat,
    ) {
        macro_rules! go {
            ($f:expr) => {
                self.segment_with::<T, FAST>(first, xos, os, $f)
            };
        }
        // One monomorphic loop per statistic.
        match stat {
            Stat::Var { minp, skipna, ddof } => {
                go!(|w: &Win, inv: &[f64], _| var(w, minp, skipna, ddof, inv))
            }
            Stat::Std { minp, skipna, ddof } => {
                go!(|w: &Win, inv: &[f64], _| var(w, minp, skipna, ddof, inv).sqrt())
            }
            Stat::Zscore { minp, skipna, ddof } => {
                go!(|w: &Win, inv: &[f64], xi| zscore(w, xi, minp, skipna, ddof, inv))
            }
        }
    }

    #[inline(always)]
    fn segment_with<T: Float, const FAST: bool>(
        &mut self,
        first: usize,
        xos: &[T],
        os: &mut [T],
        stat: impl Fn(&Win, &[f64], f64) -> f64,
    ) {
        let w = self.w;
        let k = self.k;
        let (mut fin, mut sp, mut same, mut last) = (self.pre, self.pre_sp, self.same, self.last);
        let cur = &self.cur[..];
        let inv = &self.inv[..];
        let off0 = self.off;
        // One row into the prefix (a macro: it updates four locals).
        macro_rules! step {
            ($v:expr) => {{
                let v: f64 = $v;
                if v.is_finite() {
                    fin.n += 1;
                    let d = v - k;
                    fin.s1 += d;
                    fin.s2 += d * d;
                } else if FAST || v.is_nan() {
                    sp.nan += 1;
                } else if v > 0.0 {
                    sp.pinf += 1;
                } else {
                    sp.ninf += 1;
                }
                if !v.is_nan() {
                    if v == last {
                        same += 1;
                    } else {
                        same = 1;
                        last = v;
                    }
                }
            }};
        }
        let seg = cur.len() - first;
        // Rows whose window reaches back into the previous block (offsets
        // below w - 1), then at most one row whose window is this block.
        let with_sfx = match &self.prev {
            Some(_) => seg.min((w - 1).saturating_sub(off0)),
            None => 0,
        };
        if let Some(sfx) = &self.prev {
            let rows = &sfx.fin[off0 + 1..off0 + 1 + with_sfx];
            let vs = &cur[first..first + with_sfx];
            for (t, (((xov, o), r), &v)) in
                xos.iter().zip(os.iter_mut()).zip(rows).zip(vs).enumerate()
            {
                let idx = first + t;
                step!(v);
                let j = off0 + t + 1;
                let mut wsp = sp;
                if !FAST {
                    // (FAST windows hold no infinity and skip NaN: the
                    // statistics never look at these counts.)
                    if let Some(s) = sfx.special.get(j) {
                        wsp.nan += s.nan;
                        wsp.pinf += s.pinf;
                        wsp.ninf += s.ninf;
                    }
                }
                let win = Win {
                    fin: Fin {
                        n: fin.n + r.n,
                        s1: fin.s1 + r.s1,
                        s2: fin.s2 + r.s2,
                    },
                    sp: wsp,
                    k,
                    same,
                    older: &sfx.vals,
                    j,
                    newer: cur,
                    end: idx + 1,
                };
                *o = T::from_f64(stat(&win, inv, xov.to_f64()));
            }
        }
        let rest = xos.iter().zip(os.iter_mut()).zip(&cur[first..]);
        for (t, ((xov, o), &v)) in rest.enumerate().skip(with_sfx) {
            let idx = first + t;
            step!(v);
            let win = Win {
                fin,
                sp,
                k,
                same,
                older: &[],
                j: 0,
                newer: cur,
                end: idx + 1,
            };
            *o = T::from_f64(stat(&win, inv, xov.to_f64()));
        }
        self.pre = fin;
        self.pre_sp = sp;
        self.same = same;
        self.last = last;
        self.off += seg;
    }
}

/// Adds the previous block's suffix from offset `j` to a window.
fn add_suffix<'a>(win: &mut Win<'a>, sfx: &'a Suffix, j: usize) {
    let r = sfx.fin[j];
    win.fin.n += r.n;
    win.fin.s1 += r.s1;
    win.fin.s2 += r.s2;
    if let Some(s) = sfx.special.get(j) {
        win.sp.nan += s.nan;
        win.sp.pinf += s.pinf;
        win.sp.ninf += s.ninf;
    }
    win.older = &sfx.vals;
    win.j = j;
}

fn stat_of(stat: Stat, w: &Win, inv: &[f64], xi: f64) -> f64 {
    match stat {
        Stat::Var { minp, skipna, ddof } => var(w, minp, skipna, ddof, inv),
        Stat::Std { minp, skipna, ddof } => var(w, minp, skipna, ddof, inv).sqrt(),
        Stat::Zscore { minp, skipna, ddof } => zscore(w, xi, minp, skipna, ddof, inv),
    }
}

/// Too few values, or a missing one with `skipna = false`.
#[inline(always)]
fn blocked(w: &Win, minp: usize, skipna: bool) -> bool {
    w.fin.n + w.sp.pinf + w.sp.ninf < minp || (!skipna && w.sp.nan > 0)
}

/// `1 / n` from the table (it covers every reachable count).
#[inline(always)]
fn recip(inv: &[f64], n: usize) -> f64 {
    inv.get(n).copied().unwrap_or(1.0 / n as f64)
}

#[inline(always)]
fn var(w: &Win, minp: usize, skipna: bool, ddof: usize, inv: &[f64]) -> f64 {
    let n = w.fin.n;
    if blocked(w, minp, skipna) || w.sp.pinf + w.sp.ninf > 0 || n <= ddof {
        return f64::NAN;
    }
    if w.same >= n {
        return 0.0;
    }
    let c = w.fin.s1 * w.fin.s1 * recip(inv, n);
    let mut m2 = w.fin.s2 - c;
    let kept_digits = m2 * 1e4 > c; // false for NaN too
    if !kept_digits {
        // The anchor is far from the values: recompute exactly.
        m2 = exact_m2(&w.older[w.j.min(w.older.len())..], &w.newer[..w.end]);
    }
    if m2 > 0.0 {
        m2 * recip(inv, n - ddof)
    } else {
        0.0
    }
}

/// `(xi - mean) / std` of the window.
#[inline(always)]
fn zscore(w: &Win, xi: f64, minp: usize, skipna: bool, ddof: usize, inv: &[f64]) -> f64 {
    let v = var(w, minp, skipna, ddof, inv);
    if v.is_nan() {
        return f64::NAN;
    }
    let mean = w.k + w.fin.s1 * recip(inv, w.fin.n);
    (xi - mean) / v.sqrt()
}

/// Sum of squared deviations from the mean of the finite values, by two
/// passes (the second around the first pass's mean).
#[cold]
fn exact_m2(older: &[f64], newer: &[f64]) -> f64 {
    let fin = || older.iter().chain(newer).copied().filter(|v| v.is_finite());
    let (n, s) = fin().fold((0usize, 0.0f64), |(n, s), v| (n + 1, s + v));
    if n == 0 {
        return 0.0;
    }
    let m = s / n as f64;
    let (s1, s2) = fin().fold((0.0f64, 0.0f64), |(a, b), v| {
        let d = v - m;
        (a + d, b + d * d)
    });
    s2 - s1 * s1 / n as f64
}
