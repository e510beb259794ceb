//! numpy arrays in and out: dtype dispatch and lane-parallel mapping.

use ferroscore::Float;
use numpy::{Element, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::errors::to_py;

/// An input array of one of the two float dtypes.
pub enum Floats<'py> {
    /// float64.
    F64(PyReadonlyArrayDyn<'py, f64>),
    /// float32.
    F32(PyReadonlyArrayDyn<'py, f32>),
}

impl<'py> Floats<'py> {
    /// Borrows `x` as a float64 or float32 numpy array, or raises a
    /// `TypeError` naming `name`.
    pub fn extract(x: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        if let Ok(a) = x.extract::<PyReadonlyArrayDyn<'py, f64>>() {
            return Ok(Floats::F64(a));
        }
        if let Ok(a) = x.extract::<PyReadonlyArrayDyn<'py, f32>>() {
            return Ok(Floats::F32(a));
        }
        Err(PyTypeError::new_err(format!(
            "`{name}` must be a float64 or float32 numpy array"
        )))
    }
}

impl<'py> Floats<'py> {
    /// `x` when it is already what the kernels take: a C-contiguous 1-D or
    /// 2-D float64/float32 numpy array (no conversion, no error).
    pub fn fast(x: &Bound<'py, PyAny>) -> Option<Self> {
        let f = if let Ok(a) = x.extract::<PyReadonlyArrayDyn<'py, f64>>() {
            Floats::F64(a)
        } else if let Ok(a) = x.extract::<PyReadonlyArrayDyn<'py, f32>>() {
            Floats::F32(a)
        } else {
            return None;
        };
        let ok = match &f {
            Floats::F64(a) => usable(a),
            Floats::F32(a) => usable(a),
        };
        ok.then_some(f)
    }
}

fn usable<T: Element>(a: &PyReadonlyArrayDyn<'_, T>) -> bool {
    matches!(a.ndim(), 1 | 2) && a.is_c_contiguous()
}

/// The contiguous data of `a` and its lane length (the last axis; 1-D arrays
/// are one lane).
pub fn lanes<'a, T: Element>(
    a: &'a PyReadonlyArrayDyn<'_, T>,
    name: &str,
) -> PyResult<(&'a [T], usize)> {
    let shape = a.shape();
    if shape.is_empty() || shape.len() > 2 {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be 1-D or 2-D, got {} dimensions",
            shape.len()
        )));
    }
    let lane = shape[shape.len() - 1];
    let data = a
        .as_slice()
        .map_err(|_| PyTypeError::new_err(format!("`{name}` must be C-contiguous")))?;
    Ok((data, lane))
}

/// Inputs shorter than this run without releasing the GIL: for them the
/// release and re-acquire would cost more than the work.
pub const DETACH_MIN: usize = 8192;

/// Runs `f` with the GIL released when `n` values justify it.
pub fn detach_if<T: Send, F: FnOnce() -> T + Send>(py: Python<'_>, n: usize, f: F) -> T {
    if n >= DETACH_MIN {
        py.detach(f)
    } else {
        f()
    }
}

/// Runs `f` on every lane of `x` (in parallel when there are several) with
/// the GIL released, writing into `out` (checked: same shape, C-contiguous,
/// writeable) or into a new array of the same shape.
pub fn map_lanes<'py, T, F>(
    py: Python<'py>,
    x: &PyReadonlyArrayDyn<'py, T>,
    out: Option<&Bound<'py, PyAny>>,
    f: F,
) -> PyResult<Bound<'py, PyArrayDyn<T>>>
where
    T: Element + Float,
    F: Fn(&[T], &mut [T]) -> ferroscore::Result<()> + Send + Sync,
{
    let (data, lane) = lanes(x, "x")?;
    let out = match out {
        None => PyArrayDyn::<T>::zeros(py, x.shape(), false),
        Some(o) => {
            let o = o.cast::<PyArrayDyn<T>>().map_err(|_| {
                PyTypeError::new_err(format!("`out` must be a numpy array of dtype {}", T::NAME))
            })?;
            if o.shape() != x.shape() {
                return Err(crate::errors::to_py(ferroscore::Error::invalid(
                    "out",
                    format!(
                        "shape {:?} differs from the input's {:?}",
                        o.shape(),
                        x.shape()
                    ),
                )));
            }
            o.clone()
        }
    };
    {
        let mut w = out
            .try_readwrite()
            .map_err(|_| PyTypeError::new_err("`out` must be writeable and not shared with `x`"))?;
        let dst = w
            .as_slice_mut()
            .map_err(|_| PyTypeError::new_err("`out` must be C-contiguous"))?;
        detach_if(py, data.len(), || for_lanes(data, dst, lane, &f)).map_err(to_py)?;
    }
    Ok(out)
}

/// `f` over matching lanes of `src` and `dst`.
pub fn for_lanes<T, F>(src: &[T], dst: &mut [T], lane: usize, f: &F) -> ferroscore::Result<()>
where
    T: Float,
    F: Fn(&[T], &mut [T]) -> ferroscore::Result<()> + Send + Sync,
{
    if lane == 0 || src.is_empty() {
        return Ok(());
    }
    if src.len() == lane {
        return f(src, dst);
    }
    src.par_chunks(lane)
        .zip(dst.par_chunks_mut(lane))
        .try_for_each(|(s, d)| f(s, d))
}

/// One result per lane (`n_lanes` lanes of `lane` values each, in parallel
/// when there are several), with the GIL released.
pub fn reduce_lanes<T, R, F>(
    py: Python<'_>,
    data: &[T],
    n_lanes: usize,
    lane: usize,
    f: F,
) -> ferroscore::Result<Vec<R>>
where
    T: Float,
    R: Send,
    F: Fn(&[T]) -> ferroscore::Result<R> + Send + Sync,
{
    detach_if(py, data.len(), || {
        if lane == 0 {
            return (0..n_lanes).map(|_| f(&[])).collect();
        }
        if n_lanes == 1 {
            return Ok(vec![f(data)?]);
        }
        data.par_chunks(lane).map(&f).collect()
    })
}

/// The number of lanes of an array of `shape` (1-D: one lane).
pub fn n_lanes(shape: &[usize]) -> usize {
    if shape.len() == 2 {
        shape[0]
    } else {
        1
    }
}
