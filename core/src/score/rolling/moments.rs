//! Sum, mean, variance, standard deviation and z-score over a window, from
//! per-block prefix sums.
//!
//! The rows are cut into blocks of `w` rows counted from the first row of
//! the series. For each block the state keeps the prefix sums `P[j]` of its
//! finite values, their counts and (for the variance) their squares. A
//! trailing window of `w` rows ending at offset `e` of block `b` is rows
//! `e + 1..w` of block `b - 1` plus rows `0..=e` of block `b`, so its sums
//! are `T - P[e]` of the previous block (`T` is that block's total) plus
//! `P[e]` of this block. Both parts are sums of at most `w` terms, restarted
//! at every block: no running total is carried from block to block, so
//! errors do not pile up as they do with add/remove updates (pandas,
//! bottleneck).
//!
//! `T - P[e]` cancels when the previous block held values much larger than
//! the part of it left in the window (a spike that has left the window). A
//! row where `|T - P[e]| + |P_cur[e]|` (the magnitude of the window's two
//! parts; with squares, the window's square sum) is below `|P[e]| / 65536`
//! (with squares, `T`'s square sum plus the anchor's move) uses the
//! previous block's suffix sums instead, computed backwards once for that
//! block. So the error a row can inherit from values outside its
//! window stays below about `1e-11` of the window's own part, and a suffix
//! of a few rows that merely sums to nearly nothing costs no fallback.
//!
//! For the variance each block's sums are anchored at `k`, the previous
//! block's last finite value (`d = v - k`), and the previous block's part
//! is moved to this block's anchor (`sum (d + δ)^2 = sum d^2 + δ (2 sum d +
//! n δ)`). Then `n M2 = n sum d^2 - (sum d)^2`; when that subtraction
//! cancels more than four digits (the anchor far from the window's values:
//! after a level shift or an outlier), the row is recomputed exactly by two
//! passes over its window. On 1e9 + N(0, 1) data the rolling variance stays
//! within 1e-12 of an exact reference (plain add/remove, as in pandas and
//! bottleneck, is off by 1e-4).
//!
//! Speed comes from two passes per run of rows in a block: the prefix sums
//! (`quads`: four rows per step in AVX registers, a dependency chain of one
//! add per four rows, counts in `i32`), then every
//! row's window in a loop the compiler vectorizes, divisions included (the
//! variance multiplies by `1 / (n (n - ddof))`, one constant when a window
//! must be full to count, as by pandas' default); the rare rows that need a
//! fallback are redone afterwards by the scalar path, which has the same
//! arithmetic. Infinities (and missing values with
//! `skipna = false`) are counted per prefix too, but only in blocks that
//! hold one; their rows take the scalar path. A row's result depends only
//! on its position in its block and the values of its block and the one
//! before, so a series fed in chunks, or split over threads, gives the same
//! bits.
//!
//! A block's counts are `i32`: a block holds at most `2^31 - 1` rows, far
//! beyond what its per-row arrays (20 to 28 bytes a row) fit in memory.

use super::quads::{self, fin, Carry};
use crate::Float;

/// `2^16`: a part of a window computed as a difference is trusted while it
/// is at least `1 / CANCEL` of the magnitude it was taken from ([`cancels`],
/// [`moved`]).
const CANCEL: f64 = 65536.0;

/// Counts of missing values, +Inf and -Inf, in that order.
type Special = [i32; 3];

/// One block's values and prefix sums; `SQ`: also the sums of squares.
#[derive(Debug, Clone, Default)]
struct Part<const SQ: bool> {
    /// Rows stored (absent rows, past the end of a centered series, are not
    /// stored: they come after every value).
    len: usize,
    /// The anchor: 0 for sums; for squares the block's first finite value
    /// (NaN until known), so that a block's sums depend on its own values
    /// only (a state rebuilt from its last two blocks gives the same bits).
    k: f64,
    /// The values. `vals`, `s`, `q` and `n` are buffers that only grow, so
    /// that a new block writes into memory already mapped: their first
    /// `len` entries are the block's.
    vals: Vec<f64>,
    /// `s[j]`: sum of `d = v - k` over the finite values among `vals[..=j]`,
    /// added in quads from the block's first row (see `quads`).
    s: Vec<f64>,
    /// `q[j]`: the same for `d^2` (only with `SQ`).
    q: Vec<f64>,
    /// `n[j]`: how many of `vals[..=j]` are finite.
    n: Vec<i32>,
    /// Prefix counts of missing values (only with `skipna = false`), +Inf
    /// and -Inf; empty while the block needs none.
    sp: Vec<Special>,
    /// Backward sums of `v - fresh_k` and its square over `vals[j..]`,
    /// computed when a window would cancel (previous block only; empty
    /// until then).
    fresh: Vec<(f64, f64)>,
    fresh_k: f64,
}

