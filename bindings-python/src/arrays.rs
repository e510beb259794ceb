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

/// The contiguous data of `a` and its lane length (the last axis; 1-D arrays
/// are one lane).
pub fn lanes<'a, T: Element>(a: &'a PyReadonlyArrayDyn<'_, T>, name: &str) -> PyResult<(&'a [T], usize)> {
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

/// Runs `f` on every lane of `x` (in parallel when there are several) with
/// the GIL released, writing into a new array of the same shape.
pub fn map_lanes<'py, T, F>(
    py: Python<'py>,
    x: &PyReadonlyArrayDyn<'py, T>,
    f: F,
) -> PyResult<Bound<'py, PyArrayDyn<T>>>
where
    T: Element + Float,
    F: Fn(&[T], &mut [T]) -> ferroscore::Result<()> + Send + Sync,
{
    let (data, lane) = lanes(x, "x")?;
    let out = PyArrayDyn::<T>::zeros(py, x.shape(), false);
    {
        let mut w = out.readwrite();
        let dst = w.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        py.detach(|| for_lanes(data, dst, lane, &f)).map_err(to_py)?;
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
    py.detach(|| {
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
