//! Reductions (one number per lane), the mergeable `Moments` summary and
//! group aggregations.

use ferroscore::aggregate::{self, Moments};
use ferroscore::Float;
use numpy::{Element, PyArray1, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::arrays::{detach_if, lanes, n_lanes, reduce_lanes, Floats};
use crate::errors::{invalid, to_py};

/// The reduction named `kind` on one lane.
fn reduce_one<T: Float>(kind: Kind, x: &[T], p: f64, ddof: usize) -> ferroscore::Result<f64> {
    Ok(match kind {
        Kind::Sum => aggregate::sum(x),
        Kind::Count => aggregate::count(x) as f64,
        Kind::Mean => aggregate::mean(x),
        Kind::Var => aggregate::var(x, ddof)?,
        Kind::Std => aggregate::std(x, ddof)?,
        Kind::Min => aggregate::min(x),
        Kind::Max => aggregate::max(x),
        Kind::PowerSum => aggregate::power_sum(x, p)?,
    })
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Sum,
    Count,
    Mean,
    Var,
    Std,
    Min,
    Max,
    PowerSum,
}

fn parse(kind: &str) -> PyResult<Kind> {
    Ok(match kind {
        "sum" => Kind::Sum,
        "count" => Kind::Count,
        "mean" => Kind::Mean,
        "var" => Kind::Var,
        "std" => Kind::Std,
        "min" => Kind::Min,
        "max" => Kind::Max,
        "power_sum" => Kind::PowerSum,
        _ => return Err(invalid("kind", "unknown reduction")),
    })
}

fn ddof_of(ddof: i64) -> PyResult<usize> {
    usize::try_from(ddof).map_err(|_| invalid("ddof", &format!("must be >= 0, got {ddof}")))
}

fn reduce_typed<'py, T: Element + Float>(
    py: Python<'py>,
    a: &PyReadonlyArrayDyn<'py, T>,
    kind: Kind,
    p: f64,
    ddof: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let (data, lane) = lanes(a, "x")?;
    let v = reduce_lanes(py, data, n_lanes(a.shape()), lane, |s| {
        reduce_one(kind, s, p, ddof)
    })
    .map_err(to_py)?;
    Ok(match (a.ndim(), kind) {
        (1, Kind::Count) => (v[0] as u64).into_pyobject(py)?.into_any(),
        (1, _) => v[0].into_pyobject(py)?.into_any(),
        _ => PyArray1::from_vec(py, v).into_any(),
    })
}

/// `kind` over every lane of `x`: a Python number for 1-D `x` (an int for
/// `count`), a float64 array with one value per row for 2-D `x`.
#[pyfunction]
#[pyo3(signature = (x, kind, p=1.5, ddof=1))]
pub fn reduce<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    kind: &str,
    p: f64,
    ddof: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let (kind, ddof) = (parse(kind)?, ddof_of(ddof)?);
    match Floats::extract(x, "x")? {
        Floats::F64(a) => reduce_typed(py, &a, kind, p, ddof),
        Floats::F32(a) => reduce_typed(py, &a, kind, p, ddof),
    }
}

/// `reduce` when `x` is a C-contiguous 1-D/2-D float64/float32 array;
/// `None` otherwise (the caller converts and calls `reduce`).
#[pyfunction]
#[pyo3(signature = (x, kind, p=1.5, ddof=1))]
pub fn try_reduce<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    kind: &str,
    p: f64,
    ddof: i64,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let (kind, ddof) = (parse(kind)?, ddof_of(ddof)?);
    Ok(match Floats::fast(x) {
        None => None,
        Some(Floats::F64(a)) => Some(reduce_typed(py, &a, kind, p, ddof)?),
        Some(Floats::F32(a)) => Some(reduce_typed(py, &a, kind, p, ddof)?),
    })
}

