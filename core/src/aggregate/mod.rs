//! Reductions: nan-skipping sum, mean, var, std, min, max, count, `power_sum`,
//! `dot`, the mergeable [`Moments`] summary, and `group_*` aggregations by
//! integer codes.
//!
//! Every reduction cuts its input into fixed-size blocks and combines the
//! block results in a fixed binary tree, so with the `parallel` feature the
//! result is bit-identical whatever the number of threads.
//!
//! ```
//! use ferroscore::aggregate::{sum, mean, var, count, Moments};
//! let x = [1.0_f64, f64::NAN, 3.0];
//! assert_eq!((sum(&x), mean(&x), var(&x, 1)?, count(&x)), (4.0, 2.0, 2.0, 2));
//! let m = Moments::from_slice(&x[..2]).merge(&Moments::from_slice(&x[2..]));
//! assert_eq!(m.mean, 2.0);
//! # Ok::<(), ferroscore::Error>(())
//! ```

mod basic;
mod group;
mod lanes;
mod moments;

pub use basic::{count, dot, max, mean, min, power_sum, std, sum, var};
pub use group::{
    group_count, group_max, group_mean, group_min, group_power_sum, group_std, group_sum,
    group_var, GroupCode,
};
pub use moments::Moments;
