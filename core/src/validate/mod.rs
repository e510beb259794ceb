//! Rule checks over the columns of a named table, with a columnar report.
//!
//! ```
//! use ferroscore::validate::{validate, Column, Rule, RuleSet, Table};
//! let price = [10.0, f64::NAN, 2e6];
//! let id = [1_i64, 2, 2];
//! let table = Table::new().with("price", Column::F64(&price)).with("id", Column::I64(&id));
//! let rules = RuleSet::new()
//!     .with("price", Rule::NotMissing)
//!     .with("price", Rule::in_range(0.0, 1e6))
//!     .with("id", Rule::Unique);
//! let report = validate(&table, &rules, 10)?;
//! assert!(!report.ok());
//! assert_eq!(report.results[0].failed_rows, vec![1]);
//! assert_eq!(report.results[1].failed_values, vec![2e6]);
//! assert_eq!(report.results[2].failed_rows, vec![2]);
//! # Ok::<(), ferroscore::Error>(())
//! ```
//!
//! Semantics, per rule (a missing value is NaN; `i64` columns have none):
//! - `not_missing` fails missing values; `finite` fails missing and ±Inf.
//! - every other rule lets missing values pass (pair it with `not_missing`).
//! - `in_range(lo, hi, closed)`: `closed` ∈ both, left, right, neither.
//! - `in_set(values)`: exact numeric membership.
//! - `unique`: the second and later occurrences of a value fail (`-0.0 == 0.0`).
//! - `monotonic(decreasing, strict)`: a row fails when it breaks the order
//!   against the previous non-missing value.
//! - `max_abs_zscore(k)`: fails `|v - mean| / std > k`, with the mean and
//!   sample std (ddof 1) of the column's finite values; ±Inf fails.
//! - `no_gaps(step)`: for sorted keys, fails a row whose difference from the
//!   previous non-missing value exceeds `step`.
//!
//! All the row-wise rules of a column run in one pass over it, block by block
//! (each rule a tight loop over a cache-resident block); `max_abs_zscore` adds
//! one pass for the moments and `unique` one sort. Columns run in parallel
//! with the `parallel` feature.

mod check;
mod report;
mod rules;

pub use report::{Report, RuleResult};
pub use rules::{Closed, Rule, RuleSet};

use crate::{Error, Result};

/// One column's data, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// 64-bit floats (NaN is missing).
    F64(&'a [f64]),
    /// 32-bit floats (NaN is missing).
    F32(&'a [f32]),
    /// 64-bit integers (never missing).
    I64(&'a [i64]),
}

impl Column<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::F64(x) => x.len(),
            Column::F32(x) => x.len(),
            Column::I64(x) => x.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Named columns of equal length.
///
/// ```
/// use ferroscore::validate::{Column, Table};
/// let t = Table::new().with("a", Column::F64(&[1.0, 2.0]));
/// assert_eq!(t.n_rows(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Table<'a> {
    columns: Vec<(String, Column<'a>)>,
}

impl<'a> Table<'a> {
    /// An empty table.
    pub fn new() -> Self {
        Table {
            columns: Vec::new(),
        }
    }

    /// Adds a column (builder style).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, column: Column<'a>) -> Self {
        self.push(name, column);
        self
    }

    /// Adds a column.
    pub fn push(&mut self, name: impl Into<String>, column: Column<'a>) {
        self.columns.push((name.into(), column));
    }

    /// Number of rows (of the first column; 0 for no columns).
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// The column called `name`.
    pub fn get(&self, name: &str) -> Option<Column<'a>> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
    }

    fn check(&self) -> Result<()> {
        let n = self.n_rows();
        for (_, c) in &self.columns {
            if c.len() != n {
                return Err(Error::LengthMismatch {
                    name: "table",
                    expected: n,
                    actual: c.len(),
                });
            }
        }
        Ok(())
    }
}

/// Runs every rule of `rules` on its column of `table`; records the first
/// `max_failures` failing rows of each (column, rule).
///
/// ```
/// use ferroscore::validate::{validate, Column, Rule, RuleSet, Table};
/// let t = Table::new().with("x", Column::F64(&[1.0, 2.0, 3.0]));
/// let r = validate(&t, &RuleSet::new().with("x", Rule::monotonic(false, true)), 10)?;
/// assert!(r.ok());
/// assert!(validate(&t, &RuleSet::new().with("y", Rule::Unique), 10).is_err());
/// # Ok::<(), ferroscore::Error>(())
/// ```
pub fn validate(table: &Table<'_>, rules: &RuleSet, max_failures: usize) -> Result<Report> {
    table.check()?;
    // Group the rules by column, keeping the rule set's order for the report.
    let mut by_column: Vec<(Column<'_>, Vec<usize>)> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, (col, rule)) in rules.entries().iter().enumerate() {
        rule.validate()?;
        let data = table
            .get(col)
            .ok_or_else(|| Error::UnknownColumn { name: col.clone() })?;
        match names.iter().position(|n| n == col) {
            Some(j) => by_column[j].1.push(i),
            None => {
                names.push(col);
                by_column.push((data, vec![i]));
            }
        }
    }
    let per_column = crate::parallel::map_collect(by_column.len(), |j| {
        let (data, idx) = &by_column[j];
        let rs: Vec<&Rule> = idx.iter().map(|&i| &rules.entries()[i].1).collect();
        check::column(*data, &rs, max_failures)
    });
    let mut results: Vec<Option<RuleResult>> = vec![None; rules.entries().len()];
    for ((_, idx), outcomes) in by_column.iter().zip(per_column) {
        for (&i, o) in idx.iter().zip(outcomes) {
            let (col, rule) = &rules.entries()[i];
            results[i] = Some(RuleResult {
                column: col.clone(),
                rule: rule.to_string(),
                n_failed: o.n_failed,
                failed_rows: o.rows,
                failed_values: o.values,
            });
        }
    }
    Ok(Report {
        n_rows: table.n_rows(),
        results: results.into_iter().flatten().collect(),
    })
}
