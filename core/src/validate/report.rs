//! The validation report.

use std::fmt;

/// The outcome of one rule on one column.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    /// The column's name.
    pub column: String,
    /// The rule, as text (`in_range(0, 1000000, closed=both)`).
    pub rule: String,
    /// How many rows fail.
    pub n_failed: u64,
    /// The first failing rows (at most `max_failures`), ascending.
    pub failed_rows: Vec<u64>,
    /// The values at those rows (as `f64`).
    pub failed_values: Vec<f64>,
}

impl RuleResult {
    /// True when no row fails.
    pub fn passed(&self) -> bool {
        self.n_failed == 0
    }
}

/// One row per (column, rule), in the rule set's order.
///
/// ```
/// use ferroscore::validate::{validate, Column, Rule, RuleSet, Table};
/// let t = Table::new().with("x", Column::F64(&[1.0, f64::NAN]));
/// let r = validate(&t, &RuleSet::new().with("x", Rule::NotMissing), 10)?;
/// assert_eq!(r.n_failed_total(), 1);
/// assert!(r.to_string().contains("x  not_missing  FAILED  1"));
/// # Ok::<(), ferroscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Rows in the table.
    pub n_rows: usize,
    /// The results, one per (column, rule).
    pub results: Vec<RuleResult>,
}

impl Report {
    /// True when every rule passed.
    pub fn ok(&self) -> bool {
        self.results.iter().all(RuleResult::passed)
    }

    /// Failing rows over all rules.
    pub fn n_failed_total(&self) -> u64 {
        self.results.iter().map(|r| r.n_failed).sum()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.ok() { "passed" } else { "FAILED" };
        writeln!(
            f,
            "validation {verdict}: {} rows, {} checks",
            self.n_rows,
            self.results.len()
        )?;
        for r in &self.results {
            let status = if r.passed() { "ok" } else { "FAILED" };
            write!(f, "{}  {}  {}  {}", r.column, r.rule, status, r.n_failed)?;
            if !r.failed_rows.is_empty() {
                let rows: Vec<String> = r
                    .failed_rows
                    .iter()
                    .zip(&r.failed_values)
                    .map(|(i, v)| format!("{i}: {v}"))
                    .collect();
                write!(f, "  [{}]", rows.join(", "))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
