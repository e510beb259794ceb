//! The values inside a rolling window.

use std::collections::VecDeque;

/// The live values of a window of `w` rows, oldest first.
///
/// The buffer grows with the data (never pre-allocated to `w`, so a huge
/// window costs nothing up front). `push_absent` moves the window's end past
/// the last row without adding a value: centered windows shrink that way at
/// the end of the series.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Window {
    values: VecDeque<f64>,
    w: usize,
    pad: usize,
}

impl Window {
    pub(super) fn new(w: usize) -> Self {
        Window {
            values: VecDeque::new(),
            w,
            pad: 0,
        }
    }

    /// Adds `v`; returns the value that left the window, if one did.
    #[inline(always)]
    pub(super) fn push(&mut self, v: f64) -> Option<f64> {
        let old = self.evict();
        self.values.push_back(v);
        old
    }

    /// Moves the window's end one row past the data; returns the value that left.
    pub(super) fn push_absent(&mut self) -> Option<f64> {
        let old = self.evict();
        self.pad += 1;
        old
    }

    #[inline(always)]
    fn evict(&mut self) -> Option<f64> {
        if self.values.len() + self.pad >= self.w {
            self.values.pop_front()
        } else {
            None
        }
    }

    /// The live values, oldest first, as two slices.
    pub(super) fn as_slices(&self) -> (&[f64], &[f64]) {
        self.values.as_slices()
    }
}
