//! The generic bodies behind the generated `_f64` / `_f32` exports: check the
//! pointers, convert the options, call the core. No kernel logic lives here.

use fscore::aggregate::{self as agg, GroupCode, Moments};
use fscore::score::{self as sc, RollingKind};
use fscore::Float;

use crate::options::{
    self, FerroscoreEwmOptions, FerroscoreRollingOptions, FerroscoreScoreOptions,
};
use crate::ptr::{input, output, put, reference, scalar_out, span};
use crate::status::{landing_pad, FerroscoreStatus, Res};

/// Checks `x` and `out` (disjoint), then runs `f` on them in the landing pad.
///
/// # Safety
/// `x` valid for `n` reads, `out` for `out_len` writes (or NULL / 0).
pub(crate) unsafe fn scan<T: Float>(
    x: *const T,
    n: usize,
    out: *mut T,
    out_len: usize,
    f: impl FnOnce(&[T], &mut [T]) -> Res,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let x = unsafe { input(x, n, "x") }?;
        // SAFETY: forwarded from the export's contract; disjoint from `x`.
        let out = unsafe { output(out, out_len, "out", &[("x", span(x))]) }?;
        f(x, out)
    })
}

/// `score_series`.
///
/// # Safety
/// As [`scan`]; `opts` NULL (defaults) or valid.
pub(crate) unsafe fn score_series<T: Float>(
    x: *const T,
    n: usize,
    opts: *const FerroscoreScoreOptions,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from the export's contract.
    unsafe {
        scan(x, n, out, out_len, |x, out| {
            Ok(sc::score_series_into(x, &options::score(opts)?, out)?)
        })
    }
}

/// Which ewm statistic.
#[derive(Clone, Copy)]
pub(crate) enum Ewm {
    Mean,
    Var,
    Std,
}

/// `ewm_mean`, `ewm_var`, `ewm_std`.
///
/// # Safety
/// As [`scan`]; `opts` valid or NULL (an error).
pub(crate) unsafe fn ewm<T: Float>(
    which: Ewm,
    x: *const T,
    n: usize,
    opts: *const FerroscoreEwmOptions,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from the export's contract.
    unsafe {
        scan(x, n, out, out_len, |x, out| {
            let o = options::ewm(opts)?;
            match which {
                Ewm::Mean => sc::ewm_mean_into(x, &o, out)?,
                Ewm::Var => sc::ewm_var_into(x, &o, out)?,
                Ewm::Std => sc::ewm_std_into(x, &o, out)?,
            }
            Ok(())
        })
    }
}

/// `ewm_mean` with observation times.
///
/// # Safety
/// As [`scan`]; `times` valid for `times_len` reads; `opts` valid or NULL.
pub(crate) unsafe fn ewm_mean_times<T: Float>(
    x: *const T,
    n: usize,
    times: *const f64,
    times_len: usize,
    opts: *const FerroscoreEwmOptions,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    landing_pad(|| {
        // SAFETY: forwarded from the export's contract.
        let x = unsafe { input(x, n, "x") }?;
        // SAFETY: forwarded from the export's contract.
        let times = unsafe { input(times, times_len, "times") }?;
        let ins = [("x", span(x)), ("times", span(times))];
        // SAFETY: forwarded from the export's contract; disjoint from the inputs.
        let out = unsafe { output(out, out_len, "out", &ins) }?;
        // SAFETY: forwarded from the export's contract.
        let o = unsafe { options::ewm(opts) }?;
        Ok(sc::ewm_mean_times_into(x, times, &o, out)?)
    })
}

/// Any rolling statistic.
///
/// # Safety
/// As [`scan`]; `opts` valid or NULL (an error).
pub(crate) unsafe fn rolling<T: Float>(
    kind: RollingKind,
    x: *const T,
    n: usize,
    opts: *const FerroscoreRollingOptions,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from the export's contract.
    unsafe {
        scan(x, n, out, out_len, |x, out| {
            Ok(sc::rolling_into(x, kind, &options::rolling(opts)?, out)?)
        })
    }
}

/// `rolling_quantile` (the enum checked in the pad).
///
/// # Safety
/// As [`rolling`].
pub(crate) unsafe fn rolling_quantile<T: Float>(
    x: *const T,
    n: usize,
    q: f64,
    interpolation: i32,
    opts: *const FerroscoreRollingOptions,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from the export's contract.
    unsafe {
        scan(x, n, out, out_len, |x, out| {
            let kind = RollingKind::Quantile {
                q,
                interpolation: options::interpolation(interpolation)?,
            };
            Ok(sc::rolling_into(x, kind, &options::rolling(opts)?, out)?)
        })
    }
}

