//! One mapping from the core's typed error to Python exceptions.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

create_exception!(
    ferroscore,
    FerroscoreError,
    PyValueError,
    "Bad input to a ferroscore kernel; the message names the argument."
);

create_exception!(
    ferroscore,
    ScanSyntaxError,
    FerroscoreError,
    "A scan program that does not compile; the message shows the line, the column and a caret."
);

/// The core's error as a `FerroscoreError` (a `ValueError`), or its
/// `ScanSyntaxError` subclass for a scan program that does not compile.
pub fn to_py(e: ferroscore::Error) -> PyErr {
    match e {
        ferroscore::Error::Parse { .. } => ScanSyntaxError::new_err(e.to_string()),
        _ => FerroscoreError::new_err(e.to_string()),
    }
}

/// A `FerroscoreError` for an argument the binding checks itself.
pub fn invalid(name: &'static str, reason: &str) -> PyErr {
    to_py(ferroscore::Error::invalid(name, reason.to_string()))
}