impl<const SQ: bool> PartialEq for Part<SQ> {
    /// Equal values give equal sums: the stale tail of the buffers and the
    /// lazily computed backward sums do not count.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.values(), other.values());
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

impl<const SQ: bool> Part<SQ> {
    fn new() -> Self {
        Part {
            k: if SQ { f64::NAN } else { 0.0 },
            ..Part::default()
        }
    }

    /// Empties the block.
    fn clear(&mut self) {
        self.len = 0;
        self.k = if SQ { f64::NAN } else { 0.0 };
        self.sp.clear();
        self.fresh.clear();
    }

    /// The block's values.
    fn values(&self) -> &[f64] {
        &self.vals[..self.len]
    }

    /// Sums, square sums, count and special counts of `vals[..=j]`.
    #[inline(always)]
    fn prefix(&self, j: usize) -> Sums {
        // (`Sums` for `moved`: the same arithmetic on every path.)
        Sums {
            s: self.s[j],
            q: if SQ { self.q[j] } else { 0.0 },
            n: self.n[j],
            sp: self.sp.get(j).copied().unwrap_or_default(),
        }
    }

    /// Appends `x` to the block's values and computes their prefix sums,
    /// with the same arithmetic whatever the block's length was before.
    fn extend<T: Float>(&mut self, x: &[T], skipna: bool) {
        if x.is_empty() {
            return;
        }
        if SQ && self.k.is_nan() {
            // No anchor yet: the block's first finite value.
            let first = x.iter().map(|v| v.to_f64()).find(|v| v.is_finite());
            self.k = first.unwrap_or(f64::NAN);
        }
        let from = self.len;
        let len = from + x.len();
        self.grow(len);
        let k = self.k;
        // Rows are summed in quads counted from the block's first row
        // ([`quads`]), so a quad left partial by this call is recomputed
        // from its first row when the next call completes it, with the
        // same arithmetic.
        let j0 = from & !3;
        let carry = |a: &[f64]| if j0 == 0 { 0.0 } else { a[j0 - 1] };
        let mut c = Carry {
            s: carry(&self.s),
            q: if SQ { carry(&self.q) } else { 0.0 },
            n: if j0 == 0 { 0 } else { self.n[j0 - 1] },
            inf: false,
        };
        let q: &mut [f64] = if SQ { &mut self.q } else { &mut [] };
        let qr = |a, b| if SQ { a..b } else { 0..0 };
        let full = j0 + ((len - j0) & !3);
        if from == j0 {
            // This call starts a quad: the quad pass reads `x` and stores
            // the values itself (a separate copy costs a `memcpy` call per
            // block), then the rows past the last whole quad are stored.
            let split = full - from;
            let out = (
                &mut self.s[from..full],
                &mut q[qr(from, full)],
                &mut self.n[from..full],
            );
            c = quads::quads::<T, SQ>(&x[..split], &mut self.vals[from..full], k, out, c);
            for (v, xv) in self.vals[full..len].iter_mut().zip(&x[split..]) {
                *v = xv.to_f64();
            }
        } else {
            // The values first; the quad pass reads them back from the
            // start of the partial quad.
            for (v, xv) in self.vals[from..len].iter_mut().zip(x) {
                *v = xv.to_f64();
            }
            let out = (
                &mut self.s[j0..full],
                &mut q[qr(j0, full)],
                &mut self.n[j0..full],
            );
            c = quads::quads::<f64, SQ>(&self.vals[j0..full], &mut [], k, out, c);
        }
        if full < len {
            // The partial quad, read as a quad padded with NaN (which adds
            // nothing), of which only its rows are stored.
            let m = len - full;
            let mut v = [f64::NAN; 4];
            v[..m].copy_from_slice(&self.vals[full..len]);
            let (s4, q4, n4) = quads::one::<SQ>(v, k, &mut c);
            self.s[full..len].copy_from_slice(&s4[..m]);
            self.n[full..len].copy_from_slice(&n4[..m]);
            if SQ {
                self.q[full..len].copy_from_slice(&q4[..m]);
            }
        }
        // (The quad pass's tally of infinities may include rows of a
        // partial quad read by an earlier call: had one been infinite, `sp`
        // would not be empty.)
        self.specials(from, skipna, c.inf);
    }