/// Which cumulative statistic.
#[derive(Clone, Copy)]
pub(crate) enum Cum {
    Sum,
    Max,
    Min,
    Drawdown,
}

/// `cumsum`, `cummax`, `cummin`, `drawdown`.
///
/// # Safety
/// As [`scan`].
pub(crate) unsafe fn cumulative<T: Float>(
    which: Cum,
    x: *const T,
    n: usize,
    skipna: bool,
    out: *mut T,
    out_len: usize,
) -> FerroscoreStatus {
    // SAFETY: forwarded from the export's contract.
    unsafe {
        scan(x, n, out, out_len, |x, out| {
            match which {
                Cum::Sum => sc::cumsum_into(x, skipna, out)?,
                Cum::Max => sc::cummax_into(x, skipna, out)?,
                Cum::Min => sc::cummin_into(x, skipna, out)?,
                Cum::Drawdown => sc::drawdown_into(x, skipna, out)?,
            }
            Ok(())
        })
    }
}

/// A reduction of `x` to one value written to `*out`.
///
/// # Safety
/// `x` valid for `n` reads (or NULL / 0); `out` NULL or valid for one write.
pub(crate) unsafe fn reduce<T: Float, R>(
    x: *const T,
    n: usize,
    out: *mut R,
    f: impl FnOnce(&[T]) -> Res<R>,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from the export's contract.
        let x = unsafe { input(x, n, "x") }?;
        let v = f(x)?;
        // SAFETY: checked by scalar_out; `x` is no longer used.
        unsafe { put(out, v) };
        Ok(())
    })
}

/// `sum`, `mean`, `min`, `max` (and the others through closures).
pub(crate) fn sum<T: Float>(x: &[T]) -> Res<f64> {
    Ok(agg::sum(x))
}
/// `mean`.
pub(crate) fn mean<T: Float>(x: &[T]) -> Res<f64> {
    Ok(agg::mean(x))
}
/// `min`.
pub(crate) fn min<T: Float>(x: &[T]) -> Res<f64> {
    Ok(agg::min(x))
}
/// `max`.
pub(crate) fn max<T: Float>(x: &[T]) -> Res<f64> {
    Ok(agg::max(x))
}
/// `count`.
pub(crate) fn count<T: Float>(x: &[T]) -> Res<u64> {
    Ok(agg::count(x))
}

/// The C mirror of the core's mergeable [`Moments`] summary.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FerroscoreMoments {
    /// Number of non-missing values.
    pub count: u64,
    /// Their mean (NaN when `count == 0`).
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
    /// Smallest value (NaN when `count == 0`).
    pub min: f64,
    /// Largest value (NaN when `count == 0`).
    pub max: f64,
}

impl From<Moments> for FerroscoreMoments {
    fn from(m: Moments) -> Self {
        FerroscoreMoments {
            count: m.count,
            mean: m.mean,
            m2: m.m2,
            min: m.min,
            max: m.max,
        }
    }
}

impl From<FerroscoreMoments> for Moments {
    fn from(m: FerroscoreMoments) -> Self {
        Moments {
            count: m.count,
            mean: m.mean,
            m2: m.m2,
            min: m.min,
            max: m.max,
        }
    }
}

/// `moments`.
pub(crate) fn moments<T: Float>(x: &[T]) -> Res<FerroscoreMoments> {
    Ok(Moments::from_slice(x).into())
}

/// `dot(a, b)`: the core checks the lengths.
///
/// # Safety
/// `a`, `b` valid for their lengths (or NULL / 0); `out` NULL or valid.
pub(crate) unsafe fn dot<T: Float>(
    a: *const T,
    n: usize,
    b: *const T,
    b_len: usize,
    out: *mut f64,
) -> FerroscoreStatus {
    landing_pad(|| {
        let out = scalar_out(out, "out")?;
        // SAFETY: forwarded from the export's contract.
        let a = unsafe { input(a, n, "a") }?;
        // SAFETY: forwarded from the export's contract.
        let b = unsafe { input(b, b_len, "b") }?;
        let v = agg::dot(a, b)?;
        // SAFETY: checked by scalar_out; the inputs are no longer used.
        unsafe { put(out, v) };
        Ok(())
    })
}

