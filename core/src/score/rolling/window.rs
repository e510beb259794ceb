//! The values inside a rolling window.

/// The live values of a window of `w` rows, oldest first, in a ring buffer.
///
/// The buffer grows with the data up to `w` slots (never pre-allocated, so a
/// huge window costs nothing up front). `push_absent` moves the window's end
/// past the last row without adding a value: centered windows shrink that way
/// at the end of the series.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Window {
    buf: Vec<f64>,
    start: usize,
    len: usize,
    w: usize,
    pad: usize,
}

impl Window {
    pub(super) fn new(w: usize) -> Self {
        Window {
            buf: Vec::new(),
            start: 0,
            len: 0,
            w,
            pad: 0,
        }
    }

    /// Adds `v`; returns the value that left the window, if one did.
    #[inline(always)]
    pub(super) fn push(&mut self, v: f64) -> Option<f64> {
        let cap = self.buf.len();
        if self.len == cap && self.pad == 0 && cap == self.w {
            // steady state: overwrite the oldest slot
            let old = std::mem::replace(&mut self.buf[self.start], v);
            self.start += 1;
            if self.start == cap {
                self.start = 0;
            }
            return Some(old);
        }
        let old = self.evict();
        self.insert(v);
        old
    }

    fn insert(&mut self, v: f64) {
        let cap = self.buf.len();
        if self.len == cap {
            self.buf.rotate_left(self.start);
            self.start = 0;
            self.buf.push(v);
        } else {
            let mut i = self.start + self.len;
            if i >= cap {
                i -= cap;
            }
            self.buf[i] = v;
        }
        self.len += 1;
    }

    /// Moves the window's end one row past the data; returns the value that left.
    pub(super) fn push_absent(&mut self) -> Option<f64> {
        let old = self.evict();
        self.pad += 1;
        old
    }

    fn evict(&mut self) -> Option<f64> {
        if self.len == 0 || self.len + self.pad < self.w {
            return None;
        }
        let old = self.buf[self.start];
        self.start += 1;
        if self.start == self.buf.len() {
            self.start = 0;
        }
        self.len -= 1;
        Some(old)
    }

    /// The live values, oldest first.
    pub(super) fn values(&self) -> Vec<f64> {
        let cap = self.buf.len();
        (0..self.len)
            .map(|i| self.buf[(self.start + i) % cap])
            .collect()
    }
}
