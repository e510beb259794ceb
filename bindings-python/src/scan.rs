//! The scan language: compiled programs and their resumable states.

use ferroscore::scan::{Program, ScanState};
use ferroscore::Float;
use numpy::{Element, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rayon::prelude::*;

use crate::arrays::{detach_if, lanes};
use crate::errors::to_py;

/// The inputs of one call: arrays of one float dtype and one shape.
enum Inputs<'py> {
    F64(Vec<PyReadonlyArrayDyn<'py, f64>>),
    F32(Vec<PyReadonlyArrayDyn<'py, f32>>),
}

fn inputs<'py>(xs: &[Bound<'py, PyAny>]) -> PyResult<Inputs<'py>> {
    let err = || PyTypeError::new_err("scan inputs must be numpy arrays of one float dtype");
    let first = xs
        .first()
        .ok_or_else(|| PyTypeError::new_err("scan needs at least one input"))?;
    let r = if first.extract::<PyReadonlyArrayDyn<'py, f64>>().is_ok() {
        Inputs::F64(
            xs.iter()
                .map(|a| a.extract().map_err(|_| err()))
                .collect::<PyResult<_>>()?,
        )
    } else {
        Inputs::F32(
            xs.iter()
                .map(|a| a.extract().map_err(|_| err()))
                .collect::<PyResult<_>>()?,
        )
    };
    Ok(r)
}

/// A compiled scan program (see `ferroscore.compile_scan`).
#[pyclass(name = "ScanProgram", module = "ferroscore._ferroscore", frozen)]
pub struct PyProgram {
    prog: Program,
}

impl PyProgram {
    fn run_typed<'py, T: Element + Float>(
        &self,
        py: Python<'py>,
        xs: &[PyReadonlyArrayDyn<'py, T>],
        init: &[f64],
    ) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
        let shape = xs[0].shape().to_vec();
        let mut data = Vec::with_capacity(xs.len());
        let mut lane = 0;
        for (i, a) in xs.iter().enumerate() {
            if a.shape() != shape.as_slice() {
                return Err(to_py(ferroscore::Error::invalid(
                    "x",
                    format!(
                        "input {i} has shape {:?}, the first has {:?}",
                        a.shape(),
                        shape
                    ),
                )));
            }
            let (d, l) = lanes(a, "x")?;
            data.push(d);
            lane = l;
        }
        let out = PyArrayDyn::<T>::zeros(py, shape.as_slice(), false);
        {
            let mut w = out.readwrite();
            let dst = w.as_slice_mut()?;
            let prog = &self.prog;
            let n = dst.len();
            detach_if(py, n, || {
                if lane == 0 || n == 0 {
                    return prog.state(init).map(|_| ());
                }
                if n == lane {
                    return prog.run_into(&data, init, dst);
                }
                dst.par_chunks_mut(lane).enumerate().try_for_each(|(r, o)| {
                    let cols: Vec<&[T]> =
                        data.iter().map(|d| &d[r * lane..(r + 1) * lane]).collect();
                    prog.run_into(&cols, init, o)
                })
            })
            .map_err(to_py)?;
        }
        Ok(out)
    }
}

#[pymethods]
impl PyProgram {
    /// Compiles `source` with named constant `params`, input names `inputs`
    /// (default `["x"]`) and the missing-value rule `skipna`.
    #[new]
    #[pyo3(signature = (source, params=None, inputs=None, skipna=true))]
    fn new(
        source: &str,
        params: Option<Vec<(String, f64)>>,
        inputs: Option<Vec<String>>,
        skipna: bool,
    ) -> PyResult<Self> {
        let params = params.unwrap_or_default();
        let p: Vec<(&str, f64)> = params.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let inputs = inputs.unwrap_or_default();
        let i: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let prog = Program::compile(source, &i, &p)
            .map_err(to_py)?
            .with_skipna(skipna);
        Ok(PyProgram { prog })
    }