    /// Makes room for `len` rows and sets the length.
    #[inline(always)]
    fn grow(&mut self, len: usize) {
        if self.vals.len() < len {
            self.vals.resize(len, 0.0);
            self.s.resize(len, 0.0);
            self.n.resize(len, 0);
            if SQ {
                self.q.resize(len, 0.0);
            }
        }
        self.len = len;
    }

    /// Computes the counts of the non-finite values of rows `from..` when
    /// the block needs them: once one is an infinity (`inf`: the rows hold
    /// one), or a missing value that is not skipped.
    fn specials(&mut self, from: usize, skipna: bool, inf: bool) {
        let len = self.len;
        let before = if from > 0 { self.n[from - 1] } else { 0 };
        let nonfinite = (len - from) as i32 - (self.n[len - 1] - before);
        let needs_sp = !self.sp.is_empty() || (nonfinite > 0 && (!skipna || inf));
        if needs_sp {
            // Earlier rows held no infinity (nor, without skipna, a missing
            // value): their counts are zero.
            self.sp.resize(from, Special::default());
            let mut acc = if from > 0 {
                self.sp[from - 1]
            } else {
                Special::default()
            };
            for &v in &self.vals[from..len] {
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

    /// The sums of `vals[e + 1..]` (`e + 1 < len`) anchored at `k2`: `T -
    /// P[e]` moved to `k2`, or the backward sums when that cancels; `own`
    /// is the scale of the window's part in the next block ([`Sums::own`]).
    #[inline(always)]
    fn suffix(&mut self, e: usize, k2: f64, own: f64) -> Sums {
        let (t, p) = (self.prefix(self.len - 1), self.prefix(e));
        let (mut s, mut q, n, bad) = moved::<SQ>(&t, &p, self.k, k2, own);
        if bad {
            (s, q) = self.fresh(k2)[e + 1];
        }
        Sums {
            s,
            q,
            n,
            sp: [t.sp[0] - p.sp[0], t.sp[1] - p.sp[1], t.sp[2] - p.sp[2]],
        }
    }

    /// The backward sums anchored at `k2`, computed on first use (and again
    /// if asked for another anchor).
    #[cold]
    fn fresh(&mut self, k2: f64) -> &[(f64, f64)] {
        if self.fresh.is_empty() || self.fresh_k.to_bits() != k2.to_bits() {
            self.fresh_k = k2;
            let mut acc = (0.0, 0.0);
            // The buffer is reused from block to block (cleared, not freed).
            self.fresh.clear();
            self.fresh.resize(self.len + 1, acc);
            let vals = &self.vals[..self.len];
            for (f, &v) in self.fresh.iter_mut().zip(vals).rev() {
                let (a, _) = fin(v, if SQ { v - k2 } else { v });
                acc = (acc.0 + a, acc.1 + a * a);
                *f = acc;
            }
        }
        &self.fresh
    }
}

/// The sums of a block's rows after `P` (total `t`, prefix `p`), moved
/// from the block's anchor `k1` to `k2`: `sum (d + δ)` and `sum (d + δ)^2`
/// with `δ = k1 - k2` (nothing to move for plain sums, or when the block has
/// no finite value). The flag says a subtraction cancelled: the caller then
/// uses the backward sums anchored at `k2` instead.
///
/// For plain sums the test is on `|T - P| + own` (`own` = `|sum|` of the
/// window's part in the next block): the error of `T - P`, a few ulps of
/// `P`, stays below `2^-16` of the window's own values. With squares one
/// test covers everything: the moved square sum is made of `P`'s and `T - P`'s square
/// sums and `n δ^2`, so its error is a few ulps of their total, and the
/// error of the moved sum is bounded by the same terms (`|δ sum d| <=
/// (n δ^2 + sum d^2) / 2`); `T`'s square sum stands for `P`'s plus `T -
/// P`'s, and the scale is taken times `2^-16` (exact) instead of the
/// window's total times `2^16`, so that with one anchor per run of rows
/// most of it is computed once. That error is measured against the square sum
/// of the whole window, `own` (the part in the next block, anchored at
/// `k2`) included: the window's variance is computed from that total, so a
/// suffix of a few rows that nearly vanishes next to `P` is harmless when
/// the rest of the window is not small too. One test instead of three per
/// row keeps the vectorized loop short.
#[inline(always)]
fn moved<const SQ: bool>(t: &Sums, p: &Sums, k1: f64, k2: f64, own: f64) -> (f64, f64, i32, bool) {
    let (a, n) = (t.s - p.s, t.n - p.n);
    if !SQ {
        return (a, 0.0, n, cancels(a.abs() + own, p.s));
    }
    let b = t.q - p.q;
    let delta = if t.n == 0 { 0.0 } else { k1 - k2 };
    let nd = f64::from(n) * delta;
    let q = b + delta * (2.0 * a + nd);
    // The scale's terms are non-negative: no `abs`, and a `q + own` that
    // rounding made negative is flagged too. Times `1 / CANCEL` (exact).
    const LOST: f64 = 1.0 / CANCEL;
    let scale = t.q * LOST + nd * (delta * LOST);
    (a + nd, q, n, q + own < scale)
}

/// The anchor of a window whose part in the current block holds `n`
/// finite values: the current block's, or the previous block's while the
/// current one has none yet.
#[inline(always)]
fn anchor(cur_k: f64, prev_k: f64, n: i32) -> f64 {
    if n > 0 {
        cur_k
    } else {
        prev_k
    }
}

/// Whether `d`, a part of a window computed as `T - P` plus the rest of
/// the window's magnitude, is under `2^-16` of `P`: the digits `T - P` lost
/// to cancellation would then matter.
#[inline(always)]
fn cancels(d: f64, p: f64) -> bool {
    d.abs() * CANCEL < p.abs()
}

/// The magnitude of a window's part with sum `s` and square sum `q`:
/// `|s|`, or `q` with squares.
#[inline(always)]
fn own<const SQ: bool>(s: f64, q: f64) -> f64 {
    if SQ {
        q
    } else {
        s.abs()
    }
}

/// Sums of a run of rows: of `d`, of `d^2`, the finite count and the
/// special counts.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    s: f64,
    q: f64,
    n: i32,
    sp: Special,
}

impl Sums {
    /// The scale a window's part in the next block gives the cancellation
    /// test of its part in the previous one (see [`own`]).
    #[inline(always)]
    fn own<const SQ: bool>(&self) -> f64 {
        own::<SQ>(self.s, self.q)
    }

    fn add(self, o: Sums) -> Sums {
        Sums {
            s: self.s + o.s,
            q: self.q + o.q,
            n: self.n + o.n,
            sp: [
                self.sp[0] + o.sp[0],
                self.sp[1] + o.sp[1],
                self.sp[2] + o.sp[2],
            ],
        }
    }
}

/// Which statistic a window gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stat {
    Sum,
    Mean,
    Var,
    Std,
    /// `(x - mean) / std` of the row's value.
    Zscore,
}

/// The statistic with its options.
#[derive(Debug, Clone, Copy)]
pub(super) struct Want {
    pub stat: Stat,
    /// Values (finite or infinite) a window needs.
    pub minp: usize,
    /// Delta degrees of freedom of var, std and z-score.
    pub ddof: usize,
}

/// `1 / (n (n - ddof))`: the factor from a window's `n M2` to its variance.
#[inline(always)]
fn scale(n: i32, ddof: i32) -> f64 {
    1.0 / (f64::from(n) * f64::from(n - ddof))
}

/// The variance of a window from its anchored sums (`r` = [`scale`]), and
/// whether the row must be recomputed exactly (the subtraction cancelled).
/// `n > ddof`.
#[inline(always)]
fn var_of(s: f64, q: f64, n: i32, r: f64) -> (f64, bool) {
    let nf = f64::from(n);
    let c = s * s;
    let num = nf * q - c;
    // Fewer than four digits cancelled; true when every `d` is zero (`num
    // = c = 0`), false for NaN. A select, not a branch: this runs in a
    // vectorized loop.
    let kept = num * 1e4 >= c;
    let v = num * r;
    (if num > 0.0 { v } else { 0.0 }, !kept)
}

/// `(xi - mean) / std` of a window with anchored sum `s` of `n` values and
/// variance `v`; NaN when the variance is 0 (a window of identical values).
#[inline(always)]
fn zscore(xi: f64, k: f64, s: f64, n: i32, v: f64) -> f64 {
    let z = (xi - (k + s / f64::from(n))) / v.sqrt();
    if v > 0.0 {
        z
    } else {
        f64::NAN
    }
}

/// Rolling moments state; `SQ` for var, std and z-score.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Moments<const SQ: bool> {
    w: usize,
    skipna: bool,
    /// Offset of the next row inside the current block.
    off: usize,
    cur: Part<SQ>,
    /// The previous complete block (empty before the second block).
    prev: Part<SQ>,
}

impl<const SQ: bool> Moments<SQ> {
    pub(super) fn new(w: usize, skipna: bool) -> Self {
        Moments {
            w,
            skipna,
            off: 0,
            cur: Part::new(),
            prev: Part::new(),
        }
    }