/// A group aggregation: the core computes into its own vector (so `out` may
/// alias the inputs), which is copied to `out[0..n_groups]`.
///
/// # Safety
/// `x` valid for `n` reads, `groups` for `groups_len` reads, `out` for
/// `n_groups` writes (each may be NULL with length 0).
pub(crate) unsafe fn group<T: Float, G: GroupCode>(
    x: *const T,
    n: usize,
    groups: *const G,
    groups_len: usize,
    out: *mut T,
    n_groups: usize,
    f: impl FnOnce(&[T], &[G], Option<usize>) -> fscore::Result<Vec<T>>,
) -> FerroscoreStatus {
    landing_pad(|| {
        if n_groups > 0 {
            scalar_out(out, "out")?;
        }
        let v = {
            // SAFETY: forwarded from the export's contract.
            let x = unsafe { input(x, n, "x") }?;
            // SAFETY: forwarded from the export's contract.
            let groups = unsafe { input(groups, groups_len, "groups") }?;
            f(x, groups, Some(n_groups))?
        };
        // SAFETY: the inputs are dropped; `out` is valid for n_groups writes.
        let out = unsafe { output(out, n_groups, "out", &[]) }?;
        out.copy_from_slice(&v);
        Ok(())
    })
}

/// Reads a `FerroscoreMoments` argument.
///
/// # Safety
/// `p` NULL or valid.
pub(crate) unsafe fn moments_arg(p: *const FerroscoreMoments, name: &'static str) -> Res<Moments> {
    // SAFETY: forwarded contract.
    Ok((*unsafe { reference(p, name) }?).into())
}

/// A 2-D strided array argument: `n_rows x n_cols` values, element `(i, j)`
/// at `x[i * row_stride + j * col_stride]` (strides in elements), processed
/// along `axis` (0: each column is a series, 1: each row is).
pub(crate) struct Strided<P> {
    pub(crate) ptr: P,
    pub(crate) n_rows: usize,
    pub(crate) n_cols: usize,
    pub(crate) row_stride: usize,
    pub(crate) col_stride: usize,
}

/// The number of elements from the first to the last of a strided array.
fn extent(n_rows: usize, n_cols: usize, rs: usize, cs: usize, name: &'static str) -> Res<usize> {
    if n_rows == 0 || n_cols == 0 {
        return Ok(0);
    }
    (n_rows - 1)
        .checked_mul(rs)
        .and_then(|a| (n_cols - 1).checked_mul(cs).and_then(|b| a.checked_add(b)))
        .and_then(|e| e.checked_add(1))
        .ok_or_else(|| crate::status::invalid(name, "strides and shape overflow"))
}

fn axis(a: i32) -> Res<ndarray::Axis> {
    match a {
        0 | 1 => Ok(ndarray::Axis(a as usize)),
        _ => Err(crate::status::invalid(
            "axis",
            format!("must be 0 or 1 for a 2-D array, got {a}"),
        )),
    }
}

impl<T: Float> Strided<*const T> {
    /// The elements from the first to the last, checked (NULL, alignment,
    /// size); every element `(i, j)` is at `i * row_stride + j * col_stride`
    /// inside it.
    ///
    /// # Safety
    /// `ptr` valid for the extent's reads (or NULL when empty).
    pub(crate) unsafe fn extent_slice<'a>(&self) -> Res<&'a [T]> {
        let len = extent(
            self.n_rows,
            self.n_cols,
            self.row_stride,
            self.col_stride,
            "x",
        )?;
        // SAFETY: forwarded from the export's contract.
        unsafe { input(self.ptr, len, "x") }
    }

    /// The read-only view (checked: NULL, alignment, extent).
    ///
    /// # Safety
    /// `ptr` valid for the extent's reads (or NULL when empty).
    unsafe fn view<'a>(&self) -> Res<(ndarray::ArrayView2<'a, T>, &'a [T])> {
        let (r, c, rs, cs) = (self.n_rows, self.n_cols, self.row_stride, self.col_stride);
        // SAFETY: forwarded from the export's contract.
        let slice = unsafe { self.extent_slice() }?;
        let len = slice.len();
        // An empty array has no element to place: its strides do not matter.
        let (rs, cs) = if len == 0 { (0, 0) } else { (rs, cs) };
        let v = ndarray::ArrayView2::from_shape(
            ndarray::ShapeBuilder::strides((r, c), (rs, cs)),
            slice,
        )
        .map_err(|e| crate::status::invalid("x", format!("shape and strides do not fit: {e}")))?;
        Ok((v, slice))
    }
}