    /// The source text.
    #[getter]
    fn source(&self) -> &str {
        self.prog.source()
    }
    /// The input names, in the order `run` takes them.
    #[getter]
    fn inputs(&self) -> Vec<String> {
        self.prog.inputs().to_vec()
    }
    /// The constants, as `(name, value)` pairs.
    #[getter]
    fn params(&self) -> Vec<(String, f64)> {
        self.prog.params().to_vec()
    }
    /// The state names, in the order `init` gives their start values.
    #[getter]
    fn states(&self) -> Vec<String> {
        self.prog.states().to_vec()
    }
    /// How the program runs: "affine" (a native kernel) or "bytecode".
    #[getter]
    fn backend(&self) -> &'static str {
        self.prog.backend()
    }
    /// Whether a row with a missing input is skipped.
    #[getter]
    fn skipna(&self) -> bool {
        self.prog.skipna()
    }

    /// Runs the program on `xs` (one array per input, one float dtype, one
    /// shape; the rows of 2-D arrays are separate series, run in parallel).
    fn run<'py>(
        &self,
        py: Python<'py>,
        xs: Vec<Bound<'py, PyAny>>,
        init: Vec<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(match inputs(&xs)? {
            Inputs::F64(a) => self.run_typed(py, &a, &init)?.into_any(),
            Inputs::F32(a) => self.run_typed(py, &a, &init)?.into_any(),
        })
    }

    /// A resumable state starting from `init`.
    fn state(&self, init: Vec<f64>) -> PyResult<PyScanState> {
        Ok(PyScanState {
            st: self.prog.state(&init).map_err(to_py)?,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "ScanProgram({:?}, inputs={:?}, params={:?}, states={:?}, backend={:?})",
            self.prog.source(),
            self.prog.inputs(),
            self.prog.params(),
            self.prog.states(),
            self.prog.backend()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let p = &slf.get().prog;
        let args = (
            p.source().to_string(),
            p.params().to_vec(),
            p.inputs().to_vec(),
            p.skipna(),
        );
        (slf.get_type(), args).into_pyobject(slf.py())
    }
}

/// The resumable state of a scan program (see `ScanProgram.state`).
#[pyclass(name = "ScanState", module = "ferroscore._ferroscore")]
pub struct PyScanState {
    st: ScanState,
}

impl PyScanState {
    fn update_typed<'py, T: Element + Float>(
        &mut self,
        py: Python<'py>,
        xs: &[PyReadonlyArrayDyn<'py, T>],
    ) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
        let mut data = Vec::with_capacity(xs.len());
        for a in xs {
            if a.ndim() != 1 {
                return Err(PyTypeError::new_err("a scan state takes 1-D chunks"));
            }
            data.push(lanes(a, "x")?.0);
        }
        let n = data.first().map_or(0, |d| d.len());
        let out = PyArrayDyn::<T>::zeros(py, [n].as_slice(), false);
        {
            let mut w = out.readwrite();
            let dst = w.as_slice_mut()?;
            let st = &mut self.st;
            detach_if(py, n, || st.update_into(&data, dst)).map_err(to_py)?;
        }
        Ok(out)
    }
}

#[pymethods]
impl PyScanState {
    /// Rebuilds a state from its parts (what pickling stores).
    #[staticmethod]
    fn from_parts(
        program: &PyProgram,
        states: Vec<f64>,
        last_output: f64,
        rows: u64,
    ) -> PyResult<Self> {
        Ok(PyScanState {
            st: ScanState::from_parts(&program.prog, &states, last_output, rows).map_err(to_py)?,
        })
    }

    /// The output for the next chunk (one 1-D array per input).
    fn update<'py>(
        &mut self,
        py: Python<'py>,
        xs: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(match inputs(&xs)? {
            Inputs::F64(a) => self.update_typed(py, &a)?.into_any(),
            Inputs::F32(a) => self.update_typed(py, &a)?.into_any(),
        })
    }

    /// The current state values.
    #[getter]
    fn states(&self) -> Vec<f64> {
        self.st.states().to_vec()
    }
    /// The last output (what a missing row repeats).
    #[getter]
    fn last_output(&self) -> f64 {
        self.st.last_output()
    }
    /// Rows seen so far (the next row's `i`).
    #[getter]
    fn rows(&self) -> u64 {
        self.st.rows()
    }
    /// The program.
    #[getter]
    fn program(&self) -> PyProgram {
        PyProgram {
            prog: self.st.program().clone(),
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let me = slf.borrow();
        let prog = Bound::new(py, me.program())?;
        let ctor = slf.get_type().getattr("from_parts")?;
        let args = (prog, me.states(), me.last_output(), me.rows());
        (ctor, args).into_pyobject(py)
    }
}
