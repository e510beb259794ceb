//! Rolling minimum and maximum in O(1) per row, branch-free (van Herk /
//! Gil-Werman).
//!
//! As for the moments, rows are cut into blocks of `w` rows counted from the
//! first row; the window ending at offset `o` of a block is the previous
//! block's suffix from `o + 1` plus this block's prefix up to `o`. The
//! prefix extreme grows row by row; the suffix extremes of a block are
//! computed once, backwards, when it is complete. The window's extreme is the
//! extreme of the two: three operations per row, no deque, no branches.
//! Extremes are exact, so the result does not depend on how the series is
//! chunked.

use crate::Float;

/// Count of present values, count of NaN and the extreme of a run of rows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ext {
    obs: usize,
    nan: usize,
    best: f64,
}

const EMPTY: Ext = Ext {
    obs: 0,
    nan: 0,
    best: f64::NAN,
};

/// Candidates for the window's extreme. `MAX` selects the maximum, else the
/// minimum.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MinMax<const MAX: bool> {
    w: usize,
    /// Offset of the next row inside the current block.
    off: usize,
    /// The current block's values (absent rows, at the end of a centered
    /// window, are not stored).
    cur: Vec<f64>,
    pre: Ext,
    /// The previous complete block's suffix extremes, one per offset.
    prev: Option<Vec<Ext>>,
    /// The previous complete block's values (for a state's snapshot).
    prev_vals: Vec<f64>,
}

/// The extreme of two values, ignoring NaN (NaN only when both are NaN).
#[inline(always)]
fn pick<const MAX: bool>(a: f64, b: f64) -> f64 {
    if MAX {
        a.max(b)
    } else {
        a.min(b)
    }
}

impl Ext {
    #[inline(always)]
    fn add<const MAX: bool>(self, v: f64) -> Ext {
        let nan = v.is_nan();
        Ext {
            obs: self.obs + usize::from(!nan),
            nan: self.nan + usize::from(nan),
            best: pick::<MAX>(self.best, v),
        }
    }

    #[inline(always)]
    fn join<const MAX: bool>(self, o: &Ext) -> Ext {
        Ext {
            obs: self.obs + o.obs,
            nan: self.nan + o.nan,
            best: pick::<MAX>(self.best, o.best),
        }
    }

    #[inline(always)]
    fn value(&self, minp: usize, skipna: bool) -> f64 {
        if self.obs < minp || self.obs == 0 || (!skipna && self.nan > 0) {
            f64::NAN
        } else {
            self.best
        }
    }
}

impl<const MAX: bool> MinMax<MAX> {
    pub(super) fn new(w: usize) -> Self {
        MinMax {
            w,
            off: 0,
            cur: Vec::new(),
            pre: EMPTY,
            prev: None,
            prev_vals: Vec::new(),
        }
    }

    /// Adds the next row (no output).
    pub(super) fn push(&mut self, v: f64) {
        let mut out = [0.0f64];
        self.run(&[v], &mut out, 0, true);
    }

    /// Moves the window's end one row past the data (centered windows).
    pub(super) fn push_absent(&mut self) {
        self.next_slot();
        self.off += 1;
    }

    #[inline(always)]
    fn next_slot(&mut self) {
        if self.off == self.w {
            self.close_block();
        }
    }

    /// The finished block's suffix extremes; starts an empty block.
    #[cold]
    fn close_block(&mut self) {
        let w = self.w;
        let mut sfx = self.prev.take().unwrap_or_default();
        sfx.clear();
        sfx.resize(w, EMPTY);
        let mut acc = EMPTY;
        for (j, s) in sfx.iter_mut().enumerate().rev() {
            if let Some(&v) = self.cur.get(j) {
                acc = acc.add::<MAX>(v);
            }
            *s = acc;
        }
        self.prev = Some(sfx);
        std::mem::swap(&mut self.prev_vals, &mut self.cur);
        self.cur.clear();
        self.off = 0;
        self.pre = EMPTY;
    }

    /// The values to replay into a fresh state to rebuild this one: the
    /// previous block (so the replay starts on a block boundary) and the
    /// current one.
    pub(super) fn replay(&self) -> Vec<f64> {
        let prev = if self.prev.is_some() {
            &self.prev_vals[..]
        } else {
            &[]
        };
        prev.iter().chain(&self.cur).copied().collect()
    }

    /// The statistic of the window ending at the last pushed (or absent) row.
    pub(super) fn value(&self, minp: usize, skipna: bool) -> f64 {
        match &self.prev {
            Some(sfx) if self.off < self.w => self.pre.join::<MAX>(&sfx[self.off]),
            _ => self.pre,
        }
        .value(minp, skipna)
    }

    /// Pushes `x[i]` and writes the window's extreme into `out[i]`.
    pub(super) fn run<T: Float>(&mut self, x: &[T], out: &mut [T], minp: usize, skipna: bool) {
        let w = self.w;
        let mut i = 0;
        while i < x.len() {
            self.next_slot();
            let seg = (w - self.off).min(x.len() - i);
            let first = self.cur.len();
            self.cur.extend(x[i..i + seg].iter().map(|v| v.to_f64()));
            let vals = &self.cur[first..];
            let os = &mut out[i..i + seg];
            let mut p = self.pre;
            let off0 = self.off;
            // Rows whose window reaches into the previous block, then the
            // block's last row.
            let with_sfx = match &self.prev {
                Some(_) => seg.min((w - 1).saturating_sub(off0)),
                None => 0,
            };
            if let Some(sfx) = &self.prev {
                let rows = &sfx[off0 + 1..off0 + 1 + with_sfx];
                for ((o, &v), r) in os.iter_mut().zip(vals).zip(rows) {
                    p = p.add::<MAX>(v);
                    *o = T::from_f64(p.join::<MAX>(r).value(minp, skipna));
                }
            }
            for (o, &v) in os.iter_mut().zip(vals).skip(with_sfx) {
                p = p.add::<MAX>(v);
                *o = T::from_f64(p.value(minp, skipna));
            }
            self.pre = p;
            self.off += seg;
            i += seg;
        }
    }
}
