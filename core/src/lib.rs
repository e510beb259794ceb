//! # ferroscore
//!
//! Numeric data kernels in one dependency-free Rust core: stateful scoring scans
//! ([`score`]), reductions and group aggregations ([`aggregate`]) and column
//! validation ([`validate`]), and user-written recurrences in a small
//! compiled language ([`scan`]). Every kernel is written once, generic over `f32`
//! and `f64` through the [`Float`] trait, accumulates in `f64`, and comes in two
//! forms: slice in / `Vec` out, and `_into`, which writes into a caller's buffer
//! (the form the Python, R and C bindings use).
//!
//! Missing values are NaN. Wrong input is answered with a typed [`Error`] that
//! names the argument; no input makes the core panic.
//!
//! ```
//! use ferroscore::score::{score_series, ScoreOptions};
//! use ferroscore::aggregate::power_sum;
//!
//! let x = [1.0, 2.0, f64::NAN, 0.5];
//! let s = score_series(&x, &ScoreOptions::default())?;
//! assert_eq!(s[0], 1.0);
//! assert_eq!(s[2], s[1]); // a missing value carries the state forward
//! assert_eq!(power_sum(&[4.0_f64, -1.0], 1.5)?, 8.0);
//! # Ok::<(), ferroscore::Error>(())
//! ```
//!
//! Features: `parallel` (rayon) splits reductions, group aggregations and
//! validation over threads with bit-identical results for any thread count;
//! `ndarray` adds [`nd`], kernels along an axis of a 2-D array.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod aggregate;
pub mod error;
mod float;
#[cfg(feature = "ndarray")]
pub mod nd;
mod parallel;
pub mod scan;
pub mod score;
pub mod validate;

pub use error::{Error, Result};
pub use float::Float;

/// The crate version, as in `Cargo.toml`.
///
/// ```
/// assert!(!ferroscore::VERSION.is_empty());
/// ```
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
