//! Python binding of ferroscore: the native module `ferroscore._ferroscore`.
//!
//! Conversion only. Every function here takes numpy arrays that the Python
//! layer (`python/ferroscore/`) has already made 1-D or 2-D C-contiguous
//! float64/float32 (rows of a 2-D array are independent lanes), calls the
//! core with the GIL released, and hands back numpy arrays. Options are
//! validated by the core, so Python rejects exactly what Rust, R and C reject.

use pyo3::prelude::*;

mod arrays;
mod errors;
mod kernels;
mod reduce;
mod scan;
mod validate;

/// The native module.
#[pymodule]
fn _ferroscore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", ferroscore::VERSION)?;
    m.add(
        "FerroscoreError",
        m.py().get_type::<errors::FerroscoreError>(),
    )?;
    m.add_class::<kernels::Kernel>()?;
    m.add_function(wrap_pyfunction!(kernels::ewm_mean_times, m)?)?;
    m.add_class::<reduce::PyMoments>()?;
    m.add_function(wrap_pyfunction!(reduce::reduce, m)?)?;
    m.add_function(wrap_pyfunction!(reduce::try_reduce, m)?)?;
    m.add_function(wrap_pyfunction!(reduce::dot, m)?)?;
    m.add_function(wrap_pyfunction!(reduce::moments, m)?)?;
    m.add_function(wrap_pyfunction!(reduce::group, m)?)?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_class::<scan::PyProgram>()?;
    m.add_class::<scan::PyScanState>()?;
    m.add(
        "ScanSyntaxError",
        m.py().get_type::<errors::ScanSyntaxError>(),
    )?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    Ok(())
}

/// Sets the number of worker threads of ferroscore's pool. Only the first
/// call in a process has an effect (the pool is built once); call it before
/// any kernel runs. `RAYON_NUM_THREADS` sets the same thing from outside.
#[pyfunction]
fn set_num_threads(n: usize) -> PyResult<bool> {
    if n == 0 {
        return Err(errors::invalid("n", "must be at least 1"));
    }
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .is_ok())
}
