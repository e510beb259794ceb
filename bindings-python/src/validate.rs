//! Validation: columns and rules in, the columnar report out.

use ferroscore::validate::{validate as run_rules, Closed, Column, Rule, RuleSet, Table};
use numpy::{PyArray1, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::errors::{invalid, to_py};

/// A column's data, borrowed from numpy.
enum Data<'py> {
    F64(PyReadonlyArrayDyn<'py, f64>),
    F32(PyReadonlyArrayDyn<'py, f32>),
    I64(PyReadonlyArrayDyn<'py, i64>),
}

impl<'py> Data<'py> {
    fn extract(x: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        let d = if let Ok(a) = x.extract() {
            Data::F64(a)
        } else if let Ok(a) = x.extract() {
            Data::F32(a)
        } else if let Ok(a) = x.extract() {
            Data::I64(a)
        } else {
            return Err(PyTypeError::new_err(format!(
                "column `{name}` must be a float64, float32 or int64 numpy array"
            )));
        };
        let ndim = match &d {
            Data::F64(a) => a.ndim(),
            Data::F32(a) => a.ndim(),
            Data::I64(a) => a.ndim(),
        };
        if ndim != 1 {
            return Err(PyTypeError::new_err(format!("column `{name}` must be 1-D")));
        }
        Ok(d)
    }

    fn column(&self, name: &str) -> PyResult<Column<'_>> {
        let err = |_| PyTypeError::new_err(format!("column `{name}` must be contiguous"));
        Ok(match self {
            Data::F64(a) => Column::F64(a.as_slice().map_err(err)?),
            Data::F32(a) => Column::F32(a.as_slice().map_err(err)?),
            Data::I64(a) => Column::I64(a.as_slice().map_err(err)?),
        })
    }
}

/// A rule from its Python spelling: `(name, numbers, closed, decreasing, strict)`.
type RuleSpec = (String, Vec<f64>, String, bool, bool);

fn rule(spec: &RuleSpec) -> PyResult<Rule> {
    let (name, args, closed, decreasing, strict) = spec;
    let arg = |i: usize| -> PyResult<f64> {
        args.get(i)
            .copied()
            .ok_or_else(|| invalid("rules", &format!("rule `{name}` is missing a parameter")))
    };
    let r = match name.as_str() {
        "not_missing" => Rule::NotMissing,
        "finite" => Rule::Finite,
        "in_range" => Rule::InRange {
            lo: arg(0)?,
            hi: arg(1)?,
            closed: closed.parse::<Closed>().map_err(to_py)?,
        },
        "in_set" => Rule::InSet(args.clone()),
        "unique" => Rule::Unique,
        "monotonic" => Rule::Monotonic {
            decreasing: *decreasing,
            strict: *strict,
        },
        "max_abs_zscore" => Rule::MaxAbsZscore(arg(0)?),
        "no_gaps" => Rule::NoGaps(arg(0)?),
        _ => return Err(invalid("rules", &format!("unknown rule `{name}`"))),
    };
    r.validate().map_err(to_py)?;
    Ok(r)
}

/// One row of the report: column, rule, n_failed, failing rows, their values.
type Row<'py> = (
    String,
    String,
    u64,
    Bound<'py, PyArray1<u64>>,
    Bound<'py, PyArray1<f64>>,
);

/// Runs `rules` (`(column, rule)` pairs) over `columns` with the GIL
/// released; returns `(n_rows, rows)`.
#[pyfunction]
#[pyo3(signature = (columns, rules, max_failures=10))]
pub fn validate<'py>(
    py: Python<'py>,
    columns: Vec<(String, Bound<'py, PyAny>)>,
    rules: Vec<(String, RuleSpec)>,
    max_failures: i64,
) -> PyResult<(usize, Vec<Row<'py>>)> {
    let max_failures =
        usize::try_from(max_failures).map_err(|_| invalid("max_failures", "must be >= 0"))?;
    let data = columns
        .iter()
        .map(|(n, a)| Data::extract(a, n))
        .collect::<PyResult<Vec<_>>>()?;
    let mut table = Table::new();
    for ((n, _), d) in columns.iter().zip(&data) {
        table.push(n.clone(), d.column(n)?);
    }
    let mut set = RuleSet::new();
    for (col, spec) in &rules {
        set.push(col.clone(), rule(spec)?);
    }
    let report = py
        .detach(|| run_rules(&table, &set, max_failures))
        .map_err(to_py)?;
    let rows = report
        .results
        .into_iter()
        .map(|r| {
            (
                r.column,
                r.rule,
                r.n_failed,
                PyArray1::from_vec(py, r.failed_rows),
                PyArray1::from_vec(py, r.failed_values),
            )
        })
        .collect();
    Ok((report.n_rows, rows))
}
