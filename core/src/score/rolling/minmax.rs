//! Rolling minimum and maximum in O(1) amortized per row (monotone deque).

use super::window::Window;
use std::collections::VecDeque;

/// Candidates for the window's extreme, oldest first, each with its row.
/// `MAX` selects the maximum, else the minimum.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MinMax<const MAX: bool> {
    dq: VecDeque<(u64, f64)>,
    pos: u64,
    w: u64,
    n_obs: usize,
    n_nan: usize,
}

impl<const MAX: bool> MinMax<MAX> {
    pub(super) fn new(w: usize) -> Self {
        MinMax {
            dq: VecDeque::new(),
            pos: 0,
            w: w as u64,
            n_obs: 0,
            n_nan: 0,
        }
    }

    #[inline(always)]
    pub(super) fn push(&mut self, win: &mut Window, v: f64) {
        let old = win.push(v);
        self.forget(old);
        if v.is_nan() {
            self.n_nan += 1;
        } else {
            self.n_obs += 1;
            while let Some(&(_, b)) = self.dq.back() {
                let dominated = if MAX { b <= v } else { b >= v };
                if !dominated {
                    break;
                }
                self.dq.pop_back();
            }
            self.dq.push_back((self.pos, v));
        }
        self.advance();
    }

    pub(super) fn push_absent(&mut self, win: &mut Window) {
        let old = win.push_absent();
        self.forget(old);
        self.advance();
    }

    #[inline(always)]
    fn forget(&mut self, old: Option<f64>) {
        match old {
            Some(o) if o.is_nan() => self.n_nan -= 1,
            Some(_) => self.n_obs -= 1,
            None => {}
        }
    }

    #[inline(always)]
    fn advance(&mut self) {
        // The window now holds rows (pos - w, pos].
        while let Some(&(p, _)) = self.dq.front() {
            if p.saturating_add(self.w) <= self.pos {
                self.dq.pop_front();
            } else {
                break;
            }
        }
        self.pos += 1;
    }

    #[inline(always)]
    pub(super) fn value(&self, minp: usize, skipna: bool) -> f64 {
        if self.n_obs < minp || self.n_obs == 0 || (!skipna && self.n_nan > 0) {
            return f64::NAN;
        }
        self.dq.front().map_or(f64::NAN, |&(_, v)| v)
    }
}