/// `sum(a * b)` over pairs where both are present (1-D, same dtype).
#[pyfunction]
pub fn dot(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<f64> {
    match (Floats::extract(a, "a")?, Floats::extract(b, "b")?) {
        (Floats::F64(a), Floats::F64(b)) => {
            let (a, b) = (lanes(&a, "a")?.0, lanes(&b, "b")?.0);
            detach_if(py, a.len(), || aggregate::dot(a, b)).map_err(to_py)
        }
        (Floats::F32(a), Floats::F32(b)) => {
            let (a, b) = (lanes(&a, "a")?.0, lanes(&b, "b")?.0);
            detach_if(py, a.len(), || aggregate::dot(a, b)).map_err(to_py)
        }
        _ => Err(PyTypeError::new_err("`b` must have the same dtype as `a`")),
    }
}

/// A mergeable summary of a series: count, mean, M2 (sum of squared
/// deviations), min and max. `a.merge(b)` (or `a + b`) summarizes the
/// concatenation of the two series.
#[pyclass(name = "Moments", module = "ferroscore._ferroscore", frozen)]
#[derive(Clone)]
pub struct PyMoments(Moments);

#[pymethods]
impl PyMoments {
    /// A summary from its five fields (the summary of nothing by default).
    #[new]
    #[pyo3(signature = (count=0, mean=f64::NAN, m2=0.0, min=f64::NAN, max=f64::NAN))]
    fn new(count: u64, mean: f64, m2: f64, min: f64, max: f64) -> Self {
        PyMoments(Moments {
            count,
            mean,
            m2,
            min,
            max,
        })
    }
    /// Number of present values.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }
    /// Their mean (NaN when empty).
    #[getter]
    fn mean(&self) -> f64 {
        self.0.mean
    }
    /// Sum of squared deviations from the mean.
    #[getter]
    fn m2(&self) -> f64 {
        self.0.m2
    }
    /// Smallest value (NaN when empty).
    #[getter]
    fn min(&self) -> f64 {
        self.0.min
    }
    /// Largest value (NaN when empty).
    #[getter]
    fn max(&self) -> f64 {
        self.0.max
    }
    /// Variance with `ddof` (NaN when count <= ddof).
    #[pyo3(signature = (ddof=1))]
    fn var(&self, ddof: i64) -> PyResult<f64> {
        Ok(self.0.var(ddof_of(ddof)?))
    }
    /// Standard deviation with `ddof`.
    #[pyo3(signature = (ddof=1))]
    fn std(&self, ddof: i64) -> PyResult<f64> {
        Ok(self.0.std(ddof_of(ddof)?))
    }
    /// The summary of both series (Chan et al.'s merge).
    fn merge(&self, other: &PyMoments) -> PyMoments {
        PyMoments(self.0.merge(&other.0))
    }
    fn __add__(&self, other: &PyMoments) -> PyMoments {
        self.merge(other)
    }
    fn __eq__(&self, other: &PyMoments) -> bool {
        let (a, b) = (&self.0, &other.0);
        let same = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
        a.count == b.count
            && same(a.mean, b.mean)
            && same(a.m2, b.m2)
            && same(a.min, b.min)
            && same(a.max, b.max)
    }
    fn __repr__(&self) -> String {
        let m = &self.0;
        format!(
            "Moments(count={}, mean={:?}, m2={:?}, min={:?}, max={:?})",
            m.count, m.mean, m.m2, m.min, m.max
        )
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let m = slf.get().0;
        let args = (m.count, m.mean, m.m2, m.min, m.max);
        (slf.get_type(), args).into_pyobject(slf.py())
    }
}

/// The `Moments` of each lane of `x`.
#[pyfunction]
pub fn moments(py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Vec<PyMoments>> {
    fn go<T: Element + Float>(
        py: Python<'_>,
        a: &PyReadonlyArrayDyn<'_, T>,
    ) -> PyResult<Vec<PyMoments>> {
        let (data, lane) = lanes(a, "x")?;
        let v = reduce_lanes(py, data, n_lanes(a.shape()), lane, |s| {
            Ok(Moments::from_slice(s))
        })
        .map_err(to_py)?;
        Ok(v.into_iter().map(PyMoments).collect())
    }
    match Floats::extract(x, "x")? {
        Floats::F64(a) => go(py, &a),
        Floats::F32(a) => go(py, &a),
    }
}

/// Group codes: int64 or int32 (negative codes skip the row).
enum Codes<'py> {
    I64(PyReadonlyArrayDyn<'py, i64>),
    I32(PyReadonlyArrayDyn<'py, i32>),
}

/// `group_<kind>(x, groups, n_groups)`: one value per group, x's dtype.
#[pyfunction]
#[pyo3(signature = (x, groups, kind, n_groups=None, p=1.5, ddof=1))]
pub fn group<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    groups: &Bound<'py, PyAny>,
    kind: &str,
    n_groups: Option<i64>,
    p: f64,
    ddof: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = parse(kind)?;
    let ddof = ddof_of(ddof)?;
    let ng = n_groups
        .map(|n| usize::try_from(n).map_err(|_| invalid("n_groups", "must be >= 0")))
        .transpose()?;
    let codes = if let Ok(c) = groups.extract::<PyReadonlyArrayDyn<'py, i64>>() {
        Codes::I64(c)
    } else if let Ok(c) = groups.extract::<PyReadonlyArrayDyn<'py, i32>>() {
        Codes::I32(c)
    } else {
        return Err(PyTypeError::new_err(
            "`groups` must be an int64 or int32 numpy array",
        ));
    };
    fn run<T: Float, G: aggregate::GroupCode>(
        kind: Kind,
        x: &[T],
        g: &[G],
        ng: Option<usize>,
        p: f64,
        ddof: usize,
    ) -> ferroscore::Result<Vec<T>> {
        match kind {
            Kind::Sum => aggregate::group_sum(x, g, ng),
            Kind::Count => aggregate::group_count(x, g, ng),
            Kind::Mean => aggregate::group_mean(x, g, ng),
            Kind::Var => aggregate::group_var(x, g, ng, ddof),
            Kind::Std => aggregate::group_std(x, g, ng, ddof),
            Kind::Min => aggregate::group_min(x, g, ng),
            Kind::Max => aggregate::group_max(x, g, ng),
            Kind::PowerSum => aggregate::group_power_sum(x, g, ng, p),
        }
    }
    fn go<'py, T: Element + Float>(
        py: Python<'py>,
        a: &PyReadonlyArrayDyn<'py, T>,
        codes: &Codes<'py>,
        kind: Kind,
        ng: Option<usize>,
        p: f64,
        ddof: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        if a.ndim() != 1 {
            return Err(PyTypeError::new_err(
                "`x` must be 1-D for group aggregations",
            ));
        }
        let (x, _) = lanes(a, "x")?;
        let r = match codes {
            Codes::I64(c) => {
                let g = lanes(c, "groups")?.0;
                detach_if(py, x.len(), || run(kind, x, g, ng, p, ddof))
            }
            Codes::I32(c) => {
                let g = lanes(c, "groups")?.0;
                detach_if(py, x.len(), || run(kind, x, g, ng, p, ddof))
            }
        };
        Ok(PyArray1::from_vec(py, r.map_err(to_py)?).into_any())
    }
    match Floats::extract(x, "x")? {
        Floats::F64(a) => go(py, &a, &codes, kind, ng, p, ddof),
        Floats::F32(a) => go(py, &a, &codes, kind, ng, p, ddof),
    }
}
