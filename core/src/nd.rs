//! 2-D arrays (feature `ndarray`): any kernel along an axis, lanes in
//! parallel with the `parallel` feature.
//!
//! A lane is one column (`Axis(0)`) or one row (`Axis(1)`). Contiguous lanes
//! are read in place; strided lanes are copied once.
//!
//! ```
//! use ndarray::{array, Axis};
//! use ferroscore::nd::{map_axis, reduce_axis};
//! use ferroscore::score::{rolling_into, RollingKind, RollingOptions};
//! let a = array![[1.0_f64, 10.0], [2.0, 20.0], [3.0, 30.0]];
//! let o = RollingOptions::new(2);
//! let m = map_axis(a.view(), Axis(0), |x, out| rolling_into(x, RollingKind::Mean, &o, out))?;
//! assert_eq!(m[[2, 1]], 25.0);
//! let s = reduce_axis(a.view(), Axis(0), |x| Ok(ferroscore::aggregate::sum(x)))?;
//! assert_eq!(s, vec![6.0, 60.0]);
//! # Ok::<(), ferroscore::Error>(())
//! ```

use crate::{Error, Float, Result};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use std::borrow::Cow;

fn check_axis(axis: Axis) -> Result<()> {
    if axis.index() > 1 {
        return Err(Error::invalid(
            "axis",
            format!("must be 0 or 1 for a 2-D array, got {}", axis.index()),
        ));
    }
    Ok(())
}

fn lane<T: Float>(v: ArrayView1<'_, T>) -> Cow<'_, [T]> {
    match v.to_slice() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(v.to_vec()),
    }
}

/// Runs `f(lane, out_lane)` — any kernel's `_into` form — on every lane of
/// `a` along `axis`; the result has `a`'s shape.
pub fn map_axis<T, F>(a: ArrayView2<'_, T>, axis: Axis, f: F) -> Result<Array2<T>>
where
    T: Float,
    F: Fn(&[T], &mut [T]) -> Result<()> + Sync + Send,
{
    check_axis(axis)?;
    let other = Axis(1 - axis.index());
    let n_lanes = a.len_of(other);
    let len = a.len_of(axis);
    let lanes: Vec<Result<Vec<T>>> = crate::parallel::map_collect(n_lanes, |j| {
        let x = lane(a.index_axis(other, j));
        let mut out = vec![T::NAN_VALUE; len];
        f(&x, &mut out)?;
        Ok(out)
    });
    let mut out = Array2::from_elem(a.raw_dim(), T::NAN_VALUE);
    for (j, l) in lanes.into_iter().enumerate() {
        let l = l?;
        out.index_axis_mut(other, j)
            .iter_mut()
            .zip(l)
            .for_each(|(o, v)| *o = v);
    }
    Ok(out)
}

/// Runs `f(lane)` — a reduction — on every lane of `a` along `axis`.
pub fn reduce_axis<T, R, F>(a: ArrayView2<'_, T>, axis: Axis, f: F) -> Result<Vec<R>>
where
    T: Float,
    R: Send,
    F: Fn(&[T]) -> Result<R> + Sync + Send,
{
    check_axis(axis)?;
    let other = Axis(1 - axis.index());
    crate::parallel::map_collect(a.len_of(other), |j| f(&lane(a.index_axis(other, j))))
        .into_iter()
        .collect()
}