    /// The values that rebuild this state when replayed from a fresh one:
    /// the previous block (so the replay starts on a block boundary, where
    /// a row's arithmetic is fixed) and the current one.
    pub(super) fn replay(&self) -> Vec<f64> {
        let (a, b) = (self.prev.values(), self.cur.values());
        a.iter().chain(b).copied().collect()
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

    /// The statistic of the window ending at the last pushed (or absent)
    /// row; `xi` is the value the z-score is taken of.
    pub(super) fn value(&mut self, want: Want, xi: f64) -> f64 {
        self.row(self.off - 1, want, xi)
    }

    /// The sums of the window ending at offset `e` of the current block,
    /// and their anchor.
    #[inline(always)]
    fn window(&mut self, e: usize) -> (Sums, f64) {
        let cur = match self.cur.len {
            0 => Sums::default(),
            len => self.cur.prefix(e.min(len - 1)),
        };
        let k2 = anchor(self.cur.k, self.prev.k, cur.n);
        if e + 1 < self.prev.len {
            (self.prev.suffix(e, k2, cur.own::<SQ>()).add(cur), k2)
        } else {
            (cur, k2)
        }
    }

    /// The statistic of the window ending at offset `e`: the general path.
    fn row(&mut self, e: usize, want: Want, xi: f64) -> f64 {
        let (win, k2) = self.window(e);
        let [nan, pinf, ninf] = win.sp;
        let n = win.n;
        let present = n as usize + pinf as usize + ninf as usize;
        if present < want.minp || nan > 0 {
            return f64::NAN;
        }
        let inf = match (pinf > 0, ninf > 0) {
            (false, false) => None,
            (true, true) => Some(f64::NAN),
            (true, false) => Some(f64::INFINITY),
            (false, true) => Some(f64::NEG_INFINITY),
        };
        match want.stat {
            Stat::Sum => inf.unwrap_or(win.s),
            Stat::Mean if present == 0 => f64::NAN,
            Stat::Mean => inf.unwrap_or(win.s * (1.0 / f64::from(n))),
            Stat::Var | Stat::Std | Stat::Zscore => {
                if inf.is_some() || n as usize <= want.ddof {
                    return f64::NAN;
                }
                let ddof = want.ddof as i32;
                let (mut v, redo) = var_of(win.s, win.q, n, scale(n, ddof));
                if redo {
                    v = self.exact_var(e, ddof);
                }
                match want.stat {
                    Stat::Var => v,
                    Stat::Std => v.sqrt(),
                    _ => zscore(xi, k2, win.s, n, v),
                }
            }
        }
    }

    /// The variance of the window ending at offset `e` by two passes over
    /// its values (0 when its finite values are all equal).
    #[cold]
    fn exact_var(&self, e: usize, ddof: i32) -> f64 {
        let cur = self.cur.values();
        let older = self.prev.values().get(e + 1..).unwrap_or(&[]);
        let newer = &cur[..(e + 1).min(cur.len())];
        let fin = || older.iter().chain(newer).copied().filter(|v| v.is_finite());
        let (n, s) = fin().fold((0i32, 0.0f64), |(n, s), v| (n + 1, s + v));
        let first = fin().next().unwrap_or(0.0);
        if n <= ddof || fin().all(|v| v == first) {
            return 0.0;
        }
        let m = s / f64::from(n);
        let (s1, s2) = fin().fold((0.0f64, 0.0f64), |(a, b), v| {
            let d = v - m;
            (a + d, b + d * d)
        });
        let m2 = s2 - s1 * s1 / f64::from(n);
        if m2 > 0.0 {
            m2 / f64::from(n - ddof)
        } else {
            0.0
        }
    }

    /// Pushes every `x[i]` and writes the statistic of the window ending
    /// there (with `xo[i]` as the z-scored value) into `out[i]`.
    pub(super) fn run<T: Float>(&mut self, x: &[T], xo: &[T], out: &mut [T], want: Want) {
        let mut i = 0;
        while i < x.len() {
            self.next_slot();
            let seg = (self.w - self.off).min(x.len() - i);
            let first = self.cur.len;
            self.cur.extend(&x[i..i + seg], self.skipna);
            let (os, xos) = (&mut out[i..i + seg], &xo[i..i + seg]);
            if self.cur.sp.is_empty() && self.prev.sp.is_empty() {
                self.fast_rows(first, os, xos, want);
            } else {
                for (t, (o, xi)) in os.iter_mut().zip(xos).enumerate() {
                    *o = T::from_f64(self.row(first + t, want, xi.to_f64()));
                }
            }
            self.off += seg;
            i += seg;
        }
    }

    /// Rows `first..` of the current block (all data, no infinity in
    /// reach, missing values skipped): every window in a loop that
    /// vectorizes, then the rows that need a fallback again by `row`.
    fn fast_rows<T: Float>(&mut self, first: usize, os: &mut [T], xos: &[T], want: Want) {
        let end = first + os.len();
        // Offsets whose window reaches into the previous block.
        let reach = self.prev.len.saturating_sub(1).clamp(first, end) - first;
        let minp = want.minp.min(i32::MAX as usize) as i32;
        let ddof = want.ddof.min(i32::MAX as usize) as i32;
        let (cur, prev) = (&self.cur, &self.prev);
        let t = prev.len.checked_sub(1).map(|l| prev.prefix(l));
        let t = t.unwrap_or_default();
        let mut flags = 0u64;
        let w = self.w.min(i32::MAX as usize) as i32;
        // One pair of loops per statistic (windows reaching into the
        // previous block, then the others), each free of branches.
        macro_rules! each {
            (|$s:ident, $q:ident, $n:ident, $k:ident, $xi:ident| $body:expr) => {{
                let (near, far) = os.split_at_mut(reach);
                // The rows before the block's first finite value keep the
                // previous block's anchor, the others take this block's
                // ([`anchor`]): one anchor per run, so the loop hoists
                // everything computed from it.
                let counts = &cur.n[first..first + reach];
                let z = match counts.first() {
                    Some(&c) if c == 0 => counts.partition_point(|&c| c == 0),
                    _ => 0,
                };
                let (early, late) = near.split_at_mut(z);
                for (run, from, k2) in [(early, 0, prev.k), (late, z, cur.k)] {
                    for (r, (o, xi)) in run.iter_mut().zip(&xos[from..]).enumerate() {
                        let e = first + from + r;
                        let p = Sums {
                            s: prev.s[e],
                            q: if SQ { prev.q[e] } else { 0.0 },
                            n: prev.n[e],
                            sp: Special::default(),
                        };
                        let q = if SQ { cur.q[e] } else { 0.0 };
                        let own = own::<SQ>(cur.s[e], q);
                        let (a, b, n1, bad) = moved::<SQ>(&t, &p, prev.k, k2, own);
                        flags += u64::from(bad);
                        let $s = cur.s[e] + a;
                        let $q = if SQ { cur.q[e] + b } else { 0.0 };
                        let $n = cur.n[e] + n1;
                        let $k = k2;
                        let $xi = xi.to_f64();
                        *o = T::from_f64($body);
                    }
                }
                for (r, (o, xi)) in far.iter_mut().zip(&xos[reach..]).enumerate() {
                    let e = first + reach + r;
                    let $s = cur.s[e];
                    let $q = if SQ { cur.q[e] } else { 0.0 };
                    let $n = cur.n[e];
                    let $k = anchor(cur.k, prev.k, $n);
                    let $xi = xi.to_f64();
                    *o = T::from_f64($body);
                }
            }};
        }
        match want.stat {
            Stat::Sum => {
                each!(|s, _q, n, _k, _xi| if n >= minp { s } else { f64::NAN });
            }
            Stat::Mean => {
                // `sum * (1 / n)`; one constant `1 / w` when a window must
                // be full to count (see the variance below).
                let minp = minp.max(1);
                macro_rules! mean_each {
                    (|$s:ident, $n:ident| $r:expr) => {
                        each!(|$s, _q, $n, _k, _xi| {
                            let m = $s * $r;
                            if $n >= minp {
                                m
                            } else {
                                f64::NAN
                            }
                        })
                    };
                }
                if minp >= w {
                    let rw = 1.0 / f64::from(w);
                    mean_each!(|s, n| rw);
                } else {
                    mean_each!(|s, n| (1.0 / f64::from(n)));
                }
            }
            stat => {
                let minp = minp.max(ddof.saturating_add(1));
                let minp_f = f64::from(minp);
                // When a window needs at least `w` values (pandas' default),
                // every row it keeps holds `w`: one scale for all of them,
                // and no division per row (the general loop divides, then
                // multiplies; the same bits either way).
                let full = minp >= w;
                let rw = scale(w, ddof);
                // One loop per statistic; `flags` counts the rows to redo.
                macro_rules! var_each {
                    (|$v:ident, $s:ident, $n:ident, $k:ident, $xi:ident| $out:expr) => {
                        if full {
                            var_each!(@ rw, |$v, $s, $n, $k, $xi| $out)
                        } else {
                            var_each!(@ scale($n, ddof), |$v, $s, $n, $k, $xi| $out)
                        }
                    };
                    (@ $r:expr, |$v:ident, $s:ident, $n:ident, $k:ident, $xi:ident| $out:expr) => {
                        each!(|$s, q, $n, $k, $xi| {
                            let ($v, r) = var_of($s, q, $n, $r);
                            // Compared as `f64`, as `var_of` converts it: a
                            // mask in the vector loop's own lanes.
                            let ok = f64::from($n) >= minp_f;
                            flags += u64::from(r & ok);
                            if ok {
                                $out
                            } else {
                                f64::NAN
                            }
                        })
                    };
                }
                match stat {
                    Stat::Var => var_each!(|v, _s, _n, _k, _xi| v),
                    Stat::Std => var_each!(|v, _s, _n, _k, _xi| v.sqrt()),
                    _ => var_each!(|v, s, n, k2, xi| zscore(xi, k2, s, n, v)),
                }
            }
        }
        if flags > 0 {
            self.fix(first, os, xos, want);
        }
    }

    /// Redoes by `row` the rows `first..` whose fast result is not the
    /// general path's ([`Self::needs_row`]).
    #[cold]
    fn fix<T: Float>(&mut self, first: usize, os: &mut [T], xos: &[T], want: Want) {
        for (r, (o, xi)) in os.iter_mut().zip(xos).enumerate() {
            let e = first + r;
            if self.needs_row(e, e + 1 < self.prev.len, want) {
                *o = T::from_f64(self.row(e, want, xi.to_f64()));
            }
        }
    }

    /// Whether the fast loop's result for offset `e` is not the general
    /// path's (a cancelling suffix, or a variance to recompute exactly).
    #[cold]
    fn needs_row(&self, e: usize, reaches: bool, want: Want) -> bool {
        let (cur, prev) = (&self.cur, &self.prev);
        let mut win = cur.prefix(e);
        if reaches {
            let (t, p) = (prev.prefix(prev.len - 1), prev.prefix(e));
            let k2 = anchor(cur.k, prev.k, win.n);
            let (a, b, n1, bad) = moved::<SQ>(&t, &p, prev.k, k2, win.own::<SQ>());
            if bad {
                return true;
            }
            win.s += a;
            win.q += b;
            win.n += n1;
        }
        let ddof = want.ddof.min(i32::MAX as usize) as i32;
        let minp = want.minp.min(i32::MAX as usize) as i32;
        SQ && win.n >= minp.max(ddof.saturating_add(1))
            && var_of(win.s, win.q, win.n, scale(win.n, ddof)).1
    }
}