impl<T> Strided<*mut T> {
    /// The strided output (checked: shape equal to `x`'s, NULL, alignment,
    /// extent, disjoint from `x`, no two elements at the same place).
    ///
    /// # Safety
    /// `ptr` valid for the extent's reads and writes (or NULL when empty).
    unsafe fn view_mut<'a>(
        &self,
        shape: (usize, usize),
        x: &[T],
    ) -> Res<ndarray::ArrayViewMut2<'a, T>> {
        let (r, c, rs, cs) = (self.n_rows, self.n_cols, self.row_stride, self.col_stride);
        for (name, expected, actual) in [("out_n_rows", shape.0, r), ("out_n_cols", shape.1, c)] {
            if expected != actual {
                let e = fscore::Error::LengthMismatch {
                    name,
                    expected,
                    actual,
                };
                return Err(e.into());
            }
        }
        let len = extent(r, c, rs, cs, "out")?;
        // SAFETY: forwarded from the export's contract; disjoint from `x`.
        let slice = unsafe { output(self.ptr, len, "out", &[("x", span(x))]) }?;
        let (rs, cs) = if len == 0 { (0, 0) } else { (rs, cs) };
        ndarray::ArrayViewMut2::from_shape(ndarray::ShapeBuilder::strides((r, c), (rs, cs)), slice)
            .map_err(|e| {
                crate::status::invalid("out", format!("shape and strides do not fit: {e}"))
            })
    }
}

/// A scan on every series (lane) of a 2-D strided array, lanes in parallel
/// (the core's `nd::map_axis`); `out` has the shape of `x` with its own
/// strides. `prepare` converts the options once.
///
/// # Safety
/// As `Strided::view` and `Strided::view_mut`.
pub(crate) unsafe fn map_2d<T: Float, F>(
    x: Strided<*const T>,
    ax: i32,
    out: Strided<*mut T>,
    prepare: impl FnOnce() -> Res<F>,
) -> FerroscoreStatus
where
    F: Fn(&[T], &mut [T]) -> fscore::Result<()> + Sync + Send,
{
    landing_pad(|| {
        let ax = axis(ax)?;
        // SAFETY: forwarded from the export's contract.
        let (v, xs) = unsafe { x.view() }?;
        // SAFETY: forwarded from the export's contract.
        let mut o = unsafe { out.view_mut((x.n_rows, x.n_cols), xs) }?;
        let f = prepare()?;
        let res = fscore::nd::map_axis(v, ax, f)?;
        o.assign(&res);
        Ok(())
    })
}

/// A reduction of every series (lane) of a 2-D strided array into
/// `out[0..out_len]`, one value per lane (`out_len` must be the number of
/// lanes), lanes in parallel (the core's `nd::reduce_axis`).
///
/// # Safety
/// As [`Strided::view`]; `out` valid for `out_len` writes.
pub(crate) unsafe fn reduce_2d<T: Float, R: Send + Copy, F>(
    x: Strided<*const T>,
    ax: i32,
    out: *mut R,
    out_len: usize,
    prepare: impl FnOnce() -> Res<F>,
) -> FerroscoreStatus
where
    F: Fn(&[T]) -> fscore::Result<R> + Sync + Send,
{
    landing_pad(|| {
        let ax = axis(ax)?;
        let lanes = if ax.index() == 0 { x.n_cols } else { x.n_rows };
        if out_len != lanes {
            return Err(fscore::Error::LengthMismatch {
                name: "out",
                expected: lanes,
                actual: out_len,
            }
            .into());
        }
        if lanes > 0 {
            scalar_out(out, "out")?;
        }
        let v = {
            // SAFETY: forwarded from the export's contract.
            let (v, _) = unsafe { x.view() }?;
            fscore::nd::reduce_axis(v, ax, prepare()?)?
        };
        // SAFETY: the input view is dropped; `out` holds `out_len` values.
        let out = unsafe { output(out, out_len, "out", &[]) }?;
        out.copy_from_slice(&v);
        Ok(())
    })
}
